package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.CellEvent;
import co.mumo.okra.testsupport.ArgoStandIn;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Pollers;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Eight runner processes (the shaded jar) on one Cell at once, each running `reconcile --wait`
 * (a pass about every second), through a whole rollout and then through a failed one. The test
 * plays Argo Rollouts and watches the ALB two ways: every CreateRule/ModifyRule as moto received it
 * (a proxy in front of moto lets the rule writes through one at a time and logs them, so the log's
 * order is the order moto applied them), and moto's rule polled every 20ms. The Kubernetes traffic
 * goes through a recording proxy too, which counts passes, status writes and lost races (409).
 */
class RunnerRaceIT {
  private static final int RUNNERS = 8;
  private static final int PRIORITY = 25;
  /** Each weight is held for 2s, so polling every 20ms sees every one of them. */
  private static final String STEPS = """
      - setWeight: 10
      - pause: {duration: 2s}
      - setWeight: 30
      - pause: {duration: 2s}
      - analysis:
          templates:
          - templateName: success-rate
          args:
          - name: version
            valueFrom:
              fieldRef:
                fieldPath: status.desiredVersion
      - setWeight: 60
      - pause: {duration: 2s}
      - setWeight: 90
      - pause: {duration: 2s}
      """;
  private static final Set<String> RULE_WRITES = Set.of("CreateRule", "ModifyRule");

  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;

