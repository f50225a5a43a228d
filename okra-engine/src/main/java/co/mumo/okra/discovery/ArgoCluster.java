package co.mumo.okra.discovery;

import java.util.Map;

/**
 * An ArgoCD cluster Secret, read and checked: where the cluster is and how to reach it.
 * {@code secretName} identifies it (it is unique in the namespace and a valid object name).
 */
public record ArgoCluster(String namespace, String secretName, String clusterName, String server, ClusterConfig config,
                          Map<String, String> labels) {
  public ArgoCluster {
    labels = Map.copyOf(labels);
  }

  public String key() {
    return namespace + "/" + secretName;
  }

  /** The config's toString redacts credentials; nothing else here is secret. */
  @Override
  public String toString() {
    return "ArgoCluster[" + key() + " name=" + clusterName + " server=" + server + " " + config + "]";
  }
}
