package co.mumo.okra.cell;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An AnalysisRun or Experiment a Cell created, as observed: its phase and message, its metrics as far as
 * its status tells (Argo's layout, whoever evaluates it), and, when Okra evaluates it, when its next
 * measurement is due.
 */
public record ChildRun(String name, String kind, RunPhase phase, String message, List<MetricSummary> metrics,
    Optional<Instant> nextMeasurementAt) {
  public ChildRun {
    metrics = List.copyOf(metrics);
    message = StoredText.cap(message);
  }

  public ChildRun(String name, String kind, RunPhase phase, String message) {
    this(name, kind, phase, message, List.of(), Optional.empty());
  }
}
