package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.runner.docs.DocsFiles;
import co.mumo.okra.runner.watch.ChangeWatches;
import co.mumo.okra.runner.watch.ContinuousLoop;
import co.mumo.okra.runner.watch.LeaseElection;
import co.mumo.okra.runner.watch.Passes;
import co.mumo.okra.runner.watch.Wakeups;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/continuous/ and the continuous mode's roles in docs/rbac.yaml on a real kube-apiserver: the
 * real kubectl applies them (server-side dry run, then for real); the loop of the Deployment runs as its
 * ServiceAccount (impersonated) through a rollout, with nothing forbidden and every verb of
 * okra-runner-watch and okra-runner-lease used; and the shaded jar in --watch mode stops on SIGTERM
 * after its pass, releasing the Lease.
 */
class ContinuousExamplesIT {
  private static final Path DEPLOYMENT = DocsFiles.repoRoot().resolve("examples/continuous/okra-runner-deployment.yaml");
  private static final Path CRONJOB = DocsFiles.repoRoot().resolve("examples/continuous/okra-runner-cronjob.yaml");
  private static final Path RBAC = DocsFiles.repoRoot().resolve("docs/rbac.yaml");
  private static final String SERVICE_ACCOUNT = "system:serviceaccount:okra:okra-runner";
  private static final Duration GENEROUS = Duration.ofSeconds(90);
  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
    // docs/rbac.yaml and the example live in these namespaces.
    for (String ns : List.of("okra", "team-a")) {
      kube.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(n -> n.update());
    }
  }

  @AfterAll
  static void close() {
    aws.close();
    kube.close();
  }

  record Kubectl(int code, String output) {}

  private static Kubectl kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(TestKube.kubectl().toString(), "--kubeconfig=" + kube.kubeconfig()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("kubectl", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl " + String.join(" ", args) + " ended").isTrue();
    return new Kubectl(p.exitValue(), Files.readString(out));
  }

  @Test
  void theApiServerAcceptsTheDeploymentTheCronJobAndTheRoles() throws Exception {
    Kubectl dry = kubectl("apply", "--server-side", "--dry-run=server", "--field-manager=okra-examples-it",
        "-f", RBAC.toString(), "-f", DEPLOYMENT.toString(), "-f", CRONJOB.toString());
    assertThat(dry.code()).as(dry.output()).isZero();
    assertThat(dry.output()).contains("deployment.apps/okra-runner serverside-applied (server dry run)",
        "cronjob.batch/okra-runner serverside-applied (server dry run)",
        "clusterrole.rbac.authorization.k8s.io/okra-runner-watch serverside-applied (server dry run)",
        "role.rbac.authorization.k8s.io/okra-runner-lease serverside-applied (server dry run)");
  }

  @Test
  void theDeploymentsLoopRunsAsItsServiceAccountWithExactlyTheWatchAndLeaseVerbs() throws Exception {
    Kubectl applied = kubectl("apply", "--server-side", "--field-manager=okra-examples-it", "-f", RBAC.toString(), "-f", DEPLOYMENT.toString());
    assertThat(applied.code()).as(applied.output()).isZero();
    String ns = kube.freshNamespace("continuous");
    AwsFixture.Alb alb = aws.createAlb(2);
    OkraObjects admin = new OkraObjects(kube.client());
    admin.webCell(ns, alb.listenerArn(), 10, "- setWeight: 50\n- pause: {}\n");
    admin.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");

    Set<String> requests = new ConcurrentSkipListSet<>();
    Set<String> refused = new ConcurrentSkipListSet<>();
    Config config = Config.fromKubeconfig(Files.readString(kube.kubeconfig()));
    config.setImpersonateUsername(SERVICE_ACCOUNT);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (KubernetesClient asRunner = new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("continuous-it", new RbacIT.Recorder(requests, refused))).build()) {
      // The bindings reach the authorizer a moment after they are written.
      await().atMost(GENEROUS).ignoreExceptions().until(() -> asRunner.leases().inNamespace("okra").withName("okra-runner").get() == null
          && asRunner.resources(Cell.class).inNamespace(ns).list() != null);
      requests.clear();
      refused.clear();

      Wakeups wakeups = new Wakeups();
      CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(asRunner), new Elbv2LoadBalancer(aws.elbv2()),
          new ArgoAnalyses(asRunner), Clock.systemUTC());
      try (ChangeWatches watches = Passes.cellWatches(asRunner, ns, wakeups)) {
        LeaseElection lease = new LeaseElection(asRunner, LeaseElection.Settings.of("okra", "okra-runner", "examples-it", Duration.ofSeconds(15)),
            Clock.systemUTC(), wakeups::poke);
        ContinuousLoop loop = new ContinuousLoop(lease, wakeups, Passes.cells(reconciler, ns, new CellReconciler.Options(false), r -> { }),
            new ContinuousLoop.Settings(Duration.ofMinutes(5), Duration.ofMillis(300)), new ContinuousLoop.Listener() { });
        Future<?> running = thread.submit(() -> {
          loop.run();
          return null;
        });
        await().atMost(GENEROUS).until(() -> "Succeeded".equals(cell(ns).getStatus().phase));
        admin.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
        await().atMost(GENEROUS).until(() -> "Paused".equals(cell(ns).getStatus().phase));
        loop.stop();
        assertThat(loop.awaitStopped(GENEROUS)).isTrue();
        running.get();
      }
    } finally {
      thread.shutdownNow();
    }
    Lease lease = kube.client().leases().inNamespace("okra").withName("okra-runner").get();
    assertThat(lease.getSpec().getHolderIdentity()).as("released").isNull();

    assertThat(refused).as("requests the example's RBAC refused").isEmpty();
    Set<String> watchAndLease = new TreeSet<>(RbacIT.granted(clusterRole("okra-runner-watch").getRules()));
    watchAndLease.addAll(RbacIT.granted(role("okra-runner-lease").getRules()));
    assertThat(requests).as("every verb of okra-runner-watch and okra-runner-lease is used").containsAll(watchAndLease);
    Set<String> all = new TreeSet<>(watchAndLease);
    all.addAll(RbacIT.granted(clusterRole("okra-runner").getRules()));
    assertThat(all).as("every request is granted by the three roles").containsAll(requests);
  }

  @Test
  void withoutTheWatchRoleTheLoopDoesNotStartAndSaysWhichRoleIsMissing() throws Exception {
    Kubectl applied = kubectl("apply", "--server-side", "--field-manager=okra-examples-it", "-f", RBAC.toString());
    assertThat(applied.code()).as(applied.output()).isZero();
    String user = "okra-runner-without-watch";
    kube.client().rbac().clusterRoleBindings().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder()
        .withNewMetadata().withName(user).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "okra-runner")
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject().build())
        .createOr(r -> r.update());
    String ns = kube.freshNamespace("no-watch");
    Config config = Config.fromKubeconfig(Files.readString(kube.kubeconfig()));
    config.setImpersonateUsername(user);
    try (KubernetesClient asUser = new KubernetesClientBuilder().withConfig(config).build()) {
      await().atMost(GENEROUS).ignoreExceptions().until(() -> asUser.resources(Cell.class).inNamespace(ns).list() != null);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Passes.cellWatches(asUser, ns, new Wakeups()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot watch Cells in namespace " + ns)
          .hasMessageContaining("okra-runner-watch");
    }
  }

  @Test
  void theRunnerJarInWatchModeStopsOnSigtermAfterItsPassAndReleasesTheLease() throws Exception {
    String ns = kube.freshNamespace("sigterm");
    AwsFixture.Alb alb = aws.createAlb(1);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.webCell(ns, alb.listenerArn(), 10, "- setWeight: 50\n- pause: {}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    RunnerProcess runner = RunnerProcess.start(kube, moto, "reconcile", "--all", "-n", ns, "--watch", "--lease-namespace", ns,
        "--health-port", String.valueOf(port));
    try {
      await().atMost(GENEROUS).until(() -> ready(port) == 200);
      await().atMost(GENEROUS).until(() -> "Succeeded".equals(cell(ns).getStatus().phase));
      assertThat(kube.client().leases().inNamespace(ns).withName("okra-runner").get().getSpec().getHolderIdentity()).isNotBlank();
      assertThat(aws.weightsOf(alb.listenerArn(), 10)).isEqualTo(Map.of(alb.targetGroupArns().get(0), 100));
    } finally {
      runner.terminate(); // SIGTERM
    }
    runner.waitFor(60);
    assertThat(runner.output()).contains("holding the Lease " + ns + "/okra-runner", "stopped; the Lease " + ns + "/okra-runner is released");
    assertThat(kube.client().leases().inNamespace(ns).withName("okra-runner").get().getSpec().getHolderIdentity())
        .as("released on SIGTERM; output:\n" + runner.output()).isNull();
  }

  private static int ready(int port) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static Cell cell(String ns) {
    return kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
  }

  private static ClusterRole clusterRole(String name) throws Exception {
    return (ClusterRole) fromRbac(ClusterRole.class, name);
  }

  private static Role role(String name) throws Exception {
    return (Role) fromRbac(Role.class, name);
  }

  private static HasMetadata fromRbac(Class<?> kind, String name) throws Exception {
    return RbacIT.rbacYaml().stream().filter(o -> kind.isInstance(o) && o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("docs/rbac.yaml has no " + kind.getSimpleName() + " " + name));
  }
}
