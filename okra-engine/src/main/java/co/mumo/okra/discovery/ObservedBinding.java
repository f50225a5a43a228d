package co.mumo.okra.discovery;

import java.util.Map;
import java.util.Optional;

/**
 * A TargetGroupBinding (elbv2.k8s.aws/v1beta1) in a workload cluster. {@code arn} is its
 * {@code spec.targetGroupARN}, or {@code spec.arn} as in the original README's example.
 */
public record ObservedBinding(String namespace, String name, Map<String, String> labels, Optional<String> arn) {
  public ObservedBinding {
    labels = Map.copyOf(labels);
  }
}
