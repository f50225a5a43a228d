package co.mumo.okra.cell;

import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.StoredText;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An AnalysisRun or Experiment a Cell created, as observed: its phase and message, its metrics as far as
 * its status tells (Argo's layout, whoever evaluates it), and, when Okra evaluates it ({@code judgedByOkra}),
 * when its next measurement is due and whether Okra has work on it now ({@code workDue}: a measurement is
 * due, or its status would move). Observing a run never measures it: the plan does, as an action.
 */
public record ChildRun(String name, String kind, RunPhase phase, String message, List<MetricSummary> metrics,
    Optional<Instant> nextMeasurementAt, boolean judgedByOkra, boolean workDue) {
  public ChildRun {
    metrics = List.copyOf(metrics);
    message = StoredText.cap(message);
  }

  /** A run judged elsewhere (Argo Rollouts' controller, the demo's script). */
  public ChildRun(String name, String kind, RunPhase phase, String message, List<MetricSummary> metrics) {
    this(name, kind, phase, message, metrics, Optional.empty(), false, false);
  }

  public ChildRun(String name, String kind, RunPhase phase, String message) {
    this(name, kind, phase, message, List.of());
  }
}
