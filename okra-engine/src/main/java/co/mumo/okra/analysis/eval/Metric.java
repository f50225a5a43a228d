package co.mumo.okra.analysis.eval;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One metric of an analysis, with its arguments substituted and its fields parsed: how often to measure,
 * how many times, and what counts as success. {@code provider} is the one provider block
 * ({@code providerType} names it: cloudWatch, web, job, prometheus, datadog, ...); {@code providerAsWritten} is
 * that block before argument substitution, so a provider can tell where arguments went (the job provider
 * keeps them out of shell code).
 */
public record Metric(String name, Optional<Duration> interval, Optional<Duration> initialDelay, Optional<Integer> count,
    Optional<Condition> successCondition, Optional<Condition> failureCondition, int failureLimit, int inconclusiveLimit,
    int consecutiveErrorLimit, boolean dryRun, int retention, String providerType, Map<String, Object> provider,
    Map<String, Object> providerAsWritten) {

  /** Argo's default: a metric errors after more than 4 errors in a row. */
  public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
  /** Argo's default number of measurements kept per metric. */
  public static final int DEFAULT_RETENTION = 10;

  public Metric {
    provider = Map.copyOf(provider);
    providerAsWritten = Map.copyOf(providerAsWritten);
  }

  /** How many measurements end the metric: {@code count}, or 1 without an interval, or none (runs until terminated). */
  public Optional<Integer> effectiveCount() {
    if (count.isPresent()) return count;
    return interval.isEmpty() ? Optional.of(1) : Optional.empty();
  }
}
