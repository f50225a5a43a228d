package co.mumo.okra.cell;

import co.mumo.okra.core.Version;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;

/**
 * Something a pass must do after its status write succeeded. Code that handles actions goes through
 * {@link Visitor}, so that a new kind of action does not compile until every handler knows it.
 */
public sealed interface Action {

  <R> R accept(Visitor<R> visitor);

  /** One method per kind of action. */
  interface Visitor<R> {
    R applyRule(ApplyRule a);

    R applyHeaderRule(ApplyHeaderRule a);

    R removeHeaderRule(RemoveHeaderRule a);

    R startAnalysis(StartAnalysis a);

    R startExperiment(StartExperiment a);

    R evaluateRun(EvaluateRun a);

    R blockVersion(BlockVersion a);

    R unblockVersion(UnblockVersion a);
  }

  /** Make the listener rule match (create or modify). */
  record ApplyRule(DesiredRule rule) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.applyRule(this);
    }
  }

  /** Make a header route's rule match (create, or modify the Cell's own rule of that route). */
  record ApplyHeaderRule(String route, DesiredRule rule) implements Action {
    public ApplyHeaderRule {
      if (!rule.route().equals(java.util.Optional.of(route))) throw new IllegalArgumentException("the rule is not route " + route + "'s");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.applyHeaderRule(this);
    }
  }

  /** Delete a header route's rule the Cell made (tagged with the Cell and the route; checked again just before). */
  record RemoveHeaderRule(String route, ObservedRule rule) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.removeHeaderRule(this);
    }
  }

  /** Create an AnalysisRun for a step (or for the background analysis when {@code stepIndex} is -1). */
  record StartAnalysis(String runName, int stepIndex, Version version, Step.Analysis analysis) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.startAnalysis(this);
    }
  }

  /** Create an Experiment for a step. */
  record StartExperiment(String experimentName, int stepIndex, Version version, Step.Experiment experiment) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.startExperiment(this);
    }
  }

  /**
   * Okra's evaluator: take the run's due measurements and record its next status ({@code terminate}:
   * end it, its rollout moved on). Guarded by the run's own resourceVersion, so it is taken once.
   */
  record EvaluateRun(String runName, boolean terminate) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.evaluateRun(this);
    }
  }

  /** Add the version to the Cell's VersionBlocklist. */
  record BlockVersion(Version version, String cause) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.blockVersion(this);
    }
  }

  /** Remove the version from the Cell's VersionBlocklist ({@code cell retry}, recorded in status first). */
  record UnblockVersion(Version version) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.unblockVersion(this);
    }
  }
}
