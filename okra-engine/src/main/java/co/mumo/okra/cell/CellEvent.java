package co.mumo.okra.cell;

/**
 * A Kubernetes Event about a Cell: what a pass (or a human command) changed, for {@code kubectl
 * describe cell}. Reasons are the constants below, so that people and tools can filter on them.
 */
public record CellEvent(Type type, String reason, String message) {
  public enum Type { Normal, Warning }

  public static final String ROLLOUT_STARTED = "RolloutStarted";
  public static final String ROLLOUT_SUPERSEDED = "RolloutSuperseded";
  public static final String STEP_STARTED = "StepStarted";
  public static final String STEP_COMPLETED = "StepCompleted";
  public static final String SETTING_WEIGHTS = "SettingWeights";
  public static final String WEIGHTS_APPLIED = "WeightsApplied";
  public static final String TRAFFIC_DRIFT = "TrafficDrift";
  public static final String ANALYSIS_STARTED = "AnalysisStarted";
  public static final String ANALYSIS_SUCCESSFUL = "AnalysisSuccessful";
  public static final String ANALYSIS_FAILED = "AnalysisFailed";
  public static final String ANALYSIS_ERROR = "AnalysisError";
  public static final String ANALYSIS_INCONCLUSIVE = "AnalysisInconclusive";
  public static final String PAUSED = "RolloutPaused";
  public static final String RESUMED = "RolloutResumed";
  public static final String PROMOTED = "RolloutPromoted";
  public static final String ABORT_REQUESTED = "RolloutAbortRequested";
  public static final String ABORTED = "RolloutAborted";
  public static final String ROLLED_BACK = "RolloutRolledBack";
  public static final String COMPLETED = "RolloutCompleted";
  public static final String FIRST_VERSION = "FirstVersion";
  public static final String FELL_BACK = "FellBack";
  public static final String MANUAL_ROLLBACK = "ManualRollback";
  public static final String RETRY_REQUESTED = "RetryRequested";
  public static final String INVALID = "InvalidSpec";

  /** Kubernetes keeps an Event's message short; longer ones are cut with an ellipsis. */
  public static final int MAX_MESSAGE = 1024;

  public CellEvent {
    if (message.length() > MAX_MESSAGE) message = message.substring(0, MAX_MESSAGE - 3) + "...";
  }

  static CellEvent normal(String reason, String message) {
    return new CellEvent(Type.Normal, reason, message);
  }

  static CellEvent warning(String reason, String message) {
    return new CellEvent(Type.Warning, reason, message);
  }
}
