package co.mumo.okra.discovery;

import java.util.Optional;

/** Where a generated AWSTargetGroup comes from: the cluster Secret's name and the binding's namespace and name. */
public record BindingSource(String cluster, String namespace, String name) {
  /** {@code cluster/namespace/name}: the value of the {@link DiscoveryKeys#BINDING_SOURCE} annotation. */
  @Override
  public String toString() {
    return cluster + "/" + namespace + "/" + name;
  }

  public static Optional<BindingSource> parse(String value) {
    if (value == null) return Optional.empty();
    String[] parts = value.split("/", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) return Optional.empty();
    return Optional.of(new BindingSource(parts[0], parts[1], parts[2]));
  }
}
