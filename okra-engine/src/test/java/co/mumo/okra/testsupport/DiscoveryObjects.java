package co.mumo.okra.testsupport;

import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.ClusterSet;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.eks.EksClient;

/** ClusterSets, AWSTargetGroupSets, ArgoCD cluster Secrets in a test API server, and EKS clusters in moto. */
public final class DiscoveryObjects {
  private final KubernetesClient client;

  public DiscoveryObjects(KubernetesClient client) {
    this.client = client;
  }

  /** A ClusterSet from YAML ({@code %s} filled from {@code args}). */
  public ClusterSet createClusterSet(String namespace, String yaml, Object... args) {
    ClusterSet set = Serialization.unmarshal(yaml.formatted(args), ClusterSet.class);
    set.getMetadata().setNamespace(namespace);
    return client.resources(ClusterSet.class).inNamespace(namespace).resource(set).create();
  }

  public AWSTargetGroupSet createTargetGroupSet(String namespace, String yaml, Object... args) {
    AWSTargetGroupSet set = Serialization.unmarshal(yaml.formatted(args), AWSTargetGroupSet.class);
    set.getMetadata().setNamespace(namespace);
    return client.resources(AWSTargetGroupSet.class).inNamespace(namespace).resource(set).create();
  }

  public ClusterSet clusterSet(String namespace, String name) {
    return client.resources(ClusterSet.class).inNamespace(namespace).withName(name).get();
  }

  public AWSTargetGroupSet targetGroupSet(String namespace, String name) {
    return client.resources(AWSTargetGroupSet.class).inNamespace(namespace).withName(name).get();
  }

  /** An ArgoCD cluster Secret written by hand (no owner), with the given labels besides secret-type. */
  public Secret argoSecret(String namespace, String name, String server, String configJson, Map<String, String> labels) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put("argocd.argoproj.io/secret-type", "cluster");
    Secret s = new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(all).build())
        .withType("Opaque")
        .withStringData(Map.of("name", name, "server", server, "config", configJson))
        .build();
    return client.secrets().inNamespace(namespace).resource(s).create();
  }

  public Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
  }

  /** The Secret's data, decoded. */
  public static Map<String, String> data(Secret s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.getData() != null) s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  public List<AWSTargetGroup> targetGroups(String namespace) {
    return client.resources(AWSTargetGroup.class).inNamespace(namespace).list().getItems();
  }

  public Optional<AWSTargetGroup> targetGroup(String namespace, String name) {
    return Optional.ofNullable(client.resources(AWSTargetGroup.class).inNamespace(namespace).withName(name).get());
  }

  /** An EKS cluster in moto with {@code tags}; moto makes it ACTIVE at once. */
  public static String eksCluster(EksClient eks, String name, Map<String, String> tags) {
    return eks.createCluster(b -> b.name(name).roleArn("arn:aws:iam::123456789012:role/eks")
        .resourcesVpcConfig(v -> v.subnetIds("subnet-1", "subnet-2")).tags(tags)).cluster().arn();
  }

  public static void deleteEksCluster(EksClient eks, String name) {
    eks.deleteCluster(b -> b.name(name));
  }
}
