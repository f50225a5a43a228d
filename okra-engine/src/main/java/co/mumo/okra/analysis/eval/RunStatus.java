package co.mumo.okra.analysis.eval;

import co.mumo.okra.cell.MetricSummary;
import co.mumo.okra.core.RunPhase;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of one analysis run, in the layout of an Argo Rollouts AnalysisRun's {@code status}, so that
 * a run Okra evaluates reads like one Argo's controller evaluated ({@code kubectl argo rollouts get}).
 */
public record RunStatus(RunPhase phase, String message, Optional<Instant> startedAt, List<MetricResult> metricResults) {
  public RunStatus {
    metricResults = List.copyOf(metricResults);
    startedAt = startedAt == null ? Optional.empty() : startedAt;
  }

  public static RunStatus initial() {
    return new RunStatus(RunPhase.PENDING, null, Optional.empty(), List.of());
  }

  public boolean completed() {
    return completed(phase);
  }

  static boolean completed(RunPhase p) {
    return p.completed();
  }

  /** Each metric's verdict so far and its latest measurement, as the Cell reports them. */
  public List<MetricSummary> summaries() {
    List<MetricSummary> out = new ArrayList<>();
    for (MetricResult r : metricResults) {
      Optional<Measurement> last = r.last();
      out.add(new MetricSummary(r.name(), r.phase(), r.count(), r.successful(), r.failed(), r.inconclusive(),
          r.error(), last.map(Measurement::value).filter(v -> !v.isEmpty()), last.map(Measurement::message).filter(m -> !m.isEmpty()),
          Optional.ofNullable(r.message()).filter(m -> !m.isEmpty())));
    }
    return out;
  }

  public Optional<MetricResult> result(String metric) {
    return metricResults.stream().filter(r -> r.name().equals(metric)).findFirst();
  }

  RunStatus with(MetricResult r) {
    List<MetricResult> out = new ArrayList<>(metricResults);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).name().equals(r.name())) {
        out.set(i, r);
        return new RunStatus(phase, message, startedAt, out);
      }
    }
    out.add(r);
    return new RunStatus(phase, message, startedAt, out);
  }

  /** Argo's status layout, with {@code runSummary} and {@code dryRunSummary}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", phase.argoName());
    if (message != null && !message.isEmpty()) m.put("message", message);
    startedAt.ifPresent(s -> m.put("startedAt", s.toString()));
    m.put("metricResults", metricResults.stream().map(MetricResult::toMap).toList());
    m.put("runSummary", summary(false));
    m.put("dryRunSummary", summary(true));
    return m;
  }

  private Map<String, Object> summary(boolean dryRun) {
    int count = 0, ok = 0, failed = 0, inconclusive = 0, error = 0;
    for (MetricResult r : metricResults) {
      if (r.dryRun() != dryRun) continue;
      count++;
      switch (r.phase()) {
        case SUCCESSFUL -> ok++;
        case FAILED -> failed++;
        case INCONCLUSIVE -> inconclusive++;
        case ERROR -> error++;
        default -> { }
      }
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("count", count);
    s.put("successful", ok);
    s.put("failed", failed);
    s.put("inconclusive", inconclusive);
    s.put("error", error);
    return s;
  }

  public static RunStatus fromMap(Map<String, Object> m) {
    if (m == null || m.isEmpty()) return initial();
    List<MetricResult> results = new ArrayList<>();
    for (Map<String, Object> r : maps(m.get("metricResults"))) results.add(MetricResult.fromMap(r));
    return new RunStatus(RunPhase.parse(str(m.get("phase"))), str(m.get("message")), instant(m.get("startedAt")), results);
  }

  static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  static int num(Object o) {
    if (o instanceof Number n) return n.intValue();
    if (o instanceof String s && s.matches("\\d+")) return Integer.parseInt(s);
    return 0;
  }

  static Optional<Instant> instant(Object o) {
    if (o == null) return Optional.empty();
    try {
      return Optional.of(Instant.parse(String.valueOf(o)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(Object o) {
    if (!(o instanceof List<?> l)) return List.of();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object x : l) if (x instanceof Map<?, ?> mm) out.add(new LinkedHashMap<>((Map<String, Object>) mm));
    return out;
  }
}
