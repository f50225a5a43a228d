package co.mumo.okra.cell;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store as one pass over many Cells sees it: target groups, blocklists and ALB configs are listed
 * once per namespace instead of read once per Cell, so a pass costs API calls per namespace, not per
 * Cell. A Cell read by name is always read fresh (the re-check before an ALB write needs the latest),
 * and every write goes through and refreshes what this pass has cached.
 */
public final class PassCachingClusterStore implements ClusterStore {
  private final ClusterStore store;
  // Concurrent: a pass may work on several listeners at once; computeIfAbsent still lists each kind once.
  private final Map<String, List<AWSTargetGroup>> targetGroups = new ConcurrentHashMap<>();
  private final Map<String, Map<String, VersionBlocklist>> blocklists = new ConcurrentHashMap<>();
  private final Map<String, Map<String, AWSApplicationLoadBalancerConfig>> albConfigs = new ConcurrentHashMap<>();
  private final Map<String, List<Cell>> cells = new ConcurrentHashMap<>();
  /** The key of the listing of every namespace's Cells (a namespace name never contains a slash). */
  private static final String ALL = "/";

  public PassCachingClusterStore(ClusterStore store) {
    this.store = store;
  }

  /**
   * The Cells of a namespace (null: of all), listed once per pass: the Cells to reconcile, and the earlier
   * waves other Cells wait for, as listed when the pass began (callers that change them work on copies): a
   * wave's progress in this pass is seen by the next, so a later wave may only start later, never sooner.
   */
  @Override
  public List<Cell> cells(String namespace) {
    List<Cell> all = cells.get(ALL);
    if (namespace != null && all != null) {
      return all.stream().filter(c -> namespace.equals(c.getMetadata().getNamespace())).toList();
    }
    return cells.computeIfAbsent(namespace == null ? ALL : namespace, ns -> store.cells(namespace));
  }

  @Override
  public Optional<Cell> cell(String namespace, String name) {
    return store.cell(namespace, name);
  }

  @Override
  public List<AWSTargetGroup> targetGroups(String namespace, Map<String, String> matchLabels) {
    return targetGroups.computeIfAbsent(namespace, store::allTargetGroups).stream()
        .filter(tg -> matches(tg.getMetadata().getLabels(), matchLabels)).toList();
  }

  @Override
  public Optional<VersionBlocklist> blocklist(String namespace, String name) {
    return Optional.ofNullable(blocklistsIn(namespace).get(name));
  }

  @Override
  public void block(Cell cell, String version, String cause) {
    store.block(cell, version, cause);
    blocklists.remove(cell.getMetadata().getNamespace());
  }

  @Override
  public boolean unblock(Cell cell, String version) {
    blocklists.remove(cell.getMetadata().getNamespace());
    return store.unblock(cell, version);
  }

  @Override
  public Cell updateCellStatus(Cell cell) {
    return store.updateCellStatus(cell);
  }

  @Override
  public EventRecorder events() {
    return store.events();
  }

  @Override
  public Optional<AWSApplicationLoadBalancerConfig> albConfig(String namespace, String name) {
    return Optional.ofNullable(albConfigsIn(namespace).get(name));
  }

  @Override
  public AWSApplicationLoadBalancerConfig putAlbConfig(AWSApplicationLoadBalancerConfig config, Optional<Cell> owner) {
    return remember(store.putAlbConfig(config, owner));
  }

  @Override
  public AWSApplicationLoadBalancerConfig updateAlbConfigStatus(AWSApplicationLoadBalancerConfig config) {
    return remember(store.updateAlbConfigStatus(config));
  }

  private AWSApplicationLoadBalancerConfig remember(AWSApplicationLoadBalancerConfig written) {
    albConfigsIn(written.getMetadata().getNamespace()).put(written.getMetadata().getName(), written);
    return written;
  }

  private Map<String, VersionBlocklist> blocklistsIn(String namespace) {
    return blocklists.computeIfAbsent(namespace, ns -> byName(store.blocklists(ns)));
  }

  private Map<String, AWSApplicationLoadBalancerConfig> albConfigsIn(String namespace) {
    return albConfigs.computeIfAbsent(namespace, ns -> byName(store.albConfigs(ns)));
  }

  private static <T extends HasMetadata> Map<String, T> byName(List<T> items) {
    Map<String, T> out = new ConcurrentHashMap<>();
    for (T item : items) out.put(item.getMetadata().getName(), item);
    return out;
  }

  static boolean matches(Map<String, String> labels, Map<String, String> selector) {
    Map<String, String> have = labels == null ? Map.of() : labels;
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
  }
}
