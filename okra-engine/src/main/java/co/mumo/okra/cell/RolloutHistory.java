package co.mumo.okra.cell;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.CellStatus.RolloutRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Cell's rollout history ({@code status.history}), kept by the status write that starts or ends a
 * rollout: a pure function of the status before and after, like the Events, but lasting as long as
 * the Cell (the API server drops Events after an hour by default). The latest {@link #KEPT} stay.
 */
public final class RolloutHistory {
  public static final int KEPT = 10;

  public static final String PROGRESSING = "Progressing";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String ABORTED = "Aborted";
  public static final String SUPERSEDED = "Superseded";

  private RolloutHistory() {}

  /** The history to record with {@code after}, written at {@code now}. */
  public static List<RolloutRecord> next(CellStatus before, CellStatus after, Instant now) {
    CellStatus b = before == null ? new CellStatus() : before;
    List<RolloutRecord> out = new ArrayList<>();
    if (b.history != null) b.history.forEach(r -> out.add(copy(r)));
    RolloutRecord open = out.stream().filter(r -> r.endedAt == null).reduce((x, y) -> y).orElse(null);
    // As decided: the pass that decides records it; seeing the weights on the ALB changes no rollout's outcome.
    Phase is = CellEvents.decided(Phase.parse(after.phase));
    Phase was = CellEvents.decided(Phase.parse(b.phase));
    boolean started = after.rolloutId != null && !after.rolloutId.equals(b.rolloutId);
    boolean stableMoved = is == Phase.Succeeded && after.stableVersion != null
        && (!Objects.equals(b.stableVersion, after.stableVersion) || was != Phase.Succeeded);
    if (started) {
      if (open != null) end(open, SUPERSEDED, "replaced by the rollout of " + after.desiredVersion, now);
      RolloutRecord r = new RolloutRecord();
      r.version = after.desiredVersion;
      r.from = after.stableVersion;
      r.rolloutId = after.rolloutId;
      r.startedAt = after.currentStepStartedAt != null ? after.currentStepStartedAt : now.toString();
      r.outcome = PROGRESSING;
      out.add(r);
    } else if (open != null && is == Phase.Failed && was != Phase.Failed) {
      end(open, b.abortRequested != null ? ABORTED : FAILED, after.failure != null ? after.failure.cause : after.message, now);
    } else if (stableMoved && open != null) {
      boolean promoted = Objects.equals(open.version, after.stableVersion);
      end(open, promoted ? SUCCEEDED : outcome(after), after.message, now);
    } else if (stableMoved) {
      // The version took all the traffic at once: the first one, a fallback, a pinned rollback, or no steps.
      RolloutRecord r = new RolloutRecord();
      r.version = after.stableVersion;
      r.from = b.stableVersion;
      r.startedAt = now.toString();
      r.endedAt = now.toString();
      r.outcome = outcome(after);
      r.message = after.message;
      out.add(r);
    }
    return out.isEmpty() ? null : List.copyOf(out.subList(Math.max(0, out.size() - KEPT), out.size()));
  }

  /** Why a version took the traffic, from the Ready condition's reason. */
  private static String outcome(CellStatus s) {
    String reason = s.conditions == null ? null : s.conditions.stream().filter(c -> Reasons.READY.equals(c.type))
        .map(c -> c.reason).findFirst().orElse(null);
    if (reason == null || Reasons.ROLLOUT_COMPLETE.equals(reason)) return SUCCEEDED;
    return reason;
  }

  private static void end(RolloutRecord r, String outcome, String message, Instant now) {
    r.endedAt = now.toString();
    r.outcome = outcome;
    r.message = message;
  }

  private static RolloutRecord copy(RolloutRecord r) {
    RolloutRecord c = new RolloutRecord();
    c.version = r.version;
    c.from = r.from;
    c.rolloutId = r.rolloutId;
    c.startedAt = r.startedAt;
    c.endedAt = r.endedAt;
    c.outcome = r.outcome;
    c.message = r.message;
    return c;
  }
}
