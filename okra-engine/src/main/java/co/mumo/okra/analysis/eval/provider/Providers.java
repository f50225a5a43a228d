package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.analysis.eval.AnalysisDefinition;
import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.policy.AnalysisPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** The providers Okra's evaluator can measure with, by type. */
public final class Providers {
  private final Map<String, MetricProvider> byType = new LinkedHashMap<>();

  public Providers(List<MetricProvider> providers) {
    for (MetricProvider p : providers) byType.put(p.type(), p);
  }

  /**
   * Every provider Okra has, held to the runner owner's {@code policy}: the HTTP providers contact only
   * what it allows ({@link OutboundHttp}), the job provider runs only where it allows jobs.
   */
  public static Providers standard(AnalysisPolicy policy, Supplier<CloudWatchClient> cloudWatch, DatadogProvider.Secrets secrets) {
    OutboundHttp http = new OutboundHttp(policy);
    return new Providers(List.of(new CloudWatchProvider(cloudWatch), new WebProvider(http),
        policy.allowJobProvider() ? new JobProvider()
            : JobProvider.disabled("the runner is started with --allow-job-provider or its policy sets analysis.allowJobProvider: true"),
        new PrometheusProvider(http), new DatadogProvider(http, secrets)));
  }

  public Observation measure(Metric metric, Instant now) {
    return measure(metric, now, null);
  }

  /** One measurement for a run in {@code namespace} (null: the provider's default). */
  public Observation measure(Metric metric, Instant now, String namespace) {
    MetricProvider p = byType.get(metric.providerType());
    if (p == null) return new Observation.Error(unsupported(metric));
    try {
      return namespace == null ? p.measure(metric, now) : p.measure(metric, now, namespace);
    } catch (RuntimeException e) {
      return new Observation.Error(metric.providerType() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  /** Every metric's provider is one Okra has, and its block is complete; paths are {@code path.metrics[i].provider.TYPE}. */
  public List<FieldError> check(String path, AnalysisDefinition def) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < def.metrics().size(); i++) {
      Metric m = def.metrics().get(i);
      String at = path + ".metrics[" + i + "].provider." + m.providerType();
      MetricProvider p = byType.get(m.providerType());
      if (p == null) {
        errors.add(new FieldError(at, unsupported(m)));
      } else {
        for (String problem : p.check(m)) errors.add(new FieldError(at, problem));
      }
    }
    return errors;
  }

  private String unsupported(Metric m) {
    return "Okra's evaluator has no " + m.providerType() + " provider (it has " + String.join(", ", byType.keySet())
        + "); leave this analysis to Argo Rollouts' controller";
  }
}
