package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.Condition;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.policy.AnalysisPolicy;
import co.mumo.okra.policy.DiscoveryPolicy;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.policy.WavePolicy;
import co.mumo.okra.testsupport.ArgoStandIn;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Waves on the real API server and moto: web-eu (namespace *-eu) goes first, web-us (namespace *-us,
 * spec.rolloutAfter web-eu, allowed by the owner policy) starts a version only once it is web-eu's
 * stable version, and not at all when it failed there; across namespaces without the policy's word the
 * later Cell is Invalid and touches nothing; a cycle is Invalid; a pass over many Cells reads each
 * namespace's Cells once.
 */
class WavesIT {
  private static final CellReconciler.Options WRITE = new CellReconciler.Options(false);
  private static TestKube kube;
  private static AwsFixture aws;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
  }

  @AfterAll
  static void close() {
    aws.close();
    kube.close();
  }

  /** Two Cells in two namespaces on one listener, each with 1.0.0 (and 2.0.0 when asked), steps setWeight 50 then an analysis. */
  private record World(String eu, String us, AwsFixture.Alb alb, CellReconciler reconciler, OkraObjects objects) {
    void addVersion(String version, int tgIndexEu, int tgIndexUs) {
      objects.targetGroup(eu, "web-eu-" + version, alb.targetGroupArns().get(tgIndexEu), version);
      objects.targetGroup(us, "web-us-" + version, alb.targetGroupArns().get(tgIndexUs), version);
    }

    /** One pass over each Cell, the first wave first, as `reconcile --all` would order them by namespace. */
    void pass() {
      reconciler.reconcile(eu, "web", WRITE);
      reconciler.reconcile(us, "web", WRITE);
    }

    CellStatus status(String ns) {
      return kube.client().resources(Cell.class).inNamespace(ns).withName("web").get().getStatus();
    }

    Map<String, Integer> weights(String ns) {
      return aws.weightsOf(alb.listenerArn(), ns.equals(eu) ? 10 : 20);
    }

    /** Plays Argo Rollouts: every run in {@code ns} without a verdict gets {@code phase}. */
    void runsIn(String ns, String phase) {
      ArgoStandIn.judging(objects, ns, phase).judge();
    }
  }

  private static OwnerPolicy usMayWaitOnEu(String us, String eu) {
    return new OwnerPolicy("the test's policy", Optional.empty(), AnalysisPolicy.DEFAULT, DiscoveryPolicy.DEFAULT,
        new WavePolicy(List.of(new WavePolicy.Grant(List.of(us), List.of(eu)))));
  }

  private static World world(boolean policyAllows) {
    String eu = kube.freshNamespace("wave-eu");
    String us = kube.freshNamespace("wave-us");
    AwsFixture.Alb alb = aws.createAlb(6);
    OkraObjects objects = new OkraObjects(kube.client());
    for (String ns : List.of(eu, us)) objects.analysisTemplate(ns, "success-rate");
    objects.cell(eu, cellYaml(alb.listenerArn(), 10, "eu.example.com", ""));
    objects.cell(us, cellYaml(alb.listenerArn(), 20, "us.example.com", "  rolloutAfter:\n  - name: web\n    namespace: " + eu + "\n"));
    OwnerPolicy policy = policyAllows ? usMayWaitOnEu(us, eu) : OwnerPolicy.defaults();
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(kube.client()), Clock.systemUTC(), policy);
    World w = new World(eu, us, alb, reconciler, objects);
    w.addVersion("1.0.0", 0, 1);
    return w;
  }

  private static String cellYaml(String listenerArn, int priority, String host, String rolloutAfter) {
    return """
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: web
        spec:
        %s  ingress:
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule: {priority: %d, hosts: [%s]}
              targetGroupSelector:
                matchLabels: {role: web}
          updateStrategy:
            canary:
              steps:
              - setWeight: 50
              - analysis: {templates: [{templateName: success-rate}]}
        """.formatted(rolloutAfter, listenerArn, priority, host);
  }

  private static Condition waveReady(CellStatus s) {
    return s.conditions.stream().filter(c -> c.type.equals(Reasons.WAVE_READY)).findFirst().orElseThrow();
  }

  @Test
  void theSecondWaveStartsAVersionOnlyOnceTheFirstHasItAsItsStableVersion() {
    World w = world(true);
    w.pass();
    assertThat(w.status(w.eu()).phase).isEqualTo("Succeeded");
    assertThat(w.status(w.us()).phase).as("1.0.0 is web-eu's stable version: web-us may have it").isEqualTo("Succeeded");
    assertThat(w.weights(w.us())).isEqualTo(Map.of(w.alb().targetGroupArns().get(1), 100));

    w.addVersion("2.0.0", 2, 3);
    List<String> usPhasesWhileEuRolls = new ArrayList<>();
    int heldBack = 0;
    for (int i = 0; i < 10 && !"Succeeded".equals(w.status(w.eu()).phase) || i == 0; i++) {
      w.pass();
      CellStatus us = w.status(w.us());
      usPhasesWhileEuRolls.add(us.phase + " " + us.desiredVersion);
      if ("Progressing".equals(w.status(w.eu()).phase)) {
        assertThat(us.phase).isEqualTo("Succeeded");
        assertThat(us.message).contains("waiting to start 2.0.0 until it is the stable version of the earlier wave " + w.eu() + "/web");
        assertThat(waveReady(us).status).isEqualTo("False");
        assertThat(waveReady(us).reason).isEqualTo(Reasons.WAITING_FOR_EARLIER_WAVE);
        assertThat(w.weights(w.us())).as("web-us keeps 1.0.0 while web-eu rolls 2.0.0").isEqualTo(Map.of(w.alb().targetGroupArns().get(1), 100));
        heldBack++;
      }
      w.runsIn(w.eu(), "Successful");
    }
    assertThat(w.status(w.eu()).stableVersion).isEqualTo("2.0.0");
    assertThat(heldBack).as("passes in which web-us was held back while web-eu rolled out").isPositive();
    assertThat(usPhasesWhileEuRolls).allMatch(p -> p.equals("Succeeded 1.0.0") || p.startsWith("Progressing 2.0.0"));

    for (int i = 0; i < 10 && !"2.0.0".equals(w.status(w.us()).stableVersion); i++) {
      w.pass();
      w.runsIn(w.us(), "Successful");
    }
    CellStatus us = w.status(w.us());
    assertThat(us.stableVersion).isEqualTo("2.0.0");
    assertThat(us.phase).isEqualTo("Succeeded");
    assertThat(waveReady(us).status).isEqualTo("True");
    assertThat(w.weights(w.us())).isEqualTo(Map.of(w.alb().targetGroupArns().get(3), 100));
  }

  @Test
  void aFailureInTheFirstWaveStopsTheSecondFromStartingThatVersion() {
    World w = world(true);
    w.pass();
    w.addVersion("2.0.0", 2, 3);
    for (int i = 0; i < 10 && !"Failed".equals(w.status(w.eu()).phase); i++) {
      w.pass();
      w.runsIn(w.eu(), "Failed");
    }
    assertThat(w.status(w.eu()).phase).isEqualTo("Failed");
    w.pass();
    w.pass();

    CellStatus us = w.status(w.us());
    assertThat(us.phase).as("phase stays what it is").isEqualTo("Succeeded");
    assertThat(us.stableVersion).isEqualTo("1.0.0");
    assertThat(us.message).startsWith("2.0.0 failed in the earlier wave " + w.eu() + "/web (AnalysisRun");
    assertThat(waveReady(us).reason).isEqualTo(Reasons.EARLIER_WAVE_FAILED);
    assertThat(w.weights(w.us())).isEqualTo(Map.of(w.alb().targetGroupArns().get(1), 100));
    assertThat(w.objects().analysisRuns(w.us())).as("no run of 2.0.0 started in the second wave").isEmpty();

    // A newer version goes through both waves again.
    w.addVersion("3.0.0", 4, 5);
    for (int i = 0; i < 20 && !"3.0.0".equals(w.status(w.us()).stableVersion); i++) {
      w.pass();
      w.runsIn(w.eu(), "Successful");
      w.runsIn(w.us(), "Successful");
    }
    assertThat(w.status(w.eu()).stableVersion).isEqualTo("3.0.0");
    assertThat(w.status(w.us()).stableVersion).isEqualTo("3.0.0");
  }

  @Test
  void acrossNamespacesWithoutThePolicysWordTheCellIsInvalidAndTouchesNothing() {
    World w = world(false);
    w.pass();
    CellStatus us = w.status(w.us());
    assertThat(us.phase).isEqualTo("Invalid");
    assertThat(us.message).contains("spec.rolloutAfter[0].namespace", "does not let Cells in namespace " + w.us() + " wait for Cells in namespace " + w.eu())
        .doesNotContain("1.0.0");
    assertThat(aws.ruleAt(w.alb().listenerArn(), 20)).as("no rule for the refused Cell").isEmpty();
  }

  @Test
  void aCycleIsInvalidOnEveryCellInIt() {
    String ns = kube.freshNamespace("wave-cycle");
    AwsFixture.Alb alb = aws.createAlb(1);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.analysisTemplate(ns, "success-rate");
    objects.cell(ns, cellYaml(alb.listenerArn(), 10, "a.example.com", "  rolloutAfter: [{name: b}]\n").replace("name: web", "name: a"));
    objects.cell(ns, cellYaml(alb.listenerArn(), 11, "b.example.com", "  rolloutAfter: [{name: a}]\n").replace("name: web", "name: b"));
    objects.targetGroup(ns, "tg", alb.targetGroupArns().get(0), "1.0.0");
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(kube.client()), Clock.systemUTC());
    List<CellReconciler.PassResult> results = reconciler.reconcileAll(ns, WRITE);
    assertThat(results).allSatisfy(r -> {
      assertThat(r.phase()).isEqualTo(Phase.Invalid);
      assertThat(r.status().message).contains("spec.rolloutAfter[0]", "waits in a cycle");
    });
    assertThat(results.get(0).status().message).contains(ns + "/a -> " + ns + "/b -> " + ns + "/a");
    assertThat(aws.ruleAt(alb.listenerArn(), 10)).isEmpty();
  }

  @Test
  void aPassOverManyCellsReadsTheCellsOfEachNamespaceOnce() throws Exception {
    World w = world(true);
    for (int i = 2; i <= 4; i++) {
      w.objects().cell(w.us(), cellYaml(w.alb().listenerArn(), 20 + i, "us" + i + ".example.com",
          "  rolloutAfter:\n  - name: web\n    namespace: " + w.eu() + "\n").replace("name: web\n  ingress", "name: web" + i + "\n  ingress")
          .replace("metadata:\n  name: web\n", "metadata:\n  name: web-" + i + "\n"));
    }
    w.pass();
    Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
    try (KubernetesClient counted = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            String path = request.uri().getPath();
            if (request.method().equals("GET") && path.endsWith("/cells")) lists.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
          }
        })).build()) {
      CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(counted), new Elbv2LoadBalancer(aws.elbv2()),
          new ArgoAnalyses(counted), Clock.systemUTC(), usMayWaitOnEu(w.us(), w.eu()));
      List<CellReconciler.PassResult> results = reconciler.reconcileAll(w.us(), WRITE);
      assertThat(results).hasSize(4).allSatisfy(r -> assertThat(r.phase()).isEqualTo(Phase.Succeeded));
    }
    assertThat(lists).as("one list of Cells per namespace: the Cells to reconcile, and the earlier wave's")
        .containsOnlyKeys("/apis/okra.mumo.co/v1alpha1/namespaces/" + w.us() + "/cells", "/apis/okra.mumo.co/v1alpha1/namespaces/" + w.eu() + "/cells")
        .allSatisfy((k, v) -> assertThat(v.get()).as(k).isEqualTo(1));
  }
}
