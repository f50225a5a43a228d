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

  /** Add the version to the Cell's VersionBlocklist. */
  record BlockVersion(Version version, String cause) implements Action {}
}
