package co.mumo.okra.discovery;

import java.util.List;
import java.util.Map;

/** The port to workload clusters: their TargetGroupBindings, reached with what an ArgoCD cluster Secret describes. */
public interface WorkloadClusters {
  /**
   * TargetGroupBindings in all namespaces of {@code cluster} matching any of {@code selectors}
   * (an empty selector matches all), each once.
   *
   * @throws RuntimeException when the cluster cannot be reached or the listing fails; the message
   *     says why and never holds a credential
   */
  List<ObservedBinding> bindings(ArgoCluster cluster, List<Map<String, String>> selectors);
}
