package co.mumo.okra.runner.demo;

import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.Action;
import co.mumo.okra.cell.Analyses;
import co.mumo.okra.cell.CellDefinition;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.Step;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Plays Argo Rollouts for the demo: an AnalysisRun is Running for {@code runTime} of simulated time,
 * then takes the verdict the demo's script gives for the version under test. Templates are checked
 * and arguments resolved as {@link co.mumo.okra.analysis.ArgoAnalyses} does (fieldRef from the Cell
 * as recorded), so a Cell that works here refers to its templates the way a real one must.
 */
public final class ScriptedAnalyses implements Analyses {
  /** What a finished run says. */
  public record Verdict(RunPhase phase, String message) {}

  /** A run as started: its resolved arguments, for the demo to show. */
  public record Started(String name, String version, Map<String, String> args) {}

  private record Run(String cell, String name, String version, Instant startedAt) {}

  private final Clock clock;
  private final Duration runTime;
  /** Template name -> the argument names it declares. */
  private final Map<String, List<String>> templates;
  private final Function<String, Verdict> verdicts;
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private Consumer<Started> onStart = s -> { };

  public ScriptedAnalyses(Clock clock, Duration runTime, Map<String, List<String>> templates, Function<String, Verdict> verdicts) {
    this.clock = clock;
    this.runTime = runTime;
    this.templates = Map.copyOf(templates);
    this.verdicts = verdicts;
  }

  public synchronized void onStart(Consumer<Started> listener) {
    this.onStart = listener;
  }

  @Override
  public synchronized Map<String, ChildRun> runs(String namespace, String cellName) {
    Map<String, ChildRun> out = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (Run r : runs.values()) {
      if (!r.cell.equals(namespace + "/" + cellName)) continue;
      if (now.isBefore(r.startedAt.plus(runTime))) {
        out.put(r.name, new ChildRun(r.name, "AnalysisRun", RunPhase.RUNNING, "measuring (simulated)"));
      } else {
        Verdict v = verdicts.apply(r.version);
        out.put(r.name, new ChildRun(r.name, "AnalysisRun", v.phase(), v.message()));
      }
    }
    return out;
  }

  @Override
  public List<FieldError> checkReferences(CellDefinition cell) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < cell.steps().size(); i++) {
      String path = "spec.updateStrategy.canary.steps[" + i + "]";
      cell.steps().get(i).accept(new Step.Visitor<Void>() {
        @Override
        public Void setWeight(Step.SetWeight step) {
          return null;
        }

        @Override
        public Void pause(Step.Pause step) {
          return null;
        }

        @Override
        public Void analysis(Step.Analysis a) {
          check(path + ".analysis", a, errors);
          return null;
        }

        @Override
        public Void experiment(Step.Experiment e) {
          errors.add(new FieldError(path + ".experiment", "experiments are not simulated by the demo"));
          return null;
        }

        @Override
        public Void setHeaderRoute(Step.SetHeaderRoute step) {
          return null;
        }
      });
    }
    cell.background().ifPresent(b -> check("spec.updateStrategy.canary.analysis", b.analysis(), errors));
    return errors;
  }

  private void check(String path, Step.Analysis a, List<FieldError> errors) {
    List<String> declared = new ArrayList<>();
    for (int t = 0; t < a.templates().size(); t++) {
      Step.TemplateRef ref = a.templates().get(t);
      List<String> args = ref.clusterScope() ? null : templates.get(ref.name());
      if (args == null) {
        errors.add(new FieldError(path + ".templates[" + t + "].templateName", "AnalysisTemplate " + ref.name() + " not found"));
        return;
      }
      declared.addAll(args);
    }
    for (int i = 0; i < a.args().size(); i++) {
      if (!declared.contains(a.args().get(i).name())) {
        errors.add(new FieldError(path + ".args[" + i + "].name", "\"" + a.args().get(i).name() + "\" is not an argument of the templates"));
      }
    }
  }

  @Override
  public synchronized boolean start(Action.StartAnalysis action, Cell cell) {
    String key = cell.getMetadata().getNamespace() + "/" + cell.getMetadata().getName();
    if (runs.containsKey(action.runName())) return false; // already this step's run, as a 409 is for ArgoAnalyses
    Map<String, String> args = new LinkedHashMap<>();
    for (Step.Arg arg : action.analysis().args()) {
      args.put(arg.name(), arg.value()
          .or(() -> arg.fieldPath().map(p -> read(cell, p).orElseThrow(() -> new IllegalStateException(
              "argument " + arg.name() + ": the Cell has no value at " + p))))
          .orElse("(from Secret " + arg.secret().map(Step.SecretRef::name).orElse("?") + ")"));
    }
    runs.put(action.runName(), new Run(key, action.runName(), action.version().toString(), clock.instant()));
    onStart.accept(new Started(action.runName(), action.version().toString(), args));
    return true;
  }

  @Override
  public boolean start(Action.StartExperiment action, Cell cell) {
    throw new UnsupportedOperationException("experiments are not simulated by the demo");
  }

  /** A dotted path such as status.desiredVersion, read from the Cell as it is being recorded. */
  private static Optional<String> read(Cell cell, String path) {
    Object node = Serialization.jsonMapper().convertValue(cell, Map.class);
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> m)) return Optional.empty();
      node = m.get(part);
    }
    return node == null || node instanceof Map || node instanceof List ? Optional.empty() : Optional.of(String.valueOf(node));
  }
}
