package co.mumo.okra.runner.demo;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.ClusterStore;
import co.mumo.okra.core.Version;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link ClusterStore} kept in memory, behaving like an API server where the engine can tell: every
 * write bumps a resourceVersion, a status write carrying a stale one is refused with
 * {@link ConflictException} (the guard that keeps two runners apart), status writes leave the spec
 * alone, spec writes leave the status alone and bump the generation, and reads hand out copies so a
 * caller's edits reach the store only through a write.
 */
public final class InMemoryClusterStore implements ClusterStore {
  private final Map<String, HasMetadata> objects = new LinkedHashMap<>();
  private final Clock clock;
  private long resourceVersion;

  public InMemoryClusterStore(Clock clock) {
    this.clock = clock;
  }

  /** Like {@code kubectl create}: a new object with uid, resourceVersion 1.. and generation 1. */
  public synchronized <T extends HasMetadata> T create(T object) {
    ObjectMeta m = object.getMetadata();
    if (m == null || m.getName() == null || m.getNamespace() == null) {
      throw new IllegalArgumentException("metadata.name and metadata.namespace are required");
    }
    String key = key(object.getClass(), m.getNamespace(), m.getName());
    if (objects.containsKey(key)) throw new IllegalStateException(kindOf(object) + " " + m.getNamespace() + "/" + m.getName() + " already exists");
    T stored = copy(object);
    stored.getMetadata().setUid(UUID.randomUUID().toString());
    stored.getMetadata().setGeneration(1L);
    stored.getMetadata().setCreationTimestamp(clock.instant().toString());
    stored.getMetadata().setResourceVersion(nextResourceVersion());
    objects.put(key, stored);
    return copy(stored);
  }

  public synchronized boolean delete(Class<? extends HasMetadata> kind, String namespace, String name) {
    return objects.remove(key(kind, namespace, name)) != null;
  }

  @Override
  public synchronized List<Cell> cells(String namespace) {
    return list(Cell.class, namespace);
  }

  @Override
  public synchronized Optional<Cell> cell(String namespace, String name) {
    return get(Cell.class, namespace, name);
  }

  @Override
  public synchronized List<AWSTargetGroup> targetGroups(String namespace, Map<String, String> matchLabels) {
    return list(AWSTargetGroup.class, namespace).stream().filter(tg -> {
      Map<String, String> labels = tg.getMetadata().getLabels() == null ? Map.of() : tg.getMetadata().getLabels();
      return matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }).toList();
  }

  @Override
  public synchronized Optional<VersionBlocklist> blocklist(String namespace, String name) {
    return get(VersionBlocklist.class, namespace, name);
  }

  @Override
  public synchronized List<VersionBlocklist> blocklists(String namespace) {
    return list(VersionBlocklist.class, namespace);
  }

  @Override
  public synchronized List<AWSApplicationLoadBalancerConfig> albConfigs(String namespace) {
    return list(AWSApplicationLoadBalancerConfig.class, namespace);
  }

