package co.mumo.okra.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.AlbConfigApplier;
import co.mumo.okra.cell.AlbConfigs;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.discovery.ArgoCluster;
import co.mumo.okra.discovery.AwsEksClusters;
import co.mumo.okra.discovery.ClusterConfig;
import co.mumo.okra.discovery.EksToken;
import co.mumo.okra.discovery.Fabric8WorkloadClusters;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.kube.KubeClients;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.policy.OwnerPolicyFile;
import co.mumo.okra.redaction.Secrets;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.RuleRefusedException;
import co.mumo.okra.rule.TargetWeight;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.DiscoveryObjects;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * The attack table: what a Cell author, a template author or whoever can write a cluster Secret
 * might try in order to steer another team's traffic or reach the runner's credentials, each on the
 * real API server and moto. Every attack is refused with a message naming what and why, and changes
 * nothing on the ALB (counted by the SDK) and nothing in the cluster but the attacker's own status.
 * The analysis providers' attacks are in {@code analysis.eval.provider}; the CLI's in the runner's
 * {@code AttackCliIT}.
 */
class AttackIT {
  private static final AtomicInteger PRIORITY = new AtomicInteger(400);
  private static final AtomicInteger REFUSED = new AtomicInteger();
  private static TestKube kube;
  private static AwsFixture aws;
  private static AwsFixture.Alb alb;
  private static KubernetesClient runnerClient;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private OkraObjects objects;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
    alb = aws.createAlb(2);
    // The runner's own client: built as the runner builds it (redacting what it writes).
    runnerClient = KubeClients.create(Optional.of(kube.kubeconfig()), Optional.empty());
  }

  @AfterAll
  static void stop() {
    Reliability.report("attacks-engine", "refused", REFUSED.get());
    runnerClient.close();
    aws.close();
    kube.close();
  }

  @BeforeEach
  void setUp() {
    objects = new OkraObjects(kube.client());
  }

  // ------------------------------------------------------------------ steering another team's traffic

  @Test
  void aCellInFrontOfAnotherTeamsRuleForTheSameHostIsRefused() {
    int p = PRIORITY.addAndGet(10);
    String teamA = kube.freshNamespace("team-a");
    String teamB = kube.freshNamespace("team-b");
    cell(teamA, "web", p + 5, "shop.example.com");
    assertThat(pass(teamA, "web", OwnerPolicy.defaults()).phase()).isEqualTo(Phase.Succeeded);
    Map<String, Integer> teamATraffic = aws.weightsOf(alb.listenerArn(), p + 5);

    cell(teamB, "web", p, "shop.example.com");
    refusedWithNoAwsWrite(teamB, OwnerPolicy.defaults(), "spec.ingress.awsApplicationLoadBalancer.listener.rule",
        "would take traffic from the rule at priority " + (p + 5), "owned by Cell " + teamA + "/web", "host shop.example.com");
    assertThat(aws.ruleAt(alb.listenerArn(), p)).as("no rule in front").isEmpty();
    assertThat(aws.weightsOf(alb.listenerArn(), p + 5)).isEqualTo(teamATraffic);
  }

  @Test
  void aWildcardHostInFrontOfAnotherTeamsHostIsRefused() {
    int p = PRIORITY.addAndGet(10);
    String teamA = kube.freshNamespace("team-a");
    String teamB = kube.freshNamespace("team-b");
    cell(teamA, "api", p + 5, "api.example.com");
    pass(teamA, "api", OwnerPolicy.defaults());
    cell(teamB, "web", p, "*.example.com");
    refusedWithNoAwsWrite(teamB, OwnerPolicy.defaults(), "listener.rule", "owned by Cell " + teamA + "/api");
  }

  @Test
  void theAdoptAnnotationDoesNotTakeATerraformRuleWithoutTheOwnersConsent() {
    int p = PRIORITY.addAndGet(10);
    String ns = kube.freshNamespace("tenant");
    String ruleArn = aws.createRule(alb.listenerArn(), p, "legacy.example.com", Map.of(alb.targetGroupArns().get(0), 100), Optional.empty());
    cell(ns, "web", p, "legacy.example.com", "okra.mumo.co/adopt-rule: \"true\"");

    refusedWithNoAwsWrite(ns, OwnerPolicy.defaults(), "metadata.annotations[okra.mumo.co/adopt-rule]", "does not allow adopting rules");
    assertThat(aws.tagsOf(ruleArn)).as("still untagged").doesNotContainKey("okra.mumo.co/cell");
  }

  @Test
  void aNamespaceThePolicyDoesNotNameGetsNoRuleAndNoAwsCall() {
    int p = PRIORITY.addAndGet(10);
    String ns = kube.freshNamespace("intruder");
    cell(ns, "web", p, "shop.example.com");
    OwnerPolicy policy = policy("""
        listeners:
        - arn: "%s"
          namespaces: [team-a]
        """.formatted(alb.listenerArn()));

    aws.calls().reset();
    PassResult r = pass(ns, "web", policy);
    assertThat(r.phase()).isEqualTo(Phase.Invalid);
    assertThat(r.status().message).contains("spec.ingress.awsApplicationLoadBalancer.listenerARN", "gives namespace " + ns + " no rules");
    assertThat(aws.calls().snapshot()).as("not even a read").isEmpty();
    REFUSED.incrementAndGet();
  }

  @Test
  void aPriorityOutsideTheNamespacesRangeIsRefusedWithNoAwsCall() {
    String ns = kube.freshNamespace("team-b");
    cell(ns, "web", 1, "shop.example.com");
    OwnerPolicy policy = policy("""
        listeners:
        - arn: "%s"
          namespaces: ["team-b*"]
          priorities: ["2000-2999"]
        """.formatted(alb.listenerArn()));

    aws.calls().reset();
    PassResult r = pass(ns, "web", policy);
    assertThat(r.status().message).contains("listener.rule.priority", "priority 1 is outside", "2000-2999");
    assertThat(aws.calls().snapshot()).isEmpty();
    REFUSED.incrementAndGet();
  }

  @Test
  void aHeaderRoutePriorityOutsideTheNamespacesRangeIsRefusedWithNoAwsCall() {
    String ns = kube.freshNamespace("team-b");
    cellWithRoute(ns, 2500, "shop.example.com", 1);
    OwnerPolicy policy = policy("""
        listeners:
        - arn: "%s"
          namespaces: ["team-b*"]
          priorities: ["2000-2999"]
        """.formatted(alb.listenerArn()));

    aws.calls().reset();
    PassResult r = pass(ns, "web", policy);
    assertThat(r.phase()).isEqualTo(Phase.Invalid);
    assertThat(r.status().message).contains("spec.ingress.awsApplicationLoadBalancer.managedRoutes[0].priority", "header route tester",
        "priority 1 is outside", "2000-2999");
    assertThat(aws.calls().snapshot()).as("not even a read").isEmpty();
    REFUSED.incrementAndGet();
  }

  @Test
  void aHeaderRouteInFrontOfAnotherTeamsRuleIsRefused() {
    int p = PRIORITY.addAndGet(10);
    String teamA = kube.freshNamespace("team-a");
    String teamB = kube.freshNamespace("team-b");
    cell(teamA, "web", p + 5, "shop.example.com");
    pass(teamA, "web", OwnerPolicy.defaults());
    Map<String, Integer> teamATraffic = aws.weightsOf(alb.listenerArn(), p + 5);
    // Team B's own rule sits behind team A's, as the shadow check wants; its header route would sit in front.
    cellWithRoute(teamB, p + 8, "*.example.com", p);
    assertThat(pass(teamB, "web", OwnerPolicy.defaults()).phase()).isEqualTo(Phase.Succeeded);
    objects.targetGroup(teamB, "web-2", alb.targetGroupArns().get(1), "2.0.0");

    refusedWithNoAwsWrite(teamB, OwnerPolicy.defaults(), "header route tester", "owned by Cell " + teamA + "/web");
    assertThat(aws.ruleAt(alb.listenerArn(), p)).as("no header rule in front").isEmpty();
    assertThat(aws.weightsOf(alb.listenerArn(), p + 5)).isEqualTo(teamATraffic);
  }

  @Test
  void albApplyTakesOverNoUntaggedRule() {
    int p = PRIORITY.addAndGet(10);
    String ns = kube.freshNamespace("alb");
    aws.createRule(alb.listenerArn(), p, "legacy.example.com", Map.of(alb.targetGroupArns().get(0), 100), Optional.empty());
    AWSApplicationLoadBalancerConfig config = albConfig(ns, "grab", p, "legacy.example.com");

    aws.calls().reset();
    assertThatThrownBy(() -> applier().apply(config, OwnerPolicy.defaults())).isInstanceOf(RuleRefusedException.class)
        .hasMessageContaining("AWSApplicationLoadBalancerConfig " + ns + "/grab").hasMessageContaining("a rule Okra did not create");
    assertThat(aws.calls().writes()).as(aws.calls().snapshot().toString()).isZero();
    REFUSED.incrementAndGet();
  }

  @Test
  void albApplyPutsNoRuleInFrontOfAnotherCell() {
    int p = PRIORITY.addAndGet(10);
    String teamA = kube.freshNamespace("team-a");
    cell(teamA, "web", p + 5, "pay.example.com");
    pass(teamA, "web", OwnerPolicy.defaults());
    String teamB = kube.freshNamespace("team-b");
    AWSApplicationLoadBalancerConfig config = albConfig(teamB, "sneak", p, "pay.example.com");

    aws.calls().reset();
    assertThatThrownBy(() -> applier().apply(config, OwnerPolicy.defaults())).isInstanceOf(RuleRefusedException.class)
        .hasMessageContaining("owned by Cell " + teamA + "/web");
    assertThat(aws.calls().writes()).isZero();
    assertThat(aws.ruleAt(alb.listenerArn(), p)).isEmpty();
    REFUSED.incrementAndGet();
  }

  // ------------------------------------------------------------------ the runner's credentials

  @Test
  void aClusterSecretCannotCollectAnEksToken() throws Exception {
    EksClient eks = aws.against(EksClient.builder()).build();
    DiscoveryObjects.eksCluster(eks, "prod-1", Map.of());
    AtomicInteger tokensMade = new AtomicInteger();
    try (ServerSocket collector = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicInteger connections = listen(collector);
      Fabric8WorkloadClusters workloads = new Fabric8WorkloadClusters((cluster, role) -> {
        tokensMade.incrementAndGet();
        return new EksToken("k8s-aws-v1.secret", Instant.MAX);
      }, new Fabric8WorkloadClusters.Trust(new AwsEksClusters(eks), false));
      ArgoCluster stolen = new ArgoCluster("argocd", "prod-1", "prod-1", "https://127.0.0.1:" + collector.getLocalPort(),
          ClusterConfig.parse("{\"awsAuthConfig\":{\"clusterName\":\"prod-1\"},\"tlsClientConfig\":{\"insecure\":true}}", "Secret argocd/prod-1"),
          Map.of());

      assertThatThrownBy(() -> workloads.bindings(stolen, List.of())).hasMessageContaining("no token is sent")
          .hasMessageContaining("https://127.0.0.1:" + collector.getLocalPort());
      assertThat(tokensMade).hasValue(0);
      assertThat(connections).hasValue(0);
    } finally {
      eks.close();
    }
    REFUSED.incrementAndGet();
  }

  @Test
  void aClusterSecretRunsNoCommandWithoutTheOwnersOptIn(@TempDir Path dir) {
    Path marker = dir.resolve("pwned");
    Fabric8WorkloadClusters workloads = new Fabric8WorkloadClusters((c, r) -> {
      throw new AssertionError("no token");
    }, new Fabric8WorkloadClusters.Trust(new AwsEksClusters(aws.against(EksClient.builder()).build()), false));
    ArgoCluster exec = new ArgoCluster("argocd", "x", "x", "https://127.0.0.1:1", ClusterConfig.parse(
        "{\"execProviderConfig\":{\"command\":\"sh\",\"args\":[\"-c\",\"touch " + marker + "\"],"
            + "\"apiVersion\":\"client.authentication.k8s.io/v1beta1\"}}", "Secret argocd/x"), Map.of());

    assertThatThrownBy(() -> workloads.bindings(exec, List.of())).hasMessageContaining("execProviderConfig would run the command sh");
    assertThat(marker).doesNotExist();
    REFUSED.incrementAndGet();
  }

  @Test
  void aSecretValueInAMessageIsMaskedInEverythingTheRunnerWritesToKubernetes() {
    String ns = kube.freshNamespace("redact");
    Cell cell = cell(ns, "web", PRIORITY.addAndGet(10), "shop.example.com");
    String value = "dd-api-key-" + System.nanoTime();
    Secrets.register(value);
    cell.setStatus(new co.mumo.okra.api.CellStatus());
    cell.getStatus().message = "metric errors-" + value + " failed: 401 for key " + value;

    new Fabric8ClusterStore(runnerClient).updateCellStatus(cell);

    String stored = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get().getStatus().message;
    assertThat(stored).doesNotContain(value).isEqualTo("metric errors-***** failed: 401 for key *****");
    REFUSED.incrementAndGet();
  }

  // ------------------------------------------------------------------ helpers

  private void refusedWithNoAwsWrite(String ns, OwnerPolicy policy, String... expected) {
    aws.calls().reset();
    PassResult r = pass(ns, "web", policy);
    assertThat(r.phase()).as(r.status().message).isEqualTo(Phase.Invalid);
    assertThat(r.status().message).contains(expected);
    assertThat(aws.calls().writes()).as(aws.calls().snapshot().toString()).isZero();
    Cell stored = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    assertThat(stored.getStatus().message).contains(expected);
    REFUSED.incrementAndGet();
  }

  private PassResult pass(String ns, String name, OwnerPolicy policy) {
    return new CellReconciler(new Fabric8ClusterStore(runnerClient), new Elbv2LoadBalancer(aws.elbv2()), new ArgoAnalyses(runnerClient),
        clock, policy).reconcile(ns, name, new Options(false));
  }

  private AlbConfigApplier applier() {
    return new AlbConfigApplier(new Elbv2LoadBalancer(aws.elbv2()), new Fabric8ClusterStore(runnerClient), clock);
  }

  private Cell cell(String ns, String name, int priority, String host, String... annotations) {
    objects.targetGroup(ns, name + "-1", alb.targetGroupArns().get(0), "1.0.0");
    return objects.cell(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: %s
          annotations: {%s}
        spec:
          ingress:
            type: AWSApplicationLoadBalancer
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule:
                  priority: %d
                  hosts: ["%s"]
              targetGroupSelector:
                matchLabels:
                  role: web
        """, name, String.join(", ", annotations), alb.listenerArn(), priority, host);
  }

  /** A Cell named web whose first step sends the requests carrying X-Okra-Preview: yes to the new version, at {@code routePriority}. */
  private Cell cellWithRoute(String ns, int priority, String host, int routePriority) {
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    return objects.webCellWithRoute(ns, alb.listenerArn(), priority, host, routePriority,
        OkraObjects.previewStep("exact: \"yes\"") + "- setWeight: 50\n");
  }

  private AWSApplicationLoadBalancerConfig albConfig(String ns, String name, int priority, String host) {
    DesiredRule rule = new DesiredRule(alb.listenerArn(), priority, new RuleConditions(List.of(host), null, null, null, null, null),
        List.of(new TargetWeight(alb.targetGroupArns().get(1), 100)), ns + "/" + name);
    AWSApplicationLoadBalancerConfig config = AlbConfigs.of(ns, name, rule, List.of("tg"));
    return kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(ns).resource(config).create();
  }

  private static OwnerPolicy policy(String body) {
    return OwnerPolicyFile.parse("apiVersion: okra.mumo.co/v1alpha1\nkind: RunnerPolicy\n" + body, "test-policy.yaml");
  }

  private static AtomicInteger listen(ServerSocket server) {
    AtomicInteger connections = new AtomicInteger();
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          connections.incrementAndGet();
        } catch (IOException closed) {
          return;
        }
      }
    }, "token-collector");
    t.setDaemon(true);
    t.start();
    return connections;
  }
}
