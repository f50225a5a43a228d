package co.mumo.okra.discovery;

import java.util.Map;
import java.util.Optional;

/** One EKS cluster as DescribeCluster reports it. {@code caData} is base64 of the PEM CA bundle, as EKS returns it. */
public record EksCluster(String name, String arn, String status, Optional<String> endpoint, Optional<String> caData,
                         Map<String, String> tags) {
  public EksCluster {
    tags = Map.copyOf(tags);
  }

  /** Serving: gets a Secret. UPDATING clusters serve too. */
  public boolean active() {
    return "ACTIVE".equals(status) || "UPDATING".equals(status);
  }

  /** On the way up: reported, and a Secret that exists already is left alone. */
  public boolean pending() {
    return "CREATING".equals(status) || "PENDING".equals(status);
  }

  @Override
  public String toString() {
    return "EksCluster[" + name + " " + status + " " + endpoint.orElse("(no endpoint)") + " tags=" + tags + "]";
  }
}
