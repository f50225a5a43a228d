package co.mumo.okra.discovery;

import java.util.Map;

/**
 * An ArgoCD cluster Secret a ClusterSet wants: labels and annotations as they must be, and the
 * three data keys ArgoCD reads. The config carries the cluster's CA and how to get a token, never a
 * token, so nothing here is secret.
 */
public record DesiredSecret(String name, Map<String, String> labels, Map<String, String> annotations, String clusterName,
                            String server, String config) {
  public DesiredSecret {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public Map<String, String> data() {
    return Map.of("name", clusterName, "server", server, "config", config);
  }
}
