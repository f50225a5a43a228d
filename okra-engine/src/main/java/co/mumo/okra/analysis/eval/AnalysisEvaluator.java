package co.mumo.okra.analysis.eval;

import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.StoredText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Argo Rollouts' analysis semantics as a pure function: (definition, run state, now, new observations)
 * → next run state and when the next measurement is due. It reads no clock and calls no provider; the
 * caller measures what {@link #due} names and hands the observations to {@link #next}.
 *
 * <p>The rules (Argo's {@code analysis/analysis.go}): a metric is measured first after
 * {@code initialDelay} (counted from the run's start), then every {@code interval} (10s after an error
 * when it has none) until {@code count} measurements succeeded, failed or were inconclusive (errors do
 * not count). It fails when failed &gt; {@code failureLimit} (default 0, -1 = no limit), is inconclusive when
 * inconclusive &gt; {@code inconclusiveLimit} (default 0), errors when consecutive errors &gt;
 * {@code consecutiveErrorLimit} (default 4). A metric that failed, errored or was inconclusive ends the
 * run: the other metrics take no new measurement and count as successful. The run's phase is the worst
 * of its metrics' (Failed &gt; Error &gt; Inconclusive &gt; Successful); {@code dryRun} metrics are measured and
 * recorded but never decide the run. Without a count and with an interval, a metric runs until the run
 * is terminated.
 */
public final class AnalysisEvaluator {
  /** Argo's retry interval after an error when a metric has no interval. */
  public static final Duration ERROR_RETRY_INTERVAL = Duration.ofSeconds(10);

  private AnalysisEvaluator() {}

  /** One whole pass: measures what is due through {@code measure} and returns the next state. */
  public static Evaluation pass(AnalysisDefinition def, RunStatus status, Instant now, boolean terminate,
      Function<Metric, Observation> measure) {
    Map<String, Observation> taken = new LinkedHashMap<>();
    for (Metric m : due(def, status, now, terminate)) {
      Observation o;
      try {
        o = measure.apply(m);
      } catch (RuntimeException e) {
        o = new Observation.Error(e.getMessage() == null ? e.toString() : e.getMessage());
      }
      taken.put(m.name(), o);
    }
    return next(def, status, now, terminate, taken);
  }

  /** The metrics to measure now. */
  public static List<Metric> due(AnalysisDefinition def, RunStatus status, Instant now, boolean terminate) {
    if (status.completed() || terminating(status, terminate)) return List.of();
    List<Metric> out = new ArrayList<>();
    for (Metric m : def.metrics()) {
      dueAt(m, status, now).filter(t -> !t.isAfter(now)).ifPresent(t -> out.add(m));
    }
    return out;
  }

  /**
   * Records the observations (taken at {@code now}) and assesses every metric and the run.
   *
   * @param terminate stop the run: measure nothing more, a metric that has not failed is successful
   *     (Argo's {@code spec.terminate}: the rollout moved on, or a human ended it)
   */
  public static Evaluation next(AnalysisDefinition def, RunStatus status, Instant now, boolean terminate,
      Map<String, Observation> taken) {
    if (status.completed()) return new Evaluation(status, Optional.empty());
    RunStatus s = status.startedAt().isPresent() ? status
        : new RunStatus(status.phase(), status.message(), Optional.of(now), status.metricResults());
    for (Metric m : def.metrics()) {
      Observation o = taken.get(m.name());
      if (o == null) continue;
      MetricResult r = s.result(m.name()).orElse(MetricResult.empty(m.name(), m.dryRun()));
      if (RunStatus.completed(r.phase())) continue;
      s = s.with(r.add(measure(def, m, o, now), m.retention()));
    }
    // Assess: a failing metric makes the run terminate, which in turn completes the other metrics.
    boolean terminating = terminating(s, terminate);
    for (Metric m : def.metrics()) s = s.with(assess(m, s.result(m.name()).orElse(null), terminating));
    terminating = terminating(s, terminate);
    for (Metric m : def.metrics()) s = s.with(assess(m, s.result(m.name()).orElse(null), terminating));

    RunPhase worst = null;
    String worstMessage = null;
    boolean allDone = true;
    for (Metric m : def.metrics()) {
      MetricResult r = s.result(m.name()).orElseThrow();
      if (!RunStatus.completed(r.phase())) {
        allDone = false;
      } else if (!m.dryRun() && (worst == null || rank(r.phase()) > rank(worst))) {
        worst = r.phase();
        worstMessage = r.phase() == RunPhase.SUCCESSFUL ? null : "Metric \"" + m.name() + "\" assessed " + r.phase().argoName()
            + " due to " + r.message();
      }
    }
    RunPhase phase = !allDone ? RunPhase.RUNNING : worst == null ? RunPhase.SUCCESSFUL : worst;
    String message = !allDone ? null : worstMessage != null ? worstMessage
        : terminate ? "Run Terminated" : "all metrics succeeded";
    s = new RunStatus(phase, message, s.startedAt(), s.metricResults());
    return new Evaluation(s, nextDue(def, s, now, terminate));
  }

  /** When the next measurement of any metric is due; empty when the run is over. */
  public static Optional<Instant> nextDue(AnalysisDefinition def, RunStatus status, Instant now, boolean terminate) {
    if (status.completed() || terminating(status, terminate)) return Optional.empty();
    Optional<Instant> best = Optional.empty();
    for (Metric m : def.metrics()) {
      Optional<Instant> t = dueAt(m, status, now);
      if (t.isPresent() && (best.isEmpty() || t.get().isBefore(best.get()))) best = t;
    }
    return best;
  }

  private static Optional<Instant> dueAt(Metric m, RunStatus status, Instant now) {
    Optional<MetricResult> r = status.result(m.name());
    if (r.isPresent() && RunStatus.completed(r.get().phase())) return Optional.empty();
    Optional<Measurement> last = r.flatMap(MetricResult::last);
    if (last.isPresent() && !last.get().completed()) return Optional.of(last.get().resumeAt().orElse(now));
    if (last.isEmpty()) {
      Instant start = status.startedAt().orElse(now);
      return Optional.of(m.initialDelay().map(start::plus).orElse(start));
    }
    Optional<Integer> count = m.effectiveCount();
    if (count.isPresent() && r.get().count() >= count.get()) return Optional.empty();
    Duration interval = m.interval().orElse(ERROR_RETRY_INTERVAL);
    Instant finished = last.get().finishedAt().orElse(last.get().startedAt());
    return Optional.of(finished == null ? now : finished.plus(interval));
  }

  private static boolean terminating(RunStatus s, boolean terminate) {
    if (terminate) return true;
    for (MetricResult r : s.metricResults()) {
      if (!r.dryRun() && (r.phase() == RunPhase.FAILED || r.phase() == RunPhase.ERROR || r.phase() == RunPhase.INCONCLUSIVE)) {
        return true;
      }
    }
    return false;
  }

  private static MetricResult assess(Metric m, MetricResult r, boolean terminating) {
    if (r == null) {
      MetricResult empty = MetricResult.empty(m.name(), m.dryRun());
      return terminating ? empty.withPhase(RunPhase.SUCCESSFUL, "run terminated before the first measurement")
          : empty.withPhase(RunPhase.PENDING, null);
    }
    if (RunStatus.completed(r.phase())) return r;
    if (r.count() + r.error() == 0) {
      return terminating ? r.withPhase(RunPhase.SUCCESSFUL, "run terminated before the first measurement")
          : r.withPhase(RunPhase.PENDING, r.message());
    }
    String last = r.last().map(Measurement::message).filter(x -> x != null && !x.isEmpty()).orElse(null);
    if (r.last().isPresent() && !r.last().get().completed() && !terminating) return r.withPhase(RunPhase.RUNNING, last);
    RunPhase phase = null;
    String why = null;
    if (m.failureLimit() >= 0 && r.failed() > m.failureLimit()) {
      phase = RunPhase.FAILED;
      why = "failed (" + r.failed() + ") > failureLimit (" + m.failureLimit() + ")";
    }
    if (m.inconclusiveLimit() >= 0 && r.inconclusive() > m.inconclusiveLimit()) {
      phase = RunPhase.INCONCLUSIVE;
      why = "inconclusive (" + r.inconclusive() + ") > inconclusiveLimit (" + m.inconclusiveLimit() + ")";
    }
    if (m.consecutiveErrorLimit() >= 0 && r.consecutiveError() > m.consecutiveErrorLimit()) {
      phase = RunPhase.ERROR;
      why = "consecutiveErrors (" + r.consecutiveError() + ") > consecutiveErrorLimit (" + m.consecutiveErrorLimit() + ")";
    }
    if (phase != null) return r.withPhase(phase, why + (last == null ? "" : ": " + last));
    Optional<Integer> count = m.effectiveCount();
    if (count.isPresent() && r.count() >= count.get()) {
      return r.withPhase(RunPhase.SUCCESSFUL, r.successful() + " of " + r.count() + " measurements successful"
          + (r.failed() > 0 ? ", " + r.failed() + " failed (failureLimit " + m.failureLimit() + ")" : "")
          + (r.inconclusive() > 0 ? ", " + r.inconclusive() + " inconclusive (inconclusiveLimit " + m.inconclusiveLimit() + ")" : "")
          + (r.error() > 0 ? ", " + r.error() + " errors" : ""));
    }
    if (terminating) return r.withPhase(RunPhase.SUCCESSFUL, "run terminated after " + r.count() + " measurements, "
        + r.successful() + " successful");
    return r.withPhase(RunPhase.RUNNING, last);
  }

  /** Argo's {@code IsWorse} order. */
  private static int rank(RunPhase p) {
    return switch (p) {
      case SUCCESSFUL -> 0;
      case RUNNING -> 1;
      case PENDING -> 2;
      case INCONCLUSIVE -> 3;
      case ERROR -> 4;
      case FAILED -> 5;
    };
  }

  /**
   * Turns an observation into a measurement whose message says which condition decided, on what value;
   * value and message capped ({@link StoredText}) after Secrets are masked, so no cut can split a Secret.
   */
  static Measurement measure(AnalysisDefinition def, Metric m, Observation o, Instant now) {
    Measurement full = uncapped(def, m, o, now);
    return new Measurement(full.phase(), StoredText.cap(full.value()), StoredText.cap(full.message()), full.startedAt(),
        full.finishedAt(), full.resumeAt());
  }

  private static Measurement uncapped(AnalysisDefinition def, Metric m, Observation o, Instant now) {
    if (o instanceof Observation.Later l) {
      return new Measurement(RunPhase.RUNNING, null, def.redact(l.message()), now, Optional.empty(), Optional.of(l.resumeAt()));
    }
    if (o instanceof Observation.Error e) {
      return new Measurement(RunPhase.ERROR, null, def.redact(e.message()), now, Optional.of(now));
    }
    if (o instanceof Observation.Verdict v) {
      return new Measurement(v.phase(), def.redact(v.text()), def.redact(v.message()), now, Optional.of(now));
    }
    return judged(def, m, (Observation.Value) o, now);
  }

  /**
   * Argo's EvaluateResult: the success condition first, then the failure condition; a condition that
   * cannot be evaluated makes the measurement an Error (with no value, as Argo's providers store it).
   */
  private static Measurement judged(AnalysisDefinition def, Metric m, Observation.Value v, Instant now) {
    String value = def.redact(v.text());
    String shown = shown(value);
    Boolean success = null;
    Boolean failure = null;
    for (Optional<Condition> c : List.of(m.successCondition(), m.failureCondition())) {
      if (c.isEmpty()) continue;
      boolean isSuccess = c == m.successCondition();
      try {
        boolean holds = c.get().test(v.result());
        if (isSuccess) {
          success = holds;
        } else {
          failure = holds;
        }
      } catch (Condition.ConditionException e) {
        String why = v.result().isNil() || v.result().value() instanceof List<?> l && l.isEmpty()
            ? "metric result is nil or empty: no data returned from the metric provider"
            : e.getMessage();
        return new Measurement(RunPhase.ERROR, null, def.redact("result " + shown + ": could not evaluate "
            + (isSuccess ? "successCondition" : "failureCondition") + " \"" + c.get().text() + "\": " + why), now, Optional.of(now));
      }
    }
    RunPhase phase;
    String why;
    String s = success == null ? null : "successCondition \"" + m.successCondition().get().text() + "\" is " + success;
    String f = failure == null ? null : "failureCondition \"" + m.failureCondition().get().text() + "\" is " + failure;
    if (success == null && failure == null) {
      phase = RunPhase.SUCCESSFUL;
      why = "no condition: any value is a success";
    } else if (failure == null) {
      phase = success ? RunPhase.SUCCESSFUL : RunPhase.FAILED;
      why = s;
    } else if (success == null) {
      phase = failure ? RunPhase.FAILED : RunPhase.SUCCESSFUL;
      why = f;
    } else {
      phase = failure ? RunPhase.FAILED : success ? RunPhase.SUCCESSFUL : RunPhase.INCONCLUSIVE;
      why = failure ? f : success ? s : s + " and " + f;
    }
    return new Measurement(phase, value, def.redact("result " + shown + ": " + why), now, Optional.of(now));
  }

  /** The stored value in a message (the message is capped as a whole). */
  private static String shown(String value) {
    return value == null ? "nil" : value;
  }
}
