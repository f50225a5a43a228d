package co.mumo.okra.cell;

/** Condition types and reasons, in one place so that status, docs and tests agree. */
public final class Reasons {
  private Reasons() {}

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String TRAFFIC_SYNCED = "TrafficSynced";
  public static final String TARGET_GROUPS_VALID = "TargetGroupsValid";
  public static final String SPEC_VALID = "SpecValid";
  /** spec.rolloutAfter: whether the earlier waves let this Cell start the version it wants. */
  public static final String WAVE_READY = "WaveReady";

  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String RULE_CONFLICT = "RuleConflict";
  public static final String TOO_MANY_TARGET_GROUPS = "TooManyTargetGroups";
  public static final String WAITING_FOR_TARGET_GROUPS = "WaitingForTargetGroups";
  public static final String FIRST_VERSION = "FirstVersion";
  public static final String ROLLOUT_COMPLETE = "RolloutComplete";
  public static final String STEP_IN_PROGRESS = "StepInProgress";
  public static final String PAUSED_FOR_PROMOTION = "PausedForPromotion";
  public static final String PAUSED_BY_USER = "PausedByUser";
  public static final String ANALYSIS_INCONCLUSIVE = "AnalysisInconclusive";
  public static final String BACKGROUND_INCONCLUSIVE = "BackgroundAnalysisInconclusive";
  public static final String ROLLED_BACK = "RolledBack";
  public static final String FELL_BACK = "FellBack";
  public static final String MANUAL_ROLLBACK = "ManualRollback";
  public static final String VERSION_BLOCKED = "VersionBlocked";
  public static final String SYNCED = "Synced";
  public static final String APPLYING = "Applying";
  public static final String DRIFT = "Drift";
  public static final String NOT_MANAGED = "NotManaged";
  public static final String ALL_VALID = "AllValid";
  public static final String SOME_IGNORED = "SomeIgnored";
  public static final String VALID = "Valid";
  public static final String EARLIER_WAVES_DONE = "EarlierWavesDone";
  /** An earlier wave is rolling out: the wait ends by itself. */
  public static final String WAITING_FOR_EARLIER_WAVE = "WaitingForEarlierWave";
  /** An earlier wave is not rolling the version out (no such Cell, its clusters not up, paused, invalid). */
  public static final String EARLIER_WAVE_NOT_STARTED = "EarlierWaveNotStarted";
  public static final String EARLIER_WAVE_FAILED = "EarlierWaveFailed";
}
