package co.mumo.okra.kube;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.ClusterStore;
import co.mumo.okra.cell.EventRecorder;
import co.mumo.okra.core.Version;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link ClusterStore} over a fabric8 client. */
public final class Fabric8ClusterStore implements ClusterStore {
  private final KubernetesClient client;
  private final Fabric8EventRecorder events;

  public Fabric8ClusterStore(KubernetesClient client) {
    this.client = client;
    this.events = new Fabric8EventRecorder(client);
  }

  @Override
  public EventRecorder events() {
    return events;
  }

  @Override
  public List<Cell> cells(String namespace) {
    var op = client.resources(Cell.class);
    return namespace == null ? op.inAnyNamespace().list().getItems() : op.inNamespace(namespace).list().getItems();
  }

  @Override
  public Optional<Cell> cell(String namespace, String name) {
    return Optional.ofNullable(client.resources(Cell.class).inNamespace(namespace).withName(name).get());
  }

  @Override
  public List<AWSTargetGroup> targetGroups(String namespace, Map<String, String> matchLabels) {
    return client.resources(AWSTargetGroup.class).inNamespace(namespace).withLabels(matchLabels).list().getItems();
  }

  @Override
  public List<AWSTargetGroup> allTargetGroups(String namespace) {
    return client.resources(AWSTargetGroup.class).inNamespace(namespace).list().getItems();
  }

  @Override
  public List<VersionBlocklist> blocklists(String namespace) {
    return client.resources(VersionBlocklist.class).inNamespace(namespace).list().getItems();
  }

  @Override
  public List<AWSApplicationLoadBalancerConfig> albConfigs(String namespace) {
    return albConfigs().inNamespace(namespace).list().getItems();
  }

  @Override
  public Optional<VersionBlocklist> blocklist(String namespace, String name) {
    return Optional.ofNullable(client.resources(VersionBlocklist.class).inNamespace(namespace).withName(name).get());
  }

  @Override
  public void block(Cell cell, String version, String cause) {
    var op = client.resources(VersionBlocklist.class).inNamespace(cell.getMetadata().getNamespace());
    VersionBlocklist existing = op.withName(cell.getMetadata().getName()).get();
    if (existing == null) {
      VersionBlocklist list = new VersionBlocklist();
      list.setMetadata(new ObjectMetaBuilder().withName(cell.getMetadata().getName())
          .withNamespace(cell.getMetadata().getNamespace()).withOwnerReferences(ownerOf(cell)).build());
      list.setSpec(new VersionBlocklist.Spec());
      list.getSpec().items.add(new VersionBlocklist.Item(version, cause));
      op.resource(list).create();
      return;
    }
    if (existing.getSpec() == null) existing.setSpec(new VersionBlocklist.Spec());
    if (existing.getSpec().items.stream().anyMatch(i -> version.equals(i.version))) return;
    existing.getSpec().items.add(new VersionBlocklist.Item(version, cause));
    op.resource(existing).update();
  }

  @Override
  public boolean unblock(Cell cell, String version) {
    var op = client.resources(VersionBlocklist.class).inNamespace(cell.getMetadata().getNamespace());
    VersionBlocklist existing = op.withName(cell.getMetadata().getName()).get();
    if (existing == null || existing.getSpec() == null) return false;
    boolean removed = existing.getSpec().items.removeIf(i -> Version.tryParse(i.version)
        .map(v -> Version.tryParse(version).map(v::sameAs).orElse(false)).orElse(version.equals(i.version)));
    if (removed) op.resource(existing).update();
    return removed;
  }

  @Override
  public Cell updateCellStatus(Cell cell) {
    return guarded(() -> client.resources(Cell.class).inNamespace(cell.getMetadata().getNamespace()).resource(cell).updateStatus(),
        "Cell " + cell.getMetadata().getNamespace() + "/" + cell.getMetadata().getName());
  }

  @Override
  public Optional<AWSApplicationLoadBalancerConfig> albConfig(String namespace, String name) {
    return Optional.ofNullable(albConfigs().inNamespace(namespace).withName(name).get());
  }

  @Override
  public AWSApplicationLoadBalancerConfig putAlbConfig(AWSApplicationLoadBalancerConfig config, Optional<Cell> owner) {
    String ns = config.getMetadata().getNamespace();
    owner.ifPresent(c -> config.getMetadata().setOwnerReferences(List.of(ownerOf(c))));
    if (config.getMetadata().getResourceVersion() != null) {
      // A stored copy with a new spec: replace it without reading it first, unless someone wrote it since.
      try {
        return albConfigs().inNamespace(ns).resource(config).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) throw e;
      }
    }
    AWSApplicationLoadBalancerConfig existing = albConfigs().inNamespace(ns).withName(config.getMetadata().getName()).get();
    if (existing == null) {
      config.getMetadata().setResourceVersion(null);
      config.getMetadata().setUid(null);
      return albConfigs().inNamespace(ns).resource(config).create();
    }
    existing.setSpec(config.getSpec());
    owner.ifPresent(c -> existing.getMetadata().setOwnerReferences(List.of(ownerOf(c))));
    return albConfigs().inNamespace(ns).resource(existing).update();
  }

  @Override
  public AWSApplicationLoadBalancerConfig updateAlbConfigStatus(AWSApplicationLoadBalancerConfig config) {
    // The Cell's status write already serialised this pass; the ALB config status only reports what
    // was applied, so a copy that went stale is written over the latest one rather than given up.
    var op = albConfigs().inNamespace(config.getMetadata().getNamespace());
    if (config.getMetadata().getResourceVersion() != null) {
      try {
        return op.resource(config).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) throw e;
      }
    }
    AWSApplicationLoadBalancerConfig latest = op.withName(config.getMetadata().getName()).get();
    if (latest == null) return config;
    latest.setStatus(config.getStatus());
    return op.resource(latest).updateStatus();
  }

  private MixedOperation<AWSApplicationLoadBalancerConfig, KubernetesResourceList<AWSApplicationLoadBalancerConfig>,
      Resource<AWSApplicationLoadBalancerConfig>> albConfigs() {
    return client.resources(AWSApplicationLoadBalancerConfig.class);
  }

  static OwnerReference ownerOf(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(false).build();
  }

  private static <T> T guarded(Supplier<T> write, String what) {
    try {
      return write.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new ConflictException(what + " was changed by someone else since this pass read it", e);
      }
      throw e;
    }
  }
}
