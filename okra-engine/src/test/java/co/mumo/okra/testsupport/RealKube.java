package co.mumo.okra.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kube-apiserver with etcd, built by scripts/kube-binaries.sh and started through fabric8's
 * kube-api-test, once per test JVM. Okra's CRDs (generated from the model classes) and Argo
 * Rollouts' kinds are installed, so schemas, status subresources and resourceVersion conflicts are
 * the real thing.
 */
final class RealKube implements TestKube {
  static final String HOW_TO_GET_IT = "run scripts/kube-binaries.sh (or scripts/test.sh, which does it)";
  private static final List<String> OKRA_CRDS = List.of("cells", "awstargetgroups", "awsapplicationloadbalancerconfigs", "versionblocklists",
      "clustersets", "awstargetgroupsets");
  private static RealKube shared;

  private final KubeAPIServer server;
  private final KubernetesClient client;
  private final Path kubeconfig;

  private RealKube(KubeAPIServer server, String kubeconfigYaml) {
    this.server = server;
    try {
      this.kubeconfig = Files.createTempFile("okra-kube-api", ".yaml");
      this.kubeconfig.toFile().deleteOnExit();
      Files.writeString(kubeconfig, kubeconfigYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigYaml)).build();
  }

  static synchronized TestKube shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return new Borrowed(shared);
  }

  private static RealKube start() {
    Path dir = cacheDir();
    String version = installedVersion(dir);
    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(dir.toString())
        .withApiServerVersion(version)
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withApiServerFlags(List.of("--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1"))
        .build());
    server.start();
    RealKube kube = new RealKube(server, server.getKubeConfigYaml());
    kube.installCrds();
    return kube;
  }

  static Path cacheDir() {
    String env = System.getenv("OKRA_KUBE_CACHE");
    return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "okra", "kube");
  }

  /** The newest {@code k8s/<version>-linux-amd64} with all three binaries, or a failure saying how to get one. */
  static String installedVersion(Path dir) {
    Path k8s = dir.resolve("k8s");
    try (Stream<Path> dirs = Files.isDirectory(k8s) ? Files.list(k8s) : Stream.empty()) {
      return dirs.filter(d -> Stream.of("etcd", "kube-apiserver", "kubectl").allMatch(b -> Files.isExecutable(d.resolve(b))))
          .map(d -> d.getFileName().toString().replace("-linux-amd64", ""))
          .max(Comparator.comparing(RealKube::versionKey))
          .orElseThrow(() -> new IllegalStateException("kube-apiserver, etcd and kubectl are not in " + k8s + ": " + HOW_TO_GET_IT));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String versionKey(String v) {
    StringBuilder key = new StringBuilder();
    for (String part : v.split("\\.")) key.append(String.format("%06d", Integer.parseInt(part.replaceAll("\\D", "0"))));
    return key.toString();
  }

  private void installCrds() {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    for (String plural : OKRA_CRDS) crds.add((CustomResourceDefinition) load("/META-INF/fabric8/" + plural + ".okra.mumo.co-v1.yml").get(0));
    for (HasMetadata argo : load("/crds/argoproj.io.yaml")) crds.add((CustomResourceDefinition) argo);
    for (CustomResourceDefinition crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    for (CustomResourceDefinition crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream().anyMatch(k -> k.getType().equals("Established") && k.getStatus().equals("True")),
              30, TimeUnit.SECONDS);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> List<T> load(String resource) {
    try (InputStream in = RealKube.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is not on the test classpath");
      Object parsed = Serialization.unmarshal(in);
      return parsed instanceof List<?> l ? (List<T>) l : List.of((T) parsed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() {
    // Shared: stopped by the shutdown hook.
  }

  private void stop() {
    client.close();
    server.stop();
  }

  /** A test class's handle on the shared server: closing it leaves the server running for the next class. */
  private record Borrowed(RealKube kube) implements TestKube {
    @Override
    public KubernetesClient client() {
      return kube.client();
    }

    @Override
    public Path kubeconfig() {
      return kube.kubeconfig();
    }

    @Override
    public void close() {}
  }
}
