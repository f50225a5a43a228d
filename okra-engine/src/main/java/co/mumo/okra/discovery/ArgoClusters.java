package co.mumo.okra.discovery;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import java.net.URI;
import java.util.List;

/** Reads ArgoCD cluster Secrets into {@link ArgoCluster}s, naming the Secret and field when one is malformed. */
public final class ArgoClusters {
  private ArgoClusters() {}

  public static ArgoCluster fromSecret(String namespace, ObservedSecret secret) {
    String resource = "Secret " + namespace + "/" + secret.name();
    String server = secret.data().get("server");
    if (server == null || server.isBlank()) {
      throw new InvalidSpecException(resource, List.of(new FieldError("data.server", "missing")));
    }
    try {
      URI uri = URI.create(server.trim());
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(resource, List.of(new FieldError("data.server", "not an http(s) URL: " + server)));
    }
    ClusterConfig config = ClusterConfig.parse(secret.data().get("config"), resource);
    String name = secret.data().getOrDefault("name", secret.name());
    return new ArgoCluster(namespace, secret.name(), name.isBlank() ? secret.name() : name, server.trim(), config, secret.labels());
  }
}
