package co.mumo.okra.cell;

import co.mumo.okra.core.Version;
import java.time.Instant;
import java.util.Optional;

/**
 * The part of a Cell's status that the step machine reads and writes. All of it is data a re-run
 * can act on: start times are stored, never kept in memory, so two passes over the same state decide
 * the same thing.
 */
public record RolloutState(
    Phase phase,
    Optional<Version> stable,
    Optional<Version> desired,
    Optional<Integer> stepIndex,
    Optional<Instant> stepStartedAt,
    Optional<String> stepsHash,
    Optional<String> rolloutId,
    boolean pausedByUser,
    Optional<String> abortRequested,
    Optional<Failure> failure,
    boolean backgroundAccepted) {

  /**
   * A failed rollout: {@code blocklisted} turns true once the VersionBlocklist entry is seen written;
   * {@code retryRequested} is {@code okra-runner cell retry} recorded: the version counts as unblocked
   * from then on, and passes remove its blocklist entry, then forget the failure.
   */
  public record Failure(Version version, String cause, Instant at, boolean blocklisted, boolean retryRequested) {
    public Failure(Version version, String cause, Instant at, boolean blocklisted) {
      this(version, cause, at, blocklisted, false);
    }

    public Failure blocklisted(boolean b) {
      return new Failure(version, cause, at, b, retryRequested);
    }

    public Failure retried() {
      return new Failure(version, cause, at, blocklisted, true);
    }
  }

  public static RolloutState initial() {
    return new RolloutState(Phase.Idle, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty(), false);
  }

  /** A settled state: {@code version} has everything, no rollout in flight. */
  public static RolloutState settled(Phase phase, Version version, Optional<Failure> failure) {
    return new RolloutState(phase, Optional.of(version), Optional.of(version), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), false, Optional.empty(), failure, false);
  }

  public boolean rollingOut() {
    return phase.inRollout() && desired.isPresent() && stepIndex.isPresent();
  }

  public RolloutState withPhase(Phase p) {
    return new RolloutState(p, stable, desired, stepIndex, stepStartedAt, stepsHash, rolloutId, pausedByUser, abortRequested, failure, backgroundAccepted);
  }

  public RolloutState atStep(int index, Instant startedAt) {
    return new RolloutState(phase, stable, desired, Optional.of(index), Optional.of(startedAt), stepsHash, rolloutId,
        pausedByUser, abortRequested, failure, backgroundAccepted);
  }

  public RolloutState withFailure(Optional<Failure> f) {
    return new RolloutState(phase, stable, desired, stepIndex, stepStartedAt, stepsHash, rolloutId, pausedByUser, abortRequested, f, backgroundAccepted);
  }

  public RolloutState withPausedByUser(boolean paused) {
    return new RolloutState(phase, stable, desired, stepIndex, stepStartedAt, stepsHash, rolloutId, paused, abortRequested, failure, backgroundAccepted);
  }

  public RolloutState withBackgroundAccepted(boolean accepted) {
    return new RolloutState(phase, stable, desired, stepIndex, stepStartedAt, stepsHash, rolloutId, pausedByUser, abortRequested,
        failure, accepted);
  }

  public RolloutState withAbortRequested(Optional<String> reason) {
    return new RolloutState(phase, stable, desired, stepIndex, stepStartedAt, stepsHash, rolloutId, pausedByUser, reason, failure, backgroundAccepted);
  }
}