  @Override
  public synchronized void block(Cell cell, String version, String cause) {
    String ns = cell.getMetadata().getNamespace();
    String name = cell.getMetadata().getName();
    Optional<VersionBlocklist> existing = stored(VersionBlocklist.class, ns, name);
    if (existing.isEmpty()) {
      VersionBlocklist list = new VersionBlocklist();
      list.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).withOwnerReferences(ownerOf(cell)).build());
      list.setSpec(new VersionBlocklist.Spec());
      list.getSpec().items.add(new VersionBlocklist.Item(version, cause));
      create(list);
      return;
    }
    VersionBlocklist list = existing.get();
    if (list.getSpec().items.stream().anyMatch(i -> version.equals(i.version))) return;
    list.getSpec().items.add(new VersionBlocklist.Item(version, cause));
    touchSpec(list);
  }

  @Override
  public synchronized boolean unblock(Cell cell, String version) {
    Optional<VersionBlocklist> existing = stored(VersionBlocklist.class, cell.getMetadata().getNamespace(), cell.getMetadata().getName());
    if (existing.isEmpty() || existing.get().getSpec() == null) return false;
    Optional<Version> wanted = Version.tryParse(version);
    boolean removed = existing.get().getSpec().items.removeIf(i -> Version.tryParse(i.version)
        .map(v -> wanted.map(v::sameAs).orElse(false)).orElse(version.equals(i.version)));
    if (removed) touchSpec(existing.get());
    return removed;
  }

  @Override
  public synchronized Cell updateCellStatus(Cell cell) {
    String ns = cell.getMetadata().getNamespace();
    String name = cell.getMetadata().getName();
    Cell stored = stored(Cell.class, ns, name)
        .orElseThrow(() -> new IllegalStateException("Cell " + ns + "/" + name + " not found"));
    String sent = cell.getMetadata().getResourceVersion();
    // As the API server does for a PUT with metadata.resourceVersion: a mismatch is a 409, nothing is written.
    if (sent != null && !sent.equals(stored.getMetadata().getResourceVersion())) {
      throw new ConflictException("Cell " + ns + "/" + name + " was changed by someone else since this pass read it"
          + " (resourceVersion " + sent + ", now " + stored.getMetadata().getResourceVersion() + ")", null);
    }
    stored.setStatus(copy(cell).getStatus());
    stored.getMetadata().setResourceVersion(nextResourceVersion());
    return copy(stored);
  }

  @Override
  public synchronized Optional<AWSApplicationLoadBalancerConfig> albConfig(String namespace, String name) {
    return get(AWSApplicationLoadBalancerConfig.class, namespace, name);
  }

  @Override
  public synchronized AWSApplicationLoadBalancerConfig putAlbConfig(AWSApplicationLoadBalancerConfig config, Optional<Cell> owner) {
    AWSApplicationLoadBalancerConfig desired = copy(config);
    owner.ifPresent(c -> desired.getMetadata().setOwnerReferences(List.of(ownerOf(c))));
    Optional<AWSApplicationLoadBalancerConfig> existing = stored(AWSApplicationLoadBalancerConfig.class,
        desired.getMetadata().getNamespace(), desired.getMetadata().getName());
    if (existing.isEmpty()) return create(desired);
    AWSApplicationLoadBalancerConfig stored = existing.get();
    stored.setSpec(desired.getSpec());
    owner.ifPresent(c -> stored.getMetadata().setOwnerReferences(List.of(ownerOf(c))));
    touchSpec(stored);
    return copy(stored);
  }

  @Override
  public synchronized AWSApplicationLoadBalancerConfig updateAlbConfigStatus(AWSApplicationLoadBalancerConfig config) {
    // Unguarded over the latest copy, as Fabric8ClusterStore does: it only reports what was applied.
    Optional<AWSApplicationLoadBalancerConfig> existing = stored(AWSApplicationLoadBalancerConfig.class,
        config.getMetadata().getNamespace(), config.getMetadata().getName());
    if (existing.isEmpty()) return config;
    existing.get().setStatus(copy(config).getStatus());
    existing.get().getMetadata().setResourceVersion(nextResourceVersion());
    return copy(existing.get());
  }

  /** A spec change: new resourceVersion and, as for any CRD with a status subresource, a new generation. */
  private void touchSpec(HasMetadata stored) {
    Long generation = stored.getMetadata().getGeneration();
    stored.getMetadata().setGeneration(generation == null ? 1 : generation + 1);
    stored.getMetadata().setResourceVersion(nextResourceVersion());
  }

  private String nextResourceVersion() {
    return String.valueOf(++resourceVersion);
  }

  private <T extends HasMetadata> Optional<T> get(Class<T> kind, String namespace, String name) {
    return stored(kind, namespace, name).map(InMemoryClusterStore::copy);
  }

  private <T extends HasMetadata> Optional<T> stored(Class<T> kind, String namespace, String name) {
    return Optional.ofNullable(objects.get(key(kind, namespace, name))).map(kind::cast);
  }

  private <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
    List<T> out = new ArrayList<>();
    for (HasMetadata o : objects.values()) {
      if (kind.isInstance(o) && (namespace == null || Objects.equals(namespace, o.getMetadata().getNamespace()))) {
        out.add(copy(kind.cast(o)));
      }
    }
    return out;
  }

  private static String key(Class<?> kind, String namespace, String name) {
    return kind.getSimpleName() + "/" + namespace + "/" + name;
  }

  private static String kindOf(HasMetadata o) {
    return o.getClass().getSimpleName();
  }

  @SuppressWarnings("unchecked")
  private static <T> T copy(T object) {
    return (T) Serialization.jsonMapper().convertValue(object, object.getClass());
  }

  private static OwnerReference ownerOf(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(false).build();
  }
}
