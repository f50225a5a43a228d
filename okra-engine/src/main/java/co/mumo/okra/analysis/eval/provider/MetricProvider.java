package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import java.time.Instant;
import java.util.List;

/** Takes one measurement of a metric whose provider block is of {@link #type()}; never throws for a failed fetch. */
public interface MetricProvider {

  /** The provider key in a template: {@code cloudWatch}, {@code web}, {@code job}, ... */
  String type();

  /** What is wrong with the provider block (messages, relative to it); empty when all is well. */
  default List<String> check(Metric metric) {
    return List.of();
  }

  /**
   * One measurement at {@code now}: a value for the conditions, a verdict, or an error (which counts
   * towards consecutiveErrorLimit). Messages must not contain credentials.
   */
  Observation measure(Metric metric, Instant now);

  /** As {@link #measure(Metric, Instant)} for a run in {@code namespace}, where the Secrets it may read live. */
  default Observation measure(Metric metric, Instant now, String namespace) {
    return measure(metric, now);
  }
}
