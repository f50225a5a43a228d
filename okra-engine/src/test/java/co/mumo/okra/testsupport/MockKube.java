package co.mumo.okra.testsupport;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * fabric8's mock API server in CRUD mode. It does not enforce resourceVersion on status writes,
 * schemas or RBAC; tests of those belong on a real kube-apiserver.
 */
final class MockKube implements TestKube {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Path kubeconfig;

  private MockKube(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
    this.kubeconfig = writeKubeconfig(client.getMasterUrl().toString());
  }

  static MockKube start() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init();
    for (Class<?> kind : List.of(Cell.class, AWSTargetGroup.class, AWSApplicationLoadBalancerConfig.class, VersionBlocklist.class)) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      CustomResourceDefinitionContext ctx = CustomResourceDefinitionContext.fromCustomResourceType((Class) kind);
      server.expectCustomResource(ctx);
    }
    for (String[] argo : List.of(new String[] {"AnalysisTemplate", "analysistemplates", "Namespaced"},
        new String[] {"ClusterAnalysisTemplate", "clusteranalysistemplates", "Cluster"},
        new String[] {"AnalysisRun", "analysisruns", "Namespaced"}, new String[] {"Experiment", "experiments", "Namespaced"})) {
      server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup("argoproj.io").withVersion("v1alpha1")
          .withKind(argo[0]).withPlural(argo[1]).withScope(argo[2]).build());
    }
    return new MockKube(server);
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
    client.close();
    server.destroy();
  }

  private static Path writeKubeconfig(String url) {
    try {
      Path file = Files.createTempFile("okra-kubeconfig", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: test
            cluster:
              server: %s
          contexts:
          - name: test
            context:
              cluster: test
              user: test
              namespace: default
          current-context: test
          users:
          - name: test
            user:
              token: not-a-secret
          """.formatted(url));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
