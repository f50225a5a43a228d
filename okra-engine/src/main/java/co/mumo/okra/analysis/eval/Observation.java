package co.mumo.okra.analysis.eval;

import co.mumo.okra.cell.RunPhase;

/** What a provider saw when asked for a metric; the evaluator turns it into a {@link Measurement}. */
public sealed interface Observation {

  /** A value for the conditions ({@code result}), and its text for the measurement's {@code value}. */
  record Value(Object result, String text) implements Observation {
    public static Value of(Object result) {
      Object normalized = Values.normalize(result);
      return new Value(normalized, Values.show(normalized));
    }
  }

  /** A verdict the provider reached itself (a job's exit code), with the value to record. */
  record Verdict(RunPhase phase, String text, String message) implements Observation {
    public Verdict {
      if (!RunStatus.completed(phase)) throw new IllegalArgumentException("a verdict must be a completed phase, got " + phase);
    }
  }

  /** Not now (a rate limit until {@code resumeAt}): recorded as a measurement in flight, not counted, taken again then. */
  record Later(java.time.Instant resumeAt, String message) implements Observation {}

  /** The measurement could not be taken (server down, bad query); counts towards consecutiveErrorLimit. */
  record Error(String message) implements Observation {}
}
