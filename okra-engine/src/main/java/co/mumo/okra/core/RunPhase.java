package co.mumo.okra.core;

/** The phase of an AnalysisRun or Experiment, as Argo Rollouts writes it. */
public enum RunPhase {
  PENDING, RUNNING, SUCCESSFUL, FAILED, ERROR, INCONCLUSIVE;

  public static RunPhase parse(String argoPhase) {
    if (argoPhase == null || argoPhase.isBlank()) return PENDING;
    return switch (argoPhase) {
      case "Successful" -> SUCCESSFUL;
      case "Failed" -> FAILED;
      case "Error" -> ERROR;
      case "Inconclusive" -> INCONCLUSIVE;
      case "Running" -> RUNNING;
      default -> PENDING;
    };
  }

  /** A run in this phase takes no more measurements. */
  public boolean completed() {
    return this == SUCCESSFUL || this == FAILED || this == ERROR || this == INCONCLUSIVE;
  }

  public String argoName() {
    return switch (this) {
      case PENDING -> "Pending";
      case RUNNING -> "Running";
      case SUCCESSFUL -> "Successful";
      case FAILED -> "Failed";
      case ERROR -> "Error";
      case INCONCLUSIVE -> "Inconclusive";
    };
  }
}
