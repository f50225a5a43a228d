package co.mumo.okra.discovery;

import java.util.List;

/** What listing one workload cluster's TargetGroupBindings gave: the bindings, or why there are none to trust. */
public sealed interface ClusterListing {
  /** The cluster Secret's name. */
  String cluster();

  record Listed(String cluster, List<ObservedBinding> bindings) implements ClusterListing {
    public Listed {
      bindings = List.copyOf(bindings);
    }
  }

  /** Not reached, or the listing failed: the AWSTargetGroups from this cluster are kept as they are. */
  record Unreachable(String cluster, String reason) implements ClusterListing {}
}
