package co.mumo.okra.cell;

import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.StoredText;
import java.util.Optional;

/**
 * One metric of an analysis run as the Cell reports it: the verdict so far, the counters, and the
 * latest measurement's value and reason (e.g. {@code result 0.07: successCondition "result < 0.05" is false}).
 */
public record MetricSummary(String name, RunPhase phase, int count, int successful, int failed, int inconclusive, int error,
    Optional<String> lastValue, Optional<String> lastReason, Optional<String> message) {
  public MetricSummary {
    // Also a run Argo's controller judged: its values are as long as the server's answer was.
    lastValue = lastValue.map(StoredText::cap);
    lastReason = lastReason.map(StoredText::cap);
    message = message.map(StoredText::cap);
  }
}
