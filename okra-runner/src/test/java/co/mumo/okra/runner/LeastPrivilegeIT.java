package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.runner.docs.DocsFiles;
import co.mumo.okra.testsupport.ArgoStandIn;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.BadCells;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Pollers;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CLI as a CI job would run it: as a ServiceAccount bound to nothing but docs/rbac.yaml's
 * okra-runner ClusterRole, with a kubeconfig holding a token from the TokenRequest API, against moto.
 * It drives a whole rollout with every command (reconcile, --wait, --all, cell get/describe/pause/
 * resume/promote/abort/retry, alb apply) — analysis with a Secret argument, experiment on a
 * ReplicaSet with a cluster-scoped template — and the bad-input subset that reads the cluster. Its
 * requests go through a recording proxy (which forwards the token, and no certificate): a Forbidden
 * answer fails the test, and the verbs granted but never used are reported.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeastPrivilegeIT {
  private static final String ROLE = "okra-runner-least-privilege-it";
  private static final int PRIORITY = 70;

  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;
  private static FaultProxy kubeProxy;
  private static Path kubeconfig;
  private static ClusterRole role;
  private static String saNamespace;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void serviceAccount() throws Exception {
    kube = TestKube.start();
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    role = rbacYaml().stream().filter(o -> o instanceof ClusterRole && o.getMetadata().getName().equals("okra-runner"))
        .map(ClusterRole.class::cast).findFirst().orElseThrow(() -> new AssertionError("docs/rbac.yaml has no ClusterRole okra-runner"));
    role.getMetadata().setName(ROLE);
    kube.client().rbac().clusterRoles().resource(role).createOr(r -> r.update());
    saNamespace = kube.freshNamespace("okra-ci");
    kube.client().serviceAccounts().inNamespace(saNamespace).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName("okra-runner").endMetadata().build()).create();
    kube.client().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(ROLE).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", ROLE)
        .addNewSubject().withKind("ServiceAccount").withName("okra-runner").withNamespace(saNamespace).endSubject().build())
        .createOr(r -> r.update());
    String token = kube.client().serviceAccounts().inNamespace(saNamespace).withName("okra-runner")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
    kubeProxy = FaultProxy.kube(kube.client().getConfiguration());
    kubeconfig = kubeProxy.kubeconfig(Optional.of(token));
    // The binding reaches the authorizer a moment after it is written.
    String probe = kube.freshNamespace("lp-probe");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> okra(probe, "cell", "get").code() == 0);
    kubeProxy.resetLog();
  }

  @AfterAll
  static void report() {
    List<FaultProxy.Exchange> all = kubeProxy.exchanges();
    Set<String> used = new TreeSet<>();
    all.stream().filter(FaultProxy.Exchange::bearerToken).forEach(e -> used.add(rbac(e.operation())));
    Set<String> excess = new TreeSet<>(granted(role));
    excess.removeAll(used);
    long forbidden = all.stream().filter(e -> e.status() == 401 || e.status() == 403).count();
    Reliability.report("least-privilege", "requests", all.size(), "forbidden", forbidden, "verbsGranted", granted(role).size(),
        "verbsUsed", used.size(), "grantedButUnused", excess.toString().replace(" ", "_"));
    kubeProxy.close();
    aws.close();
    kube.close();
  }

  @Test
  @Order(1)
  void aWholeRolloutWithEveryCommandNeedsNothingTheRoleDoesNotGrant() throws InterruptedException {
    String ns = kube.freshNamespace("lp");
    secretReaderIn(ns);
    AwsFixture.Alb alb = aws.createAlb(3);
    String tg1 = alb.targetGroupArns().get(0);
    String tg2 = alb.targetGroupArns().get(1);
    String tg3 = alb.targetGroupArns().get(2);
    OkraObjects objects = new OkraObjects(kube.client());
    new OkraObjects(kube.client()).cellReferencingEverything(ns, alb.listenerArn(), PRIORITY);
    objects.targetGroup(ns, "web-1", tg1, "1.0.0");
    expect(ns, 0, "reconcile", "--cell", "web");
    assertThat(aws.weightsOf(alb.listenerArn(), PRIORITY)).isEqualTo(Map.of(tg1, 100));

    objects.targetGroup(ns, "web-2", tg2, "2.0.0");
    Pollers pollers = new Pollers();
    pollers.every(200, ArgoStandIn.judging(objects, ns, "Successful").andExperiments());
    try {
      Run paused = expect(ns, ExitCodes.NEEDS_HUMAN, "reconcile", "--cell", "web", "--wait", "--interval", "1s", "--timeout", "1m");
      assertThat(paused.out()).contains("waiting for `okra-runner cell promote`");
      expect(ns, 0, "cell", "get");
      expect(ns, 0, "cell", "describe", "web");
      expect(ns, 0, "cell", "pause", "web");
      expect(ns, 0, "cell", "resume", "web");
      expect(ns, 0, "cell", "promote", "web");
      expect(ns, 0, "reconcile", "--cell", "web", "--wait", "--interval", "1s", "--timeout", "1m");
      assertThat(aws.weightsOf(alb.listenerArn(), PRIORITY)).isEqualTo(Map.of(tg2, 100));

      objects.targetGroup(ns, "web-3", tg3, "3.0.0");
      expect(ns, 0, "reconcile", "--cell", "web");
      expect(ns, 0, "cell", "abort", "web", "--reason", "least privilege test");
      expect(ns, ExitCodes.ROLLOUT_FAILED, "reconcile", "--cell", "web");
      VersionBlocklist blocklist = kube.client().resources(VersionBlocklist.class).inNamespace(ns).withName("web").get();
      assertThat(blocklist.getSpec().items).extracting(i -> i.version).containsExactly("3.0.0");
      expect(ns, 0, "cell", "retry", "web");
      expect(ns, 0, "reconcile", "--all");
      assertThat(aws.weightsOf(alb.listenerArn(), PRIORITY)).isEqualTo(Map.of(tg2, 80, tg3, 20));
      expect(ns, 0, "alb", "apply", "web");
    } finally {
      pollers.stopAll();
    }
    assertNothingForbidden();
  }

  static Stream<BadCells.Case> badCells() {
    return BadCells.named("pause duration not a duration", "missing AnalysisTemplate", "missing ClusterAnalysisTemplate", "missing Secret",
        "Secret without the key", "experiment specRef to a missing ReplicaSet", "experiment analysis with a missing template",
        "a rule at the priority owned by another Cell", "a target group with a non-semver version label next to a good one").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCells")
  @Order(2)
  void badInputIsReportedUnderTheRoleToo(BadCells.Case c) {
    String ns = kube.freshNamespace("lp-bad");
    secretReaderIn(ns);
    AwsFixture.Alb alb = aws.createAlb(2);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.analysisTemplate(ns, "success-rate", "version");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    BadCells.World world = new BadCells.World(ns, PRIORITY, alb, aws, kube.client(), objects, () -> {
      throw new AssertionError("not used here");
    });
    c.setup().accept(world);
    Run run = okra(ns, "reconcile", "--cell", "web");
    List<String> expected = c.expected().stream().map(world::expand).toList();
    if (c.kind() == BadCells.Kind.INVALID) {
      assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.INVALID);
      assertThat(run.out()).contains(expected);
    } else {
      assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.OK);
      assertThat(run.out()).contains(expected);
    }
    assertNothingForbidden();
  }

  // ------------------------------------------------------------------ helpers

  /** docs/rbac.yaml's per-namespace Role okra-secret-reader in {@code ns}, bound to the ServiceAccount. */
  private static void secretReaderIn(String ns) {
    try {
      Role reader = rbacYaml().stream().filter(o -> o instanceof Role && o.getMetadata().getName().equals("okra-secret-reader"))
          .map(Role.class::cast).findFirst().orElseThrow(() -> new AssertionError("docs/rbac.yaml has no Role okra-secret-reader"));
      reader.getMetadata().setNamespace(ns);
      kube.client().rbac().roles().inNamespace(ns).resource(reader).create();
      kube.client().rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName("okra-secret-reader")
          .withNamespace(ns).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "okra-secret-reader")
          .addNewSubject().withKind("ServiceAccount").withName("okra-runner").withNamespace(saNamespace).endSubject().build()).create();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertNothingForbidden() {
    assertThat(kubeProxy.exchanges()).filteredOn(e -> e.status() == 401 || e.status() == 403)
        .extracting(e -> e.status() + " " + e.method() + " " + e.path()).as("requests the role does not allow").isEmpty();
  }

  private static Run expect(String ns, int code, String... args) {
    Run run = okra(ns, args);
    assertThat(run.code()).as(String.join(" ", args) + ":\n" + run.all()).isEqualTo(code);
    return run;
  }

  private static Run okra(String ns, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", kubeconfig.toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", moto.endpoint().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  /** "resource verb" as RBAC sees a request the proxy logged as "VERB resource". */
  private static String rbac(String operation) {
    String[] p = operation.split(" ", 2);
    String verb = switch (p[0]) {
      case "GET" -> "get";
      case "LIST" -> "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> p[0].toLowerCase();
    };
    return p[1] + " " + verb;
  }

  private static Set<String> granted(ClusterRole role) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule rule : role.getRules()) {
      for (String resource : rule.getResources()) {
        for (String verb : rule.getVerbs()) out.add(resource + " " + verb);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> rbacYaml() throws Exception {
    try (InputStream in = Files.newInputStream(DocsFiles.repoRoot().resolve("docs/rbac.yaml"))) {
      return (List<HasMetadata>) Serialization.unmarshal(in);
    }
  }
}
