package co.mumo.okra.cell;

import co.mumo.okra.alb.DesiredRule;

/** Something a pass must do after its status write succeeded. */
public sealed interface Action {

  /** Make the listener rule match (create or modify). */
  record ApplyRule(DesiredRule rule) implements Action {}

  /** Create an AnalysisRun for a step (or for the background analysis when {@code stepIndex} is -1). */
  record StartAnalysis(String runName, int stepIndex, Version version, Step.Analysis analysis) implements Action {}

  /** Create an Experiment for a step. */
  record StartExperiment(String experimentName, int stepIndex, Version version, Step.Experiment experiment) implements Action {}

  /**
   * Okra's evaluator: take the run's due measurements and record its next status ({@code terminate}:
   * end it, its rollout moved on). Guarded by the run's own resourceVersion, so it is taken once.
   */
  record EvaluateRun(String runName, boolean terminate) implements Action {}

  /** Add the version to the Cell's VersionBlocklist. */
  record BlockVersion(Version version, String cause) implements Action {}

  /** Remove the version from the Cell's VersionBlocklist ({@code cell retry}, recorded in status first). */
  record UnblockVersion(Version version) implements Action {}
}
