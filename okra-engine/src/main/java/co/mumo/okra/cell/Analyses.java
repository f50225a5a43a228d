package co.mumo.okra.cell;

import co.mumo.okra.api.Cell;
import co.mumo.okra.core.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The port to analyses and experiments (Argo Rollouts' resources in the Cell's namespace). */
public interface Analyses {

  /** The AnalysisRuns and Experiments this Cell created, by name. */
  Map<String, ChildRun> runs(String namespace, String cellName);

  /** What is wrong with the templates, arguments and ReplicaSets the Cell's steps refer to; empty when all is well. */
  List<FieldError> checkReferences(CellDefinition cell);

  /** As {@link #runs(String, String)}, for a Cell already read (an evaluator that needs its status need not read it again). */
  default Map<String, ChildRun> runs(CellDefinition def, Cell cell) {
    return runs(def.namespace(), def.name());
  }

  /** As {@link #checkReferences(CellDefinition)}, for a Cell already read. */
  default List<FieldError> checkReferences(CellDefinition def, Cell cell) {
    return checkReferences(def);
  }

  /**
   * Creates the AnalysisRun; {@code cell} carries the status being recorded, for fieldRef arguments.
   * Returns false when a run of that name was there already: a runner that read the step before another's
   * create and decided the same start (the name carries the rollout id, so it is this step's run).
   */
  boolean start(Action.StartAnalysis action, Cell cell);

  /** As {@link #start(Action.StartAnalysis, Cell)}, for an Experiment. */
  boolean start(Action.StartExperiment action, Cell cell);

  /**
   * Okra's evaluator: measures what is due on the run and records it, once however many runners race.
   * Only asked for runs that {@link #runs} reported as {@code judgedByOkra}; others have nothing to do.
   *
   * @return what this runner did, for the pass's report; empty when it did nothing (another runner measures)
   */
  default Optional<String> evaluate(Action.EvaluateRun action, Cell cell) {
    return Optional.empty();
  }

  /** A view for one pass over many Cells that may read each kind once per namespace; by default, this. */
  default Analyses forPass() {
    return this;
  }
}
