package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.AnalysisDefinition;
import co.mumo.okra.analysis.eval.ArgSource;
import co.mumo.okra.analysis.eval.Metric;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds one metric from template YAML, through the same parsing and validation as a real run. */
final class Metrics {
  private Metrics() {}

  static Metric of(String metricYaml) {
    return of(metricYaml, Map.of());
  }

  /** With arguments given values, as a step's args give them, substituted where the template says {{args.NAME}}. */
  @SuppressWarnings("unchecked")
  static Metric of(String metricYaml, Map<String, String> args) {
    String yaml = "metrics:\n- " + metricYaml.strip().replace("\n", "\n  ") + "\n";
    Map<String, Object> spec = Serialization.unmarshal(yaml, Map.class);
    List<Map<String, Object>> argList = new ArrayList<>();
    args.forEach((name, value) -> argList.add(Map.of("name", name, "value", value)));
    spec.put("args", argList);
    return AnalysisDefinition.of("spec", spec, ArgSource.NONE, AnalysisDefinition.Mode.STANDALONE).metrics().get(0);
  }
}
