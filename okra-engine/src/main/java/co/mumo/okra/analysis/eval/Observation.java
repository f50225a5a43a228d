package co.mumo.okra.analysis.eval;

import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.analysis.eval.expr.Strings;
import co.mumo.okra.core.RunPhase;
import java.time.Instant;

/** What a provider saw when asked for a metric; the evaluator turns it into a {@link Measurement}. */
public sealed interface Observation {

  /**
   * A value for the conditions ({@code result}, with its Go type as Argo's provider produces it), and the
   * measurement's {@code value} as Argo's provider stores it.
   */
  record Value(GoValue result, String text) implements Observation {
    /** A JSON document (web, job): float64 numbers, stored as Go's json.Marshal writes it. */
    public static Value json(Object decoded) {
      GoValue v = GoValue.json(decoded);
      return new Value(v, Strings.json(v.value()));
    }
  }

  /** A verdict the provider reached itself (a job's exit code), with the value to record. */
  record Verdict(RunPhase phase, String text, String message) implements Observation {
    public Verdict {
      if (!RunStatus.completed(phase)) throw new IllegalArgumentException("a verdict must be a completed phase, got " + phase);
    }
  }

  /** Not now (a rate limit until {@code resumeAt}): recorded as a measurement in flight, not counted, taken again then. */
  record Later(Instant resumeAt, String message) implements Observation {}

  /** The measurement could not be taken (server down, bad query); counts towards consecutiveErrorLimit. */
  record Error(String message) implements Observation {}
}
