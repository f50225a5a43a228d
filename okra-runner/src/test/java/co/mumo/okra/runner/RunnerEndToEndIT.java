package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.testsupport.ArgoStandIn;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Pollers;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar in its own process, `reconcile --wait`, through whole rollouts: one whose
 * analysis succeeds and one whose analysis fails. While the runner works, the test plays Argo
 * Rollouts' controller and records every weight set the ALB in moto goes through.
 */
class RunnerEndToEndIT {
  private static final int PRIORITY = 20;
  private static final String STEPS = """
      - setWeight: 20
      - pause:
          duration: 2s
      - analysis:
          templates:
          - templateName: success-rate
          args:
          - name: version
            valueFrom:
              fieldRef:
                fieldPath: status.desiredVersion
      - setWeight: 50
      - pause:
          duration: 2s
      """;

  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;

  private final Pollers pollers = new Pollers();
  private OkraObjects objects;
  private AwsFixture.Alb alb;
  private String ns;

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

  @BeforeEach
  void setUp() {
    ns = kube.freshNamespace("e2e");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(3);
    objects.analysisTemplate(ns, "success-rate", "version");
  }

  @AfterEach
  void stopHelpers() throws InterruptedException {
    pollers.stopAll();
  }

  @Test
  void rollsOutThroughEveryStepThenRollsBackAFailedVersion() throws InterruptedException {
    String tg1 = alb.targetGroupArns().get(0);
    String tg2 = alb.targetGroupArns().get(1);
    String tg3 = alb.targetGroupArns().get(2);
    objects.webCell(ns, alb.listenerArn(), PRIORITY, STEPS);
    objects.targetGroup(ns, "web-1", tg1, "1.0.0");

    RunnerProcess first = runner("reconcile", "--cell", "web", "-n", ns, "--wait", "--timeout", "1m");
    assertThat(first.waitFor(60)).as(first.output()).isEqualTo(ExitCodes.OK);
    assertThat(weights()).isEqualTo(Map.of(tg1, 100));

    // 2.0.0 passes its analysis: every step shows on the ALB, in order, then 2.0.0 has everything.
    objects.targetGroup(ns, "web-2", tg2, "2.0.0");
    List<Map<String, Integer>> seen = watchWeights();
    playArgo("Successful");
    RunnerProcess success = runner("reconcile", "--cell", "web", "-n", ns, "--wait", "--timeout", "2m", "--interval", "1s");
    assertThat(success.waitFor(120)).as(success.output()).isEqualTo(ExitCodes.OK);
    assertThat(seen).containsExactly(Map.of(tg1, 100), Map.of(tg1, 80, tg2, 20), Map.of(tg1, 50, tg2, 50), Map.of(tg2, 100));
    assertThat(success.output())
        .contains("step 1/5 (setWeight 20)")
        .contains("started AnalysisRun")
        .contains("2.0.0 20% (web-2 20)")
        .contains("all 5 steps passed: 2.0.0 is stable");

    // 3.0.0 fails its analysis: straight back to 2.0.0, the version blocked, exit code 3.
    stopHelpers();
    objects.targetGroup(ns, "web-3", tg3, "3.0.0");
    seen = watchWeights();
    playArgo("Failed");
    RunnerProcess failure = runner("reconcile", "--cell", "web", "-n", ns, "--wait", "--timeout", "2m", "--interval", "1s");
    assertThat(failure.waitFor(120)).as(failure.output()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
    assertThat(seen).containsExactly(Map.of(tg2, 100), Map.of(tg2, 80, tg3, 20), Map.of(tg2, 100));
    assertThat(failure.output()).contains("rollout of 3.0.0 failed").contains("traffic rolled back to 2.0.0");
    VersionBlocklist blocklist = kube.client().resources(VersionBlocklist.class).inNamespace(ns).withName("web").get();
    assertThat(blocklist.getSpec().items).extracting(i -> i.version).containsExactly("3.0.0");

    // A later pass leaves the failed version alone.
    RunnerProcess again = runner("reconcile", "--cell", "web", "-n", ns);
    assertThat(again.waitFor(60)).as(again.output()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
    assertThat(weights()).isEqualTo(Map.of(tg2, 100));
  }

  /**
   * Okra's own evaluator in the shaded jar: the analysis step measures a CloudWatch metric in moto on
   * each pass, 2.0.0's error count is low and it rolls out; 3.0.0's is high and it rolls back. The
   * output and {@code -o json} show each metric's verdict with its value and condition.
   */
  @Test
  void okrasEvaluatorJudgesACloudWatchMetricInMoto() throws InterruptedException {
    String metricNamespace = "okra-e2e/" + java.util.UUID.randomUUID();
    objects.cloudWatchErrorsTemplate(ns, metricNamespace, "2s", 2, "5m");
    objects.webCell(ns, alb.listenerArn(), PRIORITY, """
        - setWeight: 20
        - analysis:
            templates: [{templateName: errors}]
            args: [{name: version, valueFrom: {fieldRef: {fieldPath: status.desiredVersion}}}]
        - setWeight: 50
        """);
    String tg1 = alb.targetGroupArns().get(0);
    String tg2 = alb.targetGroupArns().get(1);
    String tg3 = alb.targetGroupArns().get(2);
    objects.targetGroup(ns, "web-1", tg1, "1.0.0");
    assertThat(runner("reconcile", "--cell", "web", "-n", ns).waitFor(60)).isEqualTo(ExitCodes.OK);

    try (var cloudWatch = aws.against(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder()).build()) {
      java.time.Instant now = java.time.Instant.now();
      for (var at : List.of(java.util.Map.entry("2.0.0", 1.0), java.util.Map.entry("3.0.0", 40.0))) {
        cloudWatch.putMetricData(r -> r.namespace(metricNamespace).metricData(d -> d.metricName("Errors").timestamp(now.minusSeconds(60))
            .value(at.getValue()).dimensions(x -> x.name("Version").value(at.getKey()))));
      }
    }
    objects.targetGroup(ns, "web-2", tg2, "2.0.0");
    List<Map<String, Integer>> seen = watchWeights();
    RunnerProcess good = runner("reconcile", "--cell", "web", "-n", ns, "--wait", "--timeout", "2m", "--interval", "1s",
        "--analysis-evaluator", "okra");
    assertThat(good.waitFor(120)).as(good.output()).isEqualTo(ExitCodes.OK);
    assertThat(seen).containsExactly(Map.of(tg1, 100), Map.of(tg1, 80, tg2, 20), Map.of(tg1, 50, tg2, 50), Map.of(tg2, 100));
    assertThat(good.output()).contains("metric errors: Running, 1 of 1 successful: result ")
        .contains("successCondition \"all(result[0].Values, {# <= 5})\" is true")
        .contains("next measurement in")
        .contains("metric errors: Successful, 2 of 2 successful: 2 of 2 measurements successful")
        .contains("all 3 steps passed: 2.0.0 is stable");
    GenericKubernetesResource run = objects.analysisRuns(ns).get(0);
    assertThat(run.getMetadata().getLabels()).containsEntry("argo-rollouts.argoproj.io/controller-instance-id", "okra");

    stopHelpers();
    objects.targetGroup(ns, "web-3", tg3, "3.0.0");
    seen = watchWeights();
    RunnerProcess bad = runner("reconcile", "--cell", "web", "-n", ns, "--wait", "--timeout", "2m", "--interval", "1s",
        "--analysis-evaluator", "okra", "-o", "json");
    assertThat(bad.waitFor(120)).as(bad.output()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
    assertThat(seen).containsExactly(Map.of(tg2, 100), Map.of(tg2, 80, tg3, 20), Map.of(tg2, 100));
    // The last line is the settled state: the verdict that failed the rollout stays in the status.
    Map<?, ?> last = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(bad.output().lines().filter(l -> l.startsWith("{"))
        .reduce((a, b) -> b).orElseThrow(), Map.class);
    assertThat(last.get("phase")).isEqualTo("Failed");
    assertThat(String.valueOf(last.get("message"))).contains("Metric \"errors\" assessed Failed due to failed (1) > failureLimit (0)");
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(last.get("analysisRuns")))
        .contains("\"phase\":\"Failed\"").contains("\"lastValue\"").contains("40")
        .contains("successCondition \\\"all(result[0].Values, {# <= 5})\\\" is false");
  }

  @Test
  void invalidCellExitsWithTwoNamesTheFieldAndCreatesNoRule() {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, """
        - setWeight: 50
        - pause:
            duration: 2d
        - pause:
            duration: soon
        """);
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");

    RunnerProcess run = runner("reconcile", "--cell", "web", "-n", ns, "--wait");
    assertThat(run.waitFor(60)).as(run.output()).isEqualTo(ExitCodes.INVALID);
    assertThat(run.output())
        .contains("spec.updateStrategy.canary.steps[1].pause.duration: \"2d\" is not a duration")
        .contains("spec.updateStrategy.canary.steps[2].pause.duration: \"soon\" is not a duration");
    assertThat(aws.ruleAt(alb.listenerArn(), PRIORITY)).isEmpty();
    Cell cell = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    assertThat(cell.getStatus().phase).isEqualTo("Invalid");
  }

  @Test
  void jsonOutputIsOneObjectPerLine() {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, STEPS);
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");

    RunnerProcess run = runner("reconcile", "--cell", "web", "-n", ns, "-o", "json");
    assertThat(run.waitFor(60)).as(run.output()).isEqualTo(ExitCodes.OK);
    String line = run.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow(() -> new AssertionError(run.output()));
    assertThat(line).contains("\"cell\":\"" + ns + "/web\"").contains("\"phase\":\"Succeeded\"").contains("\"weight\":100");
  }

  private RunnerProcess runner(String... args) {
    return RunnerProcess.start(kube, moto, args);
  }

  private Map<String, Integer> weights() {
    return aws.weightsOf(alb.listenerArn(), PRIORITY);
  }

  /** Records every distinct weight set the rule goes through, by polling moto. */
  private List<Map<String, Integer>> watchWeights() {
    List<Map<String, Integer>> seen = new CopyOnWriteArrayList<>();
    pollers.every(50, () -> {
      Map<String, Integer> now = weights();
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) seen.add(now);
    });
    return seen;
  }

  /** Plays Argo Rollouts' controller: every new AnalysisRun of the namespace gets {@code verdict}. */
  private void playArgo(String verdict) {
    pollers.every(300, ArgoStandIn.judging(objects, ns, verdict));
  }
}
