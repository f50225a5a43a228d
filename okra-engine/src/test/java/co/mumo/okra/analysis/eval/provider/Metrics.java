package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.AnalysisDefinition;
import co.mumo.okra.analysis.eval.ArgSource;
import co.mumo.okra.analysis.eval.Metric;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;

/** Builds one metric from template YAML, through the same parsing and validation as a real run. */
final class Metrics {
  private Metrics() {}

  static Metric of(String metricYaml) {
    String spec = "metrics:\n- " + metricYaml.strip().replace("\n", "\n  ") + "\n";
    return AnalysisDefinition.of("spec", Serialization.unmarshal(spec, Map.class), ArgSource.NONE,
        AnalysisDefinition.Mode.STANDALONE).metrics().get(0);
  }
}
