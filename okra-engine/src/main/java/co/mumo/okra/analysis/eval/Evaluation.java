package co.mumo.okra.analysis.eval;

import java.time.Instant;
import java.util.Optional;

/** The run's next state, and when the next measurement is due (empty when the run is over). */
public record Evaluation(RunStatus status, Optional<Instant> nextMeasurementAt) {}
