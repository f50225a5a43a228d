package co.mumo.okra.discovery;

import java.util.List;
import java.util.Map;

/** A validated AWSTargetGroupSet. */
public record TargetGroupSetDefinition(String namespace, String name, List<BindingGenerator> generators,
                                       Map<String, String> labels, Map<String, String> annotations) {
  public TargetGroupSetDefinition {
    if (generators.isEmpty()) throw new IllegalArgumentException("an AWSTargetGroupSet needs at least one generator");
    generators = List.copyOf(generators);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** One {@code generators[].awseks}: cluster Secrets by label, then bindings by label (empty: all). */
  public record BindingGenerator(Map<String, String> clusterSelector, Map<String, String> bindingSelector) {
    public BindingGenerator {
      if (clusterSelector.isEmpty()) throw new IllegalArgumentException("clusterSelector must not be empty");
      clusterSelector = Map.copyOf(clusterSelector);
      bindingSelector = Map.copyOf(bindingSelector);
    }
  }
}
