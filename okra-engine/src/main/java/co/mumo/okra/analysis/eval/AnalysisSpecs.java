package co.mumo.okra.analysis.eval;

import co.mumo.okra.core.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Merges AnalysisTemplate / ClusterAnalysisTemplate specs (as users write them) and a step's arguments
 * into the spec of one run, in Argo's AnalysisRun layout: {@code args}, {@code metrics}, {@code dryRun},
 * {@code measurementRetention}. As in Argo, metric names must be unique across the templates, and an
 * argument declared by several templates must not have different values.
 */
public final class AnalysisSpecs {
  private AnalysisSpecs() {}

  /** A template's {@code spec}, with the name it was referred to by (for messages). */
  public record Template(String name, Map<String, Object> spec) {
    public Template {
      Objects.requireNonNull(name, "name");
      spec = spec == null ? Map.of() : spec;
    }
  }

  /**
   * @param stepArgs the step's args as maps ({@code name} with {@code value} or {@code valueFrom}); they
   *     override the templates' values
   * @throws InvalidAnalysisException naming {@code path.templates[i]} or {@code path.args[i]}
   */
  public static Map<String, Object> merge(String path, List<Template> templates, List<Map<String, Object>> stepArgs) {
    List<FieldError> errors = new ArrayList<>();
    List<Object> metrics = new ArrayList<>();
    List<Object> dryRun = new ArrayList<>();
    List<Object> retention = new ArrayList<>();
    Map<String, Map<String, Object>> args = new LinkedHashMap<>();
    Map<String, String> metricOwner = new LinkedHashMap<>();
    for (int t = 0; t < templates.size(); t++) {
      Template template = templates.get(t);
      for (Map<String, Object> m : RunStatus.maps(template.spec().get("metrics"))) {
        String name = RunStatus.str(m.get("name"));
        String other = metricOwner.putIfAbsent(String.valueOf(name), template.name());
        if (other != null) {
          errors.add(new FieldError(path + ".templates[" + t + "]", "metric \"" + name + "\" is defined by both "
              + other + " and " + template.name() + " (metric names must be unique across a step's templates)"));
        }
        metrics.add(m);
      }
      dryRun.addAll(RunStatus.maps(template.spec().get("dryRun")));
      retention.addAll(RunStatus.maps(template.spec().get("measurementRetention")));
      for (Map<String, Object> a : RunStatus.maps(template.spec().get("args"))) {
        String name = RunStatus.str(a.get("name"));
        Map<String, Object> previous = args.get(name);
        if (previous == null || (previous.get("value") == null && previous.get("valueFrom") == null)) {
          args.put(name, a);
        } else if ((a.get("value") != null || a.get("valueFrom") != null)
            && !(Objects.equals(previous.get("value"), a.get("value")) && Objects.equals(previous.get("valueFrom"), a.get("valueFrom")))) {
          errors.add(new FieldError(path + ".templates[" + t + "]", "argument \"" + name
              + "\" has different values in the step's templates"));
        }
      }
    }
    if (templates.isEmpty()) errors.add(new FieldError(path + ".templates", "an analysis needs at least one template"));
    for (int a = 0; a < stepArgs.size(); a++) {
      Map<String, Object> arg = stepArgs.get(a);
      String name = RunStatus.str(arg.get("name"));
      if (!args.containsKey(name)) {
        errors.add(new FieldError(path + ".args[" + a + "].name", "\"" + name + "\" is not an argument of "
            + String.join(", ", templates.stream().map(Template::name).toList()) + " (declared: "
            + String.join(", ", args.keySet()) + ")"));
      }
      args.put(name, new LinkedHashMap<>(arg));
    }
    if (!errors.isEmpty()) throw new InvalidAnalysisException(errors);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("args", new ArrayList<>(args.values()));
    spec.put("metrics", metrics);
    if (!dryRun.isEmpty()) spec.put("dryRun", dryRun);
    if (!retention.isEmpty()) spec.put("measurementRetention", retention);
    return spec;
  }
}
