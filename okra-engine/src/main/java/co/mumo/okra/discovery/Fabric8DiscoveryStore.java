package co.mumo.okra.discovery;

import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.ClusterSet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link DiscoveryStore} over a fabric8 client to the management cluster. */
public final class Fabric8DiscoveryStore implements DiscoveryStore {
  private final KubernetesClient client;

  public Fabric8DiscoveryStore(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public List<ClusterSet> clusterSets(String namespace) {
    return client.resources(ClusterSet.class).inNamespace(namespace).list().getItems();
  }

  @Override
  public Optional<ClusterSet> clusterSet(String namespace, String name) {
    return Optional.ofNullable(client.resources(ClusterSet.class).inNamespace(namespace).withName(name).get());
  }

  @Override
  public List<AWSTargetGroupSet> targetGroupSets(String namespace) {
    return client.resources(AWSTargetGroupSet.class).inNamespace(namespace).list().getItems();
  }

  @Override
  public Optional<AWSTargetGroupSet> targetGroupSet(String namespace, String name) {
    return Optional.ofNullable(client.resources(AWSTargetGroupSet.class).inNamespace(namespace).withName(name).get());
  }

  @Override
  public List<ObservedSecret> clusterSecrets(String namespace, String clusterSet) {
    Map<String, ObservedSecret> byName = new LinkedHashMap<>();
    for (Secret s : client.secrets().inNamespace(namespace)
        .withLabel(DiscoveryKeys.ARGOCD_SECRET_TYPE, DiscoveryKeys.ARGOCD_SECRET_TYPE_CLUSTER).list().getItems()) {
      byName.put(s.getMetadata().getName(), observed(s));
    }
    for (Secret s : client.secrets().inNamespace(namespace).withLabel(DiscoveryKeys.CLUSTER_SET, Names.labelValue(clusterSet))
        .list().getItems()) {
      byName.putIfAbsent(s.getMetadata().getName(), observed(s));
    }
    return List.copyOf(byName.values());
  }

  @Override
  public List<ObservedSecret> secrets(String namespace, Map<String, String> labels) {
    return client.secrets().inNamespace(namespace).withLabels(labels).list().getItems().stream().map(Fabric8DiscoveryStore::observed).toList();
  }

  @Override
  public Optional<ObservedSecret> secret(String namespace, String name) {
    return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get()).map(Fabric8DiscoveryStore::observed);
  }

