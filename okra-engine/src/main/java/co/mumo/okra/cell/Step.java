package co.mumo.okra.cell;

import co.mumo.okra.core.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One canary step, validated. A kind of step is a record here, a method of {@link Visitor} (so that every
 * place that handles steps stops compiling until it handles the new kind: the decider's
 * {@code StepProgress}), its test, and its CRD field ({@code api.CanaryStep}, read by {@code CellValidator}).
 */
public sealed interface Step {

  /** Short text for progress lines, e.g. {@code setWeight 20}. */
  String describe();

  /** Whether the step starts AnalysisRuns or Experiments, and so refers to templates that must exist. */
  boolean startsRuns();

  <R> R accept(Visitor<R> visitor);

  /** One method per kind of step. */
  interface Visitor<R> {
    R setWeight(SetWeight step);

    R pause(Pause step);

    R analysis(Analysis step);

    R experiment(Experiment step);

    R setHeaderRoute(SetHeaderRoute step);
  }

  /** The canary gets {@code percent} of the traffic (absolute, as in Argo Rollouts). */
  record SetWeight(int percent) implements Step {
    public SetWeight {
      if (percent < 0 || percent > 100) throw new IllegalArgumentException("setWeight must be 0..100, got " + percent);
    }

    @Override
    public boolean startsRuns() {
      return false;
    }

    @Override
    public String describe() {
      return "setWeight " + percent;
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.setWeight(this);
    }
  }

  /** Waits for {@code duration}, or until promoted when empty. */
  record Pause(Optional<Duration> duration) implements Step {
    @Override
    public boolean startsRuns() {
      return false;
    }

    @Override
    public String describe() {
      return duration.map(d -> "pause " + Durations.format(d)).orElse("pause until promoted");
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.pause(this);
    }
  }

  /**
   * Runs an AnalysisRun made from the templates and waits for its verdict; {@code evaluator}, when set,
   * says who judges it (else the Cell's annotation, else the runner's default).
   */
  record Analysis(List<TemplateRef> templates, List<Arg> args, Optional<Evaluator> evaluator) implements Step {
    public Analysis {
      templates = List.copyOf(templates);
      args = List.copyOf(args);
    }

    public Analysis(List<TemplateRef> templates, List<Arg> args) {
      this(templates, args, Optional.empty());
    }

    @Override
    public boolean startsRuns() {
      return true;
    }

    @Override
    public String describe() {
      return "analysis " + String.join(",", templates.stream().map(TemplateRef::name).toList());
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.analysis(this);
    }
  }

  /** Runs an Argo Rollouts Experiment and waits for its verdict. */
  record Experiment(Optional<String> duration, List<ExperimentTemplate> templates, List<ExperimentAnalysis> analyses)
      implements Step {
    public Experiment {
      templates = List.copyOf(templates);
      analyses = List.copyOf(analyses);
    }

    @Override
    public boolean startsRuns() {
      return true;
    }

    @Override
    public String describe() {
      return "experiment " + String.join(",", templates.stream().map(ExperimentTemplate::name).toList());
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.experiment(this);
    }
  }

  /**
   * Argo's setHeaderRoute: requests that match the Cell's rule and carry every header of {@code match}
   * go to the canary alone, through a rule of the route's own; an empty {@code match} removes the route.
   */
  record SetHeaderRoute(String name, List<HeaderMatch> match) implements Step {
    public SetHeaderRoute {
      match = List.copyOf(match);
    }

    /** Whether the step takes the route away rather than setting it. */
    public boolean removes() {
      return match.isEmpty();
    }

    @Override
    public boolean startsRuns() {
      return false;
    }

    @Override
    public String describe() {
      return removes() ? "remove header route " + name
          : "header route " + name + " " + String.join(", ", match.stream().map(HeaderMatch::toString).toList());
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.setHeaderRoute(this);
    }
  }

  /** One http-header condition: {@code value} as ALB matches it ({@code *} and {@code ?} are wildcards, case is ignored). */
  record HeaderMatch(String headerName, String value) {
    @Override
    public String toString() {
      return headerName + ": " + value;
    }
  }

  record TemplateRef(String name, boolean clusterScope) {}

  /** An argument: a literal value, a field of the Cell, or a key of a Secret (exactly one). */
  record Arg(String name, Optional<String> value, Optional<String> fieldPath, Optional<SecretRef> secret) {}

  record SecretRef(String name, String key) {}

  record ExperimentTemplate(String name, String specRef, int replicas, Optional<Integer> weight) {}

  record ExperimentAnalysis(String name, TemplateRef template, List<Arg> args, boolean requiredForCompletion) {
    public ExperimentAnalysis {
      args = List.copyOf(args);
    }
  }

  /** Argo's background analysis: runs from {@code startingStep} until the rollout ends. */
  record Background(Analysis analysis, int startingStep) {}
}
