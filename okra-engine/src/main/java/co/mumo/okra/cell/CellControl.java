package co.mumo.okra.cell;

import java.time.Instant;
import java.util.Optional;

/**
 * What a human can ask of a rollout, as pure functions over its state. The runner records the result
 * with the same resourceVersion guard as a pass, and the next pass acts on it.
 */
public final class CellControl {
  private CellControl() {}

  /** Moves past the current step (a pause, an inconclusive analysis); {@code full} skips every remaining step. */
  public static RolloutState promote(RolloutState s, int stepCount, boolean full, Instant now) {
    return promote(s, stepCount, full, now, null);
  }

  /**
   * As above, knowing why the rollout is paused ({@code pauseReason}, the Progressing condition's
   * reason): an inconclusive background analysis is accepted instead of skipping a step, since the
   * step the rollout stands at has not been worked on yet.
   */
  public static RolloutState promote(RolloutState s, int stepCount, boolean full, Instant now, String pauseReason) {
    requireRollout(s, "promote");
    if (!full && Reasons.BACKGROUND_INCONCLUSIVE.equals(pauseReason)) {
      return s.withBackgroundAccepted(true).withPhase(Phase.Progressing).withPausedByUser(false);
    }
    int next = full ? stepCount : Math.min(stepCount, s.stepIndex().get() + 1);
    return s.atStep(next, now).withPhase(Phase.Progressing).withPausedByUser(false);
  }

  public static RolloutState pause(RolloutState s) {
    requireRollout(s, "pause");
    return s.withPausedByUser(true).withPhase(Phase.Paused);
  }

  public static RolloutState resume(RolloutState s) {
    requireRollout(s, "resume");
    if (!s.pausedByUser()) throw new SteeringRefusedException("the rollout is not paused by a user; nothing to resume");
    return s.withPausedByUser(false).withPhase(Phase.Progressing);
  }

  public static RolloutState abort(RolloutState s, String reason) {
    requireRollout(s, "abort");
    return s.withAbortRequested(Optional.of(reason == null || reason.isBlank() ? "no reason given" : reason));
  }

  /**
   * Records the wish to roll the failed version out again: from this status on it counts as unblocked;
   * the caller then removes its blocklist entry, and a pass completes that if the caller could not.
   */
  public static RolloutState retry(RolloutState s) {
    if (s.phase() != Phase.Failed || s.failure().isEmpty() || s.failure().get().retryRequested()) {
      throw new SteeringRefusedException("the Cell has no failed rollout to retry (phase " + s.phase() + ")");
    }
    return s.withFailure(Optional.of(s.failure().get().retried())).withPhase(Phase.Idle);
  }

  private static void requireRollout(RolloutState s, String verb) {
    if (!s.rollingOut()) {
      throw new SteeringRefusedException("no rollout in progress to " + verb + " (phase " + s.phase() + ")");
    }
  }
}
