package co.mumo.okra.cell;

import java.util.Map;

/** An AWSTargetGroup as observed: its name, ARN and labels, before its version is read. */
public record TargetGroup(String name, String arn, Map<String, String> labels) {
  public TargetGroup {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
