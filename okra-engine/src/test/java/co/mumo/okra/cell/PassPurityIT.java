package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.analysis.OkraAnalyses;
import co.mumo.okra.analysis.eval.provider.JobProvider;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.kube.KubeClients;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pass writes only what it decides, on the real API server and moto: passes that wait write
 * nothing; a dry run at every stage, with either evaluator, changes no resourceVersion, sends no AWS
 * write and runs no job; racing runners take each measurement once. The runner's requests go through
 * a recording proxy, so "nothing" is counted on the wire.
 */
class PassPurityIT {
  private static final int PRIORITY = 70;
  private static TestKube kube;
  private static AwsFixture aws;
  private static FaultProxy kubeProxy;
  private static KubernetesClient recorded;

  @TempDir
  Path dir;
  private String ns;
  private OkraObjects objects;
  private AwsFixture.Alb alb;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
    kubeProxy = FaultProxy.kube(kube.client().getConfiguration());
    recorded = KubeClients.create(Optional.of(kubeProxy.kubeconfig(Optional.empty())), Optional.empty());
  }

  @AfterAll
  static void stop() {
    recorded.close();
    kubeProxy.close();
    aws.close();
    kube.close();
  }

  @BeforeEach
  void setUp() {
    ns = kube.freshNamespace("purity");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(2);
  }

  @Test
  void passesWhileAPauseOrAMeasurementIsAwaitedWriteNothing() throws IOException {
    Path jobLog = dir.resolve("job.log");
    jobTemplate("smoke", "1m", 3, jobLog);
    okraCell("- setWeight: 20\n- pause: {duration: 10m}\n- analysis: {templates: [{templateName: smoke}]}\n- setWeight: 60\n");
    CellReconciler runner = reconciler(okra(recorded));
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    pass(runner);
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    pass(runner); // 20%
    assertThat(pass(runner).status().message).contains("waiting until");

    int waiting = waitWithoutWrites(runner, 20, Duration.ofSeconds(25)); // 8 minutes of a 10-minute pause
    clock.advance(Duration.ofMinutes(3));
    pass(runner); // the pause is over: the analysis starts
    pass(runner); // its first measurement
    assertThat(Files.readAllLines(jobLog)).hasSize(1);
    waiting += waitWithoutWrites(runner, 5, Duration.ofSeconds(10)); // the next measurement is a minute away
    assertThat(Files.readAllLines(jobLog)).hasSize(1);
    Reliability.report("pass-purity", "waitingPasses", waiting, "kubernetesWrites", 0, "awsWrites", 0);
  }

  /** {@code passes} passes, the clock moving {@code step} between them: no write of any kind, same phase and step. */
  private int waitWithoutWrites(CellReconciler runner, int passes, Duration step) {
    Cell before = cell();
    kubeProxy.resetLog();
    aws.calls().reset();
    for (int i = 0; i < passes; i++) {
      clock.advance(step);
      PassResult r = pass(runner);
      assertThat(r.outcome()).as(r.status().message).isEqualTo(CellReconciler.Outcome.UNCHANGED);
    }
    assertThat(kubeProxy.exchanges()).filteredOn(e -> !FaultProxy.isRead(e.operation())).extracting(FaultProxy.Exchange::operation)
        .as("Kubernetes writes while waiting").isEmpty();
    assertThat(aws.calls().writes()).as("AWS writes while waiting").isZero();
    assertThat(cell().getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    return passes;
  }

  @ParameterizedTest(name = "evaluator {0}")
  @ValueSource(strings = {"argo", "okra"})
  void aDryRunAtEveryStageChangesNothing(String evaluator) throws IOException {
    Path jobLog = dir.resolve("job.log");
    jobTemplate("smoke", "1m", 2, jobLog);
    objects.cell(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: web
          annotations: {okra.mumo.co/analysis-evaluator: %s}
        spec:
          ingress:
            type: AWSApplicationLoadBalancer
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule: {priority: %d, hosts: [example.com]}
              targetGroupSelector:
                matchLabels: {role: web}
          updateStrategy:
            type: Canary
            canary:
              steps:
              - setWeight: 20
              - analysis: {templates: [{templateName: smoke}]}
              - setWeight: 60
        """, evaluator, alb.listenerArn(), PRIORITY);
    CellReconciler runner = reconciler(evaluator.equals("okra") ? okra(recorded) : new ArgoAnalyses(recorded));
    int dryRuns = 0;

    dryRuns += dryRunChangesNothing(runner, jobLog); // no target group yet
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    dryRuns += dryRunChangesNothing(runner, jobLog); // would create the rule for 1.0.0
    pass(runner);
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    dryRuns += dryRunChangesNothing(runner, jobLog); // would start the rollout: 20%
    pass(runner);
    clock.advance(Duration.ofSeconds(5));
    dryRuns += dryRunChangesNothing(runner, jobLog); // would start the AnalysisRun
    pass(runner);
    clock.advance(Duration.ofSeconds(5));
    dryRuns += dryRunChangesNothing(runner, jobLog); // okra: would measure; argo: waits for Argo
    if (evaluator.equals("okra")) {
      pass(runner);
      assertThat(Files.readAllLines(jobLog)).hasSize(1);
      clock.advance(Duration.ofMinutes(1));
      dryRuns += dryRunChangesNothing(runner, jobLog); // the second measurement is due
    } else {
      objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, objects.analysisRuns(ns).get(0).getMetadata().getName(), "Failed");
    }
    dryRuns += dryRunChangesNothing(runner, jobLog); // okra: would measure again; argo: would roll back and block
    PassResult end = pass(runner);
    if (evaluator.equals("okra")) {
      assertThat(Files.readAllLines(jobLog)).hasSize(2);
      assertThat(end.phase()).isEqualTo(Phase.Progressing);
      assertThat(end.status().currentStepIndex).as("past the analysis").isEqualTo(2);
    } else {
      assertThat(end.phase()).isEqualTo(Phase.Failed);
    }
    Reliability.report("pass-purity-dry-run", "evaluator", evaluator, "dryRuns", dryRuns, "writes", 0);
  }

  private int dryRunChangesNothing(CellReconciler runner, Path jobLog) throws IOException {
    Map<String, String> before = resourceVersions();
    long jobsBefore = Files.exists(jobLog) ? Files.readAllLines(jobLog).size() : 0;
    kubeProxy.resetLog();
    aws.calls().reset();
    PassResult r = runner.reconcile(ns, "web", new Options(true));
    assertThat(r.outcome()).isIn(CellReconciler.Outcome.DRY_RUN, CellReconciler.Outcome.INVALID);
    assertThat(r.done()).allSatisfy(line -> assertThat(line).startsWith("would ").doesNotContain("TargetWeight[", "Version["));
    assertThat(kubeProxy.exchanges()).filteredOn(e -> !FaultProxy.isRead(e.operation())).as("Kubernetes writes of a dry run").isEmpty();
    assertThat(aws.calls().writes()).as("AWS writes of a dry run").isZero();
    assertThat(resourceVersions()).isEqualTo(before);
    assertThat(Files.exists(jobLog) ? Files.readAllLines(jobLog).size() : 0).as("jobs a dry run ran").isEqualTo(jobsBefore);
    return 1;
  }

  @Test
  void racingRunnersTakeEachMeasurementOnce() throws Exception {
    Path jobLog = dir.resolve("job.log");
    jobTemplate("smoke", "1s", 3, jobLog);
    okraCell("- setWeight: 20\n- analysis: {templates: [{templateName: smoke}]}\n- setWeight: 60\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    reconciler(okra(kube.client(), Clock.systemUTC()), Clock.systemUTC(), kube.client()).reconcile(ns, "web", new Options(false));
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");

    int runners = 8;
    ExecutorService pool = Executors.newFixedThreadPool(runners);
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    List<Future<Integer>> passes = new ArrayList<>();
    for (int i = 0; i < runners; i++) {
      // Each runner its own adapters, as separate CI jobs have.
      CellReconciler runner = reconciler(okra(kube.client(), Clock.systemUTC()), Clock.systemUTC(), kube.client());
      passes.add(pool.submit(() -> {
        int n = 0;
        while (Instant.now().isBefore(deadline)) {
          PassResult r = runner.reconcile(ns, "web", new Options(false));
          n++;
          if (r.phase() == Phase.Succeeded || r.phase() == Phase.Failed) return n;
        }
        return n;
      }));
    }
    int total = 0;
    for (Future<Integer> f : passes) total += f.get(3, TimeUnit.MINUTES);
    pool.shutdownNow();

    assertThat(cell().getStatus().phase).isEqualTo("Succeeded");
    assertThat(Files.readAllLines(jobLog)).as("the job ran once per measurement").hasSize(3);
    Reliability.report("pass-purity-race", "runners", runners, "passes", total, "measurements", 3, "jobRuns", Files.readAllLines(jobLog).size());
  }

  // ------------------------------------------------------------------ helpers

  private void jobTemplate(String name, String interval, int count, Path log) {
    GenericKubernetesResource t = new GenericKubernetesResource();
    t.setApiVersion("argoproj.io/v1alpha1");
    t.setKind("AnalysisTemplate");
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    // Each run of the command leaves a line; the value is the line count, which stays a success while there is a line.
    t.setAdditionalProperty("spec", Map.of("metrics", List.of(Map.of("name", name, "interval", interval, "count", count,
        "successCondition", "result != ''",
        "provider", Map.of("job", Map.of("command", List.of("sh", "-c", "echo ran >> " + log + "; cat " + log + " | head -c 3")))))));
    kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_TEMPLATE).inNamespace(ns).resource(t).create();
  }

  private void okraCell(String steps) {
    Cell c = objects.webCell(ns, alb.listenerArn(), PRIORITY, steps);
    c.getMetadata().setAnnotations(Map.of(OkraAnalyses.EVALUATOR_ANNOTATION, "okra"));
    kube.client().resources(Cell.class).inNamespace(ns).resource(c).update();
  }

  private OkraAnalyses okra(KubernetesClient client) {
    return okra(client, clock);
  }

  private OkraAnalyses okra(KubernetesClient client, Clock c) {
    return new OkraAnalyses(client, new Providers(List.of(new JobProvider())), c, Evaluator.OKRA);
  }

  /** A runner whose Kubernetes requests go through the recording proxy. */
  private CellReconciler reconciler(Analyses analyses) {
    return reconciler(analyses, clock, recorded);
  }

  private CellReconciler reconciler(Analyses analyses, Clock c, KubernetesClient client) {
    return new CellReconciler(new Fabric8ClusterStore(client), new Elbv2LoadBalancer(aws.elbv2()), analyses, c);
  }

  private PassResult pass(CellReconciler runner) {
    return runner.reconcile(ns, "web", new Options(false));
  }

  private Cell cell() {
    return kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
  }

  /** Kind/name to resourceVersion of everything a pass could write in the namespace. */
  private Map<String, String> resourceVersions() {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(kube.client().resources(Cell.class).inNamespace(ns).list().getItems());
    all.addAll(kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(ns).list().getItems());
    all.addAll(kube.client().resources(VersionBlocklist.class).inNamespace(ns).list().getItems());
    all.addAll(kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).list().getItems());
    all.addAll(kube.client().genericKubernetesResources(OkraObjects.EXPERIMENT).inNamespace(ns).list().getItems());
    Map<String, String> out = new TreeMap<>();
    for (HasMetadata m : all) out.put(m.getKind() + "/" + m.getMetadata().getName(), m.getMetadata().getResourceVersion());
    return out;
  }
}
