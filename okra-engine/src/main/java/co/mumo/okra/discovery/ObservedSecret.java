package co.mumo.okra.discovery;

import java.util.Map;
import java.util.Optional;

/**
 * A Secret in the management cluster as discovery sees it: decoded {@code data}, and the name of
 * the ClusterSet in its ownerReferences, if any. Data values may hold credentials (a hand-written
 * Secret's bearerToken), so {@link #toString()} names only the keys.
 */
public record ObservedSecret(String name, Map<String, String> labels, Map<String, String> annotations,
                             Map<String, String> data, Optional<String> ownerClusterSet) {
  public ObservedSecret {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    data = Map.copyOf(data);
  }

  public boolean ownedBy(String clusterSet) {
    return ownerClusterSet.filter(clusterSet::equals).isPresent();
  }

  @Override
  public String toString() {
    return "ObservedSecret[" + name + " labels=" + labels + " data keys=" + data.keySet() + " owner=" + ownerClusterSet.orElse("-") + "]";
  }
}
