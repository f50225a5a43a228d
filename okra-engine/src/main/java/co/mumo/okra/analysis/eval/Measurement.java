package co.mumo.okra.analysis.eval;

import co.mumo.okra.core.RunPhase;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One measurement of one metric, in Argo's layout ({@code status.metricResults[].measurements[]}). A
 * measurement that is not finished (phase Running) is taken again at {@code resumeAt}: how a provider
 * that was told "not now" (a rate limit) is honoured without counting an error.
 */
public record Measurement(RunPhase phase, String value, String message, Instant startedAt, Optional<Instant> finishedAt,
    Optional<Instant> resumeAt) {
  public Measurement {
    finishedAt = finishedAt == null ? Optional.empty() : finishedAt;
    resumeAt = resumeAt == null ? Optional.empty() : resumeAt;
  }

  public Measurement(RunPhase phase, String value, String message, Instant startedAt, Optional<Instant> finishedAt) {
    this(phase, value, message, startedAt, finishedAt, Optional.empty());
  }

  public boolean completed() {
    return RunStatus.completed(phase);
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", phase.argoName());
    if (value != null) m.put("value", value);
    if (message != null && !message.isEmpty()) m.put("message", message);
    if (startedAt != null) m.put("startedAt", startedAt.toString());
    finishedAt.ifPresent(f -> m.put("finishedAt", f.toString()));
    resumeAt.ifPresent(r -> m.put("resumeAt", r.toString()));
    return m;
  }

  static Measurement fromMap(Map<String, Object> m) {
    return new Measurement(RunPhase.parse(RunStatus.str(m.get("phase"))), RunStatus.str(m.get("value")),
        RunStatus.str(m.get("message")), RunStatus.instant(m.get("startedAt")).orElse(null),
        RunStatus.instant(m.get("finishedAt")), RunStatus.instant(m.get("resumeAt")));
  }
}
