package co.mumo.okra.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Builds the management-cluster client from a kubeconfig file, $KUBECONFIG, ~/.kube/config or in-cluster config. */
public final class KubeClients {
  private KubeClients() {}

  public static KubernetesClient create(Optional<Path> kubeconfig, Optional<String> context) {
    Config config;
    if (kubeconfig.isPresent()) {
      try {
        config = Config.fromKubeconfig(context.orElse(null), Files.readString(kubeconfig.get()), kubeconfig.get().toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig.get(), e);
      }
    } else {
      config = Config.autoConfigure(context.orElse(null));
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