  @Override
  public void createSecret(ClusterSet owner, DesiredSecret desired) {
    Secret secret = new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(desired.name()).withNamespace(owner.getMetadata().getNamespace())
            .withLabels(desired.labels()).withAnnotations(desired.annotations()).withOwnerReferences(ownerOf(owner)).build())
        .withType("Opaque")
        .withData(encode(desired.data()))
        .build();
    client.secrets().inNamespace(owner.getMetadata().getNamespace()).resource(secret).create();
  }

  @Override
  public void updateSecret(ClusterSet owner, DesiredSecret desired) {
    String ns = owner.getMetadata().getNamespace();
    Secret current = client.secrets().inNamespace(ns).withName(desired.name()).get();
    if (current == null) throw new IllegalStateException("Secret " + ns + "/" + desired.name() + " disappeared");
    current.getMetadata().setLabels(new HashMap<>(desired.labels()));
    Map<String, String> annotations = current.getMetadata().getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(current.getMetadata().getAnnotations());
    annotations.putAll(desired.annotations());
    current.getMetadata().setAnnotations(annotations);
    Map<String, String> data = current.getData() == null ? new HashMap<>() : new HashMap<>(current.getData());
    data.putAll(encode(desired.data()));
    current.setData(data);
    current.setStringData(null);
    // Carries the resourceVersion just read: a concurrent change makes this fail, and the next pass retries.
    client.secrets().inNamespace(ns).resource(current).update();
  }

  @Override
  public void deleteSecret(String namespace, String name) {
    client.secrets().inNamespace(namespace).withName(name).delete();
  }

  @Override
  public List<ObservedTargetGroup> targetGroups(String namespace) {
    return client.resources(AWSTargetGroup.class).inNamespace(namespace).list().getItems().stream()
        .map(tg -> new ObservedTargetGroup(tg.getMetadata().getName(), orEmpty(tg.getMetadata().getLabels()),
            orEmpty(tg.getMetadata().getAnnotations()), tg.getSpec() == null ? null : tg.getSpec().arn,
            owner(tg, "AWSTargetGroupSet")))
        .toList();
  }

  @Override
  public void createTargetGroup(AWSTargetGroupSet owner, DesiredTargetGroup desired) {
    AWSTargetGroup tg = new AWSTargetGroup();
    tg.setMetadata(new ObjectMetaBuilder().withName(desired.name()).withNamespace(owner.getMetadata().getNamespace())
        .withLabels(desired.labels()).withAnnotations(desired.annotations()).withOwnerReferences(ownerOf(owner)).build());
    tg.setSpec(new AWSTargetGroup.Spec());
    tg.getSpec().arn = desired.arn();
    client.resources(AWSTargetGroup.class).inNamespace(owner.getMetadata().getNamespace()).resource(tg).create();
  }

  @Override
  public void updateTargetGroup(AWSTargetGroupSet owner, DesiredTargetGroup desired) {
    String ns = owner.getMetadata().getNamespace();
    var op = client.resources(AWSTargetGroup.class).inNamespace(ns);
    AWSTargetGroup current = op.withName(desired.name()).get();
    if (current == null) throw new IllegalStateException("AWSTargetGroup " + ns + "/" + desired.name() + " disappeared");
    current.getMetadata().setLabels(new HashMap<>(desired.labels()));
    Map<String, String> annotations = current.getMetadata().getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(current.getMetadata().getAnnotations());
    annotations.putAll(desired.annotations());
    current.getMetadata().setAnnotations(annotations);
    if (current.getSpec() == null) current.setSpec(new AWSTargetGroup.Spec());
    current.getSpec().arn = desired.arn();
    op.resource(current).update();
  }

  @Override
  public void deleteTargetGroup(String namespace, String name) {
    client.resources(AWSTargetGroup.class).inNamespace(namespace).withName(name).delete();
  }

  @Override
  public void updateStatus(ClusterSet set, ClusterSet.Status status) {
    var op = client.resources(ClusterSet.class).inNamespace(set.getMetadata().getNamespace());
    ClusterSet latest = op.withName(set.getMetadata().getName()).get();
    if (latest == null) return;
    latest.setStatus(status);
    op.resource(latest).updateStatus();
  }

  @Override
  public void updateStatus(AWSTargetGroupSet set, AWSTargetGroupSet.Status status) {
    var op = client.resources(AWSTargetGroupSet.class).inNamespace(set.getMetadata().getNamespace());
    AWSTargetGroupSet latest = op.withName(set.getMetadata().getName()).get();
    if (latest == null) return;
    latest.setStatus(status);
    op.resource(latest).updateStatus();
  }

  static ObservedSecret observed(Secret s) {
    Map<String, String> data = new HashMap<>();
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> data.put(k, v == null ? "" : new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) data.putAll(s.getStringData());
    return new ObservedSecret(s.getMetadata().getName(), orEmpty(s.getMetadata().getLabels()), orEmpty(s.getMetadata().getAnnotations()),
        data, owner(s, "ClusterSet"));
  }

  /** The name of the okra.mumo.co owner of {@code kind}, if the object has one. */
  static Optional<String> owner(HasMetadata object, String kind) {
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    if (refs == null) return Optional.empty();
    return refs.stream()
        .filter(r -> kind.equals(r.getKind()) && r.getApiVersion() != null && r.getApiVersion().startsWith(Cell.GROUP + "/"))
        .map(OwnerReference::getName).findFirst();
  }

  static OwnerReference ownerOf(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(false).build();
  }

  private static Map<String, String> encode(Map<String, String> data) {
    Map<String, String> out = new HashMap<>();
    data.forEach((k, v) -> out.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return out;
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
