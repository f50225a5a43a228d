package co.mumo.okra.cell;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.failure.ServiceFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The port to the management cluster: Okra's resources, with optimistic locking on status writes. */
public interface ClusterStore {

  /** Cells in {@code namespace}, or in every namespace when it is null. */
  List<Cell> cells(String namespace);

  Optional<Cell> cell(String namespace, String name);

  List<AWSTargetGroup> targetGroups(String namespace, Map<String, String> matchLabels);

  Optional<VersionBlocklist> blocklist(String namespace, String name);

  /** Adds {@code version} to the blocklist named after the Cell (created, owned by it, when missing). Idempotent. */
  void block(Cell cell, String version, String cause);

  /** Removes {@code version} from the Cell's blocklist; false when it was not there. */
  boolean unblock(Cell cell, String version);

  /**
   * Writes {@code cell}'s status, guarded by the resourceVersion it carries: when someone else wrote
   * the Cell since it was read, nothing is written and {@link ConflictException} is thrown.
   */
  Cell updateCellStatus(Cell cell);

  Optional<AWSApplicationLoadBalancerConfig> albConfig(String namespace, String name);

  /** Creates or replaces the spec of the ALB config, owned by {@code owner} when given. */
  AWSApplicationLoadBalancerConfig putAlbConfig(AWSApplicationLoadBalancerConfig config, Optional<Cell> owner);

  AWSApplicationLoadBalancerConfig updateAlbConfigStatus(AWSApplicationLoadBalancerConfig config);

  /** Every kind of object a pass reads per Cell, listed once per namespace: see {@link PassCachingClusterStore}. */
  default List<AWSTargetGroup> allTargetGroups(String namespace) {
    return targetGroups(namespace, Map.of());
  }

  default List<VersionBlocklist> blocklists(String namespace) {
    throw new UnsupportedOperationException("blocklists(namespace)");
  }

  default List<AWSApplicationLoadBalancerConfig> albConfigs(String namespace) {
    throw new UnsupportedOperationException("albConfigs(namespace)");
  }

  /** Where to record Events about Cells (best effort; none by default). */
  default EventRecorder events() {
    return EventRecorder.NONE;
  }

  /** Thrown when a guarded write lost against another writer. */
  class ConflictException extends RuntimeException implements ServiceFailure {
    public ConflictException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
