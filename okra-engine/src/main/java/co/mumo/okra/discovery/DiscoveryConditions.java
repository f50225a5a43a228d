package co.mumo.okra.discovery;

import co.mumo.okra.api.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The Ready condition of the sets, its reasons, and the phases, in one place. */
public final class DiscoveryConditions {
  private DiscoveryConditions() {}

  public static final String READY = "Ready";

  public static final String SYNCED = "Synced";
  public static final String PARTIALLY_SYNCED = "PartiallySynced";
  public static final String INVALID = "Invalid";

  public static final String REASON_SYNCED = "Synced";
  public static final String REASON_CONFLICTS = "SyncedWithConflicts";
  public static final String REASON_UNREACHABLE = "ClustersUnreachable";
  public static final String REASON_WRITE_FAILED = "WriteFailed";
  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_INVALID_CLUSTER_SECRET = "InvalidClusterSecret";

  /** The Ready condition; its transition time is kept from {@code old} unless the status flips. */
  static List<Condition> ready(List<Condition> old, boolean ready, String reason, String message, long generation, Instant now) {
    String status = ready ? "True" : "False";
    String since = old == null ? null : old.stream().filter(c -> READY.equals(c.type) && status.equals(c.status))
        .map(c -> c.lastTransitionTime).filter(Objects::nonNull).findFirst().orElse(null);
    return List.of(new Condition(READY, status, reason, message, since == null ? now.toString() : since, generation));
  }
}
