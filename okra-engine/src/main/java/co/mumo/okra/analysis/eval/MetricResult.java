package co.mumo.okra.analysis.eval;

import co.mumo.okra.core.RunPhase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The measurements and counters of one metric, in Argo's layout ({@code status.metricResults[]}). The
 * counters cover every measurement ever taken; {@code measurements} keeps only the newest (retention).
 */
public record MetricResult(String name, RunPhase phase, List<Measurement> measurements, int count, int successful,
    int failed, int inconclusive, int error, int consecutiveError, String message, boolean dryRun) {
  public MetricResult {
    measurements = List.copyOf(measurements);
  }

  static MetricResult empty(String name, boolean dryRun) {
    return new MetricResult(name, RunPhase.RUNNING, List.of(), 0, 0, 0, 0, 0, 0, null, dryRun);
  }

  public Optional<Measurement> last() {
    return measurements.isEmpty() ? Optional.empty() : Optional.of(measurements.get(measurements.size() - 1));
  }

  MetricResult withPhase(RunPhase p, String msg) {
    return new MetricResult(name, p, measurements, count, successful, failed, inconclusive, error, consecutiveError, msg, dryRun);
  }

  /** Counts a completed measurement as Argo does: an error does not count towards {@code count}. */
  MetricResult add(Measurement m, int retain) {
    List<Measurement> ms = new ArrayList<>(measurements);
    if (!ms.isEmpty() && !ms.get(ms.size() - 1).completed()) {
      // The in-flight measurement is finished (or deferred again) by this one, started when it was.
      Measurement open = ms.remove(ms.size() - 1);
      m = new Measurement(m.phase(), m.value(), m.message(), open.startedAt(), m.finishedAt(), m.resumeAt());
    }
    ms.add(m);
    while (ms.size() > retain) ms.remove(0);
    int c = count, s = successful, f = failed, i = inconclusive, e = error, ce = consecutiveError;
    switch (m.phase()) {
      case SUCCESSFUL -> { s++; c++; ce = 0; }
      case FAILED -> { f++; c++; ce = 0; }
      case INCONCLUSIVE -> { i++; c++; ce = 0; }
      case ERROR -> { e++; ce++; }
      default -> { }
    }
    return new MetricResult(name, phase, ms, c, s, f, i, e, ce, m.message(), dryRun);
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("phase", phase.argoName());
    m.put("measurements", measurements.stream().map(Measurement::toMap).toList());
    if (count > 0) m.put("count", count);
    if (successful > 0) m.put("successful", successful);
    if (failed > 0) m.put("failed", failed);
    if (inconclusive > 0) m.put("inconclusive", inconclusive);
    if (error > 0) m.put("error", error);
    if (consecutiveError > 0) m.put("consecutiveError", consecutiveError);
    if (message != null && !message.isEmpty()) m.put("message", message);
    if (dryRun) m.put("dryRun", true);
    return m;
  }

  static MetricResult fromMap(Map<String, Object> m) {
    List<Measurement> ms = new ArrayList<>();
    for (Map<String, Object> x : RunStatus.maps(m.get("measurements"))) ms.add(Measurement.fromMap(x));
    return new MetricResult(RunStatus.str(m.get("name")), RunPhase.parse(RunStatus.str(m.get("phase"))), ms,
        RunStatus.num(m.get("count")), RunStatus.num(m.get("successful")), RunStatus.num(m.get("failed")),
        RunStatus.num(m.get("inconclusive")), RunStatus.num(m.get("error")), RunStatus.num(m.get("consecutiveError")),
        RunStatus.str(m.get("message")), Boolean.TRUE.equals(m.get("dryRun")));
  }
}
