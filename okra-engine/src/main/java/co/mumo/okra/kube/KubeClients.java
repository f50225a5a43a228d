package co.mumo.okra.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.Utils;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the management-cluster client from a kubeconfig file, $KUBECONFIG (one or more files),
 * ~/.kube/config or in-cluster config, with the same result as fabric8's {@code Config.fromKubeconfig}
 * and {@code Config.autoConfigure}. The files are read by {@link Kubeconfig} when it understands
 * them (much faster on a cold JVM) and by fabric8 otherwise.
 */
public final class KubeClients {
  private KubeClients() {}

  public static KubernetesClient create(Optional<Path> kubeconfig, Optional<String> context) {
    return new KubernetesClientBuilder().withConfig(config(kubeconfig, context)).build();
  }

  /** The client Config fabric8 would build for these options. */
  public static Config config(Optional<Path> kubeconfig, Optional<String> context) {
    String ctx = context.orElse(null);
    if (kubeconfig.isPresent()) {
      String contents;
      try {
        contents = Files.readString(kubeconfig.get());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig.get(), e);
      }
      File file = new File(kubeconfig.get().toString());
      Optional<io.fabric8.kubernetes.api.model.Config> read = Kubeconfig.read(contents, file);
      if (read.isEmpty()) return Config.fromKubeconfig(ctx, contents, file.getPath());
      // As Config.fromKubeconfig(context, contents, path) does after its parse.
      Config config = Config.empty();
      KubeConfigUtils.merge(config, ctx, read.get());
      if (!Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_DISABLE_AUTO_CONFIG_SYSTEM_PROPERTY, false)) {
        Config.configFromSysPropsOrEnvVars(config);
      }
      return config;
    }
    return autoConfigured(ctx);
  }

  /** {@code Config.autoConfigure(context)}, with the kubeconfig files read by {@link Kubeconfig} when it can. */
  private static Config autoConfigured(String context) {
    if (!Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, true)) return Config.autoConfigure(context);
    List<io.fabric8.kubernetes.api.model.Config> kubeconfigs = new ArrayList<>();
    for (String name : Config.getKubeconfigFilenames()) {
      File file = new File(name);
      if (!file.isFile()) continue;
      String contents;
      try {
        contents = Files.readString(file.toPath());
      } catch (IOException | UncheckedIOException e) {
        return Config.autoConfigure(context); // fabric8 logs and skips an unreadable file
      }
      if (contents.isEmpty()) continue;
      Optional<io.fabric8.kubernetes.api.model.Config> read = Kubeconfig.read(contents, file);
      if (read.isEmpty()) return Config.autoConfigure(context);
      kubeconfigs.add(read.get());
    }
    // No kubeconfig file: in-cluster (service account) configuration, which parses nothing.
    if (kubeconfigs.isEmpty()) return Config.autoConfigure(context);
    Config config = Config.empty();
    KubeConfigUtils.merge(config, context, kubeconfigs.toArray(io.fabric8.kubernetes.api.model.Config[]::new));
    Config.configFromSysPropsOrEnvVars(config);
    config.setAutoConfigure(true);
    return config;
  }
}