  private final Pollers pollers = new Pollers();
  private FaultProxy awsProxy;
  private FaultProxy kubeProxy;
  private OkraObjects objects;
  private String ns;
  private AwsFixture.Alb alb;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
  }

  @AfterAll
  static void close() {
    aws.close();
    kube.close();
  }

  @AfterEach
  void stopHelpers() throws InterruptedException {
    pollers.stopAll();
  }

  @AfterEach
  void closeProxies() {
    if (awsProxy != null) awsProxy.close();
    if (kubeProxy != null) kubeProxy.close();
  }

  @Test
  void eightRunnerProcessesApplyEveryStepOnceInOrderThenRollBackOnce() throws InterruptedException {
    ns = kube.freshNamespace("runner-race");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(3);
    String tg1 = alb.targetGroupArns().get(0);
    String tg2 = alb.targetGroupArns().get(1);
    String tg3 = alb.targetGroupArns().get(2);
    awsProxy = FaultProxy.aws(moto.endpoint()).serialize(op -> RULE_WRITES.contains(op) || op.equals("AddTags"));
    kubeProxy = FaultProxy.kube(kube.client().getConfiguration());
    Path kubeconfig = kubeProxy.kubeconfig(Optional.empty());
    objects.analysisTemplate(ns, "success-rate", "version");
    objects.webCell(ns, alb.listenerArn(), PRIORITY, STEPS);
    objects.targetGroup(ns, "web-1", tg1, "1.0.0");
    RunnerProcess first = RunnerProcess.start(kubeconfig, awsProxy.endpoint(), "reconcile", "--cell", "web", "-n", ns);
    assertThat(first.waitFor(60)).as(first.output()).isEqualTo(ExitCodes.OK);
    assertThat(aws.weightsOf(alb.listenerArn(), PRIORITY)).isEqualTo(Map.of(tg1, 100));

    // 2.0.0 passes its analysis.
    Round success = round(kubeconfig, "2.0.0", "web-2", tg2, "Successful", ExitCodes.OK);
    List<Map<String, Integer>> plan = List.of(Map.of(tg1, 90, tg2, 10), Map.of(tg1, 70, tg2, 30), Map.of(tg1, 40, tg2, 60),
        Map.of(tg1, 10, tg2, 90), Map.of(tg2, 100));
    assertRound(success, Map.of(tg1, 100), plan, 1);
    Cell cell = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    assertThat(cell.getStatus().phase).isEqualTo("Succeeded");
    assertThat(cell.getStatus().stableVersion).isEqualTo("2.0.0");

    // 3.0.0 fails its analysis: straight back to 2.0.0, once, and blocked once.
    Round failure = round(kubeconfig, "3.0.0", "web-3", tg3, "Failed", ExitCodes.ROLLOUT_FAILED);
    assertRound(failure, Map.of(tg2, 100), List.of(Map.of(tg2, 90, tg3, 10), Map.of(tg2, 70, tg3, 30), Map.of(tg2, 100)), 2);
    cell = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    assertThat(cell.getStatus().phase).isEqualTo("Failed");
    assertThat(cell.getStatus().stableVersion).isEqualTo("2.0.0");
    VersionBlocklist blocklist = kube.client().resources(VersionBlocklist.class).inNamespace(ns).withName("web").get();
    assertThat(blocklist.getSpec().items).extracting(i -> i.version).containsExactly("3.0.0");
    assertThat(failure.kube.stream().filter(e -> e.operation().startsWith("POST versionblocklists") && e.succeeded()))
        .as("blocklist creations").hasSize(1);
    assertThat(failure.kube.stream().filter(e -> e.operation().equals("PUT versionblocklists") && e.succeeded()))
        .as("blocklist updates").isEmpty();

    // Eight JVMs at once on two cores: slow starts, threads racing SLF4J's binding; none may print its notices.
    assertThat(success.outputs()).noneMatch(o -> o.contains("SLF4J"));
    assertThat(failure.outputs()).noneMatch(o -> o.contains("SLF4J"));

    // Events: every transition told once by the runner whose status write recorded it, however many raced.
    // The same thing told again counts up its Event: 2.0.0's 100% was set (and seen on the ALB) when it was
    // promoted and again when 3.0.0 was rolled back to it. Drift (a runner that stalled between its status and its rule write)
    // is reported and repaired, and left out here (CellRaceIT says more).
    List<Event> events = kube.client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "web".equals(e.getInvolvedObject().getName()) && !e.getReason().equals(CellEvent.TRAFFIC_DRIFT)).toList();
    assertThat(events).allSatisfy(e -> assertThat(e.getCount()).as(e.getReason() + ": " + e.getMessage())
        .isEqualTo(e.getMessage().endsWith(" 2.0.0 100% (web-2 100)") ? 2 : 1));
    Map<String, Long> byReason = events.stream().collect(Collectors.groupingBy(Event::getReason, Collectors.counting()));
    assertThat(byReason).containsEntry(CellEvent.FIRST_VERSION, 1L).containsEntry(CellEvent.ROLLOUT_STARTED, 2L)
        .containsEntry(CellEvent.COMPLETED, 1L).containsEntry(CellEvent.ROLLED_BACK, 1L).containsEntry(CellEvent.ANALYSIS_STARTED, 2L)
        .containsEntry(CellEvent.ANALYSIS_SUCCESSFUL, 1L).containsEntry(CellEvent.ANALYSIS_FAILED, 1L);
    assertThat(cell.getStatus().history).extracting(r -> r.version + " " + r.outcome)
        .containsExactly("1.0.0 FirstVersion", "2.0.0 Succeeded", "3.0.0 Failed");

    Reliability.report("races", "runners", RUNNERS, "rollouts", 2,
        "passes", success.passes() + failure.passes(),
        "statusWrites", success.statusWrites() + failure.statusWrites(),
        "conflicts", success.conflicts() + failure.conflicts(),
        "ruleWrites", success.ruleWrites().size() + failure.ruleWrites().size(),
        "repeatedRuleWrites", success.repeats() + failure.repeats(),
        "analysisRunCreates", success.runCreates() + failure.runCreates(),
        "analysisRuns", objects.analysisRuns(ns).size(),
        "events", events.size(), "failures", 0);
  }

  /** What one round of racing runners did, as the proxies and the poller saw it. */
  private record Round(List<FaultProxy.Exchange> aws, List<FaultProxy.Exchange> kube, List<Map<String, Integer>> polled,
                       List<String> outputs) {
    List<Map<String, Integer>> ruleWrites() {
      return aws.stream().filter(e -> RULE_WRITES.contains(e.operation()) && e.succeeded()).map(FaultProxy.Exchange::forwardWeights)
          .toList();
    }

    int repeats() {
      return ruleWrites().size() - collapse(ruleWrites()).size();
    }

    /** Every valid pass reads the listener's rules once. */
    long passes() {
      return aws.stream().filter(e -> e.operation().equals("DescribeRules")).count();
    }

    long statusWrites() {
      return kube.stream().filter(e -> e.operation().equals("PUT cells/status")).count();
    }

    long conflicts() {
      return kube.stream().filter(e -> e.operation().equals("PUT cells/status") && e.status() == 409).count();
    }

    long runCreates() {
      return kube.stream().filter(e -> e.operation().equals("POST analysisruns")).count();
    }
  }

  private Round round(Path kubeconfig, String version, String tgName, String tgArn, String verdict, int exitCode)
      throws InterruptedException {
    awsProxy.resetLog();
    kubeProxy.resetLog();
    List<Map<String, Integer>> polled = watchWeights();
    playArgo(verdict);
    objects.targetGroup(ns, tgName, tgArn, version);
    List<RunnerProcess> runners = new ArrayList<>();
    for (int i = 0; i < RUNNERS; i++) {
      runners.add(RunnerProcess.start(kubeconfig, awsProxy.endpoint(), "reconcile", "--cell", "web", "-n", ns, "--wait",
          "--interval", "1s", "--timeout", "2m"));
    }
    Instant started = Instant.now();
    List<String> outputs = new ArrayList<>();
    for (RunnerProcess r : runners) {
      int code = r.waitFor(150);
      outputs.add(r.output());
      assertThat(code).as("runner exit code; output:\n" + r.output()).isEqualTo(exitCode);
    }
    System.out.printf("race round %s: %d runners done in %ds%n", version, RUNNERS, Duration.between(started, Instant.now()).toSeconds());
    stopHelpers();
    return new Round(awsProxy.exchanges(), kubeProxy.exchanges(), List.copyOf(polled), outputs);
  }

  private void assertRound(Round r, Map<String, Integer> before, List<Map<String, Integer>> plan, int expectedRuns) {
    List<Map<String, Integer>> writes = r.ruleWrites();
    assertThat(writes).as("every rule write is a weight set of the plan").allSatisfy(w -> assertThat(plan).contains(w));
    assertThat(collapse(writes)).as("the weight sets the ALB received, in order (repeats of the same set collapsed)").isEqualTo(plan);
    assertThat(r.aws().stream().filter(e -> RULE_WRITES.contains(e.operation()) && !e.succeeded())).as("failed rule writes").isEmpty();
    List<Map<String, Integer>> seen = new ArrayList<>(r.polled());
    if (!seen.isEmpty() && seen.get(0).equals(before)) seen.remove(0);
    assertThat(seen).as("the rule as polled every 20ms: every step, in order, nothing else").isEqualTo(plan);
    List<GenericKubernetesResource> runs = objects.analysisRuns(ns);
    assertThat(runs).as("AnalysisRuns: one per rollout, of its analysis step").hasSize(expectedRuns)
        .allSatisfy(run -> assertThat(run.getMetadata().getLabels()).containsEntry("okra.mumo.co/step-index", "4"));
    assertThat(runs.stream().map(run -> run.getMetadata().getLabels().get("okra.mumo.co/rollout-id")).distinct()).hasSize(expectedRuns);
    assertThat(r.kube().stream().filter(e -> e.operation().equals("POST analysisruns") && e.succeeded()))
        .as("AnalysisRuns created in this round").hasSize(1);
  }

  /** Consecutive repeats of one weight set are one change of traffic. */
  private static List<Map<String, Integer>> collapse(List<Map<String, Integer>> writes) {
    List<Map<String, Integer>> out = new ArrayList<>();
    for (Map<String, Integer> w : writes) if (out.isEmpty() || !out.get(out.size() - 1).equals(w)) out.add(w);
    return out;
  }

  private List<Map<String, Integer>> watchWeights() {
    List<Map<String, Integer>> seen = new CopyOnWriteArrayList<>();
    pollers.every(20, () -> {
      Map<String, Integer> now = aws.weightsOf(alb.listenerArn(), PRIORITY);
      if (!now.isEmpty() && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now))) seen.add(now);
    });
    return seen;
  }

  /** Argo's part: a new AnalysisRun runs for a second, then gets {@code verdict}. */
  private void playArgo(String verdict) {
    pollers.every(200, ArgoStandIn.judging(objects, ns, verdict).after(Duration.ofSeconds(1)));
  }
}
