package co.mumo.okra.discovery;

import java.util.Map;

/** An AWSTargetGroup an AWSTargetGroupSet wants. */
public record DesiredTargetGroup(String name, Map<String, String> labels, Map<String, String> annotations, String arn,
                                 BindingSource source) {
  public DesiredTargetGroup {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
