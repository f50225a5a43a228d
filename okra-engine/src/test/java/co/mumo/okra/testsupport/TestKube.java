package co.mumo.okra.testsupport;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kubernetes API for integration tests, with a kubeconfig file so that child processes (the
 * runner jar) can reach it too. Every test takes a fresh namespace, so one server serves a class.
 */
public interface TestKube extends AutoCloseable {
  AtomicInteger NAMESPACES = new AtomicInteger();

  KubernetesClient client();

  /** A kubeconfig file for this API server, for processes started by the test. */
  Path kubeconfig();

  /** Creates a namespace no other test uses. */
  default String freshNamespace(String prefix) {
    String name = prefix + "-" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    return name;
  }

  @Override
  void close();

  /**
   * The API server the integration tests run against: a real kube-apiserver (shared by the test
   * JVM). A missing binary fails the test with instructions; it never skips.
   */
  static TestKube start() {
    return RealKube.shared();
  }

  /** The real kubectl that scripts/kube-binaries.sh built, beside the API server. */
  static Path kubectl() {
    Path dir = RealKube.cacheDir();
    return dir.resolve("k8s").resolve(RealKube.installedVersion(dir) + "-linux-amd64").resolve("kubectl");
  }

  /** fabric8's mock server, for the rare test that needs something a real server cannot give. */
  static TestKube mock() {
    return MockKube.start();
  }
}
