package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.testsupport.ArgoStandIn;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.FaultProxy.Fault;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Pollers;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AWS throttling and 5xx answers, and Kubernetes API errors, injected by proxies in front of moto
 * and the API server while the CLI (in-process, with its production clients: the SDK's adaptive
 * retries, fabric8's default request retries) runs a pass. Each case checks that the pass retried
 * within bounds (attempts counted at the proxy), reported what failed (exit code 1 and the message
 * once retries are exhausted), never left the rule half-applied (its weights are always one of the
 * plan's sets), and that the next pass converges.
 *
 * <p>Bounds as configured: the SDK makes at most 3 attempts per call (ADAPTIVE_V2's default);
 * fabric8 retries a 429 or 5xx answer up to {@code requestRetryBackoffLimit} = 10 times (11
 * attempts) with backoff from {@code requestRetryBackoffInterval} = 100ms doubling to 3.2s.
 */
class FaultsIT {
  private static final int PRIORITY = 60;
  private static final int SDK_ATTEMPTS = 3;
  private static final int KUBE_ATTEMPTS = 11;
  private static final AtomicInteger SCENARIOS = new AtomicInteger();
  private static final AtomicInteger INJECTED = new AtomicInteger();

  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;

  private FaultProxy awsProxy;
  private FaultProxy kubeProxy;
  private Path kubeconfig;
  private OkraObjects objects;
  private AwsFixture.Alb alb;
  private String ns;
  private String tg1;
  private String tg2;
  private Map<String, Integer> before;
  private Map<String, Integer> step1;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
  }

  @AfterAll
  static void close() {
    Reliability.report("faults", "scenarios", SCENARIOS.get(), "faultsInjected", INJECTED.get(), "failures", 0);
    aws.close();
    kube.close();
  }

  /** 1.0.0 at 100%, then 2.0.0 appears: the next pass records step 0 and moves the rule to 80/20. */
  @BeforeEach
  void setUp() {
    awsProxy = FaultProxy.aws(moto.endpoint());
    kubeProxy = FaultProxy.kube(kube.client().getConfiguration());
    kubeconfig = kubeProxy.kubeconfig(Optional.empty());
    ns = kube.freshNamespace("faults");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(2);
    tg1 = alb.targetGroupArns().get(0);
    tg2 = alb.targetGroupArns().get(1);
    objects.analysisTemplate(ns, "success-rate", "version");
    objects.webCell(ns, alb.listenerArn(), PRIORITY, """
        - setWeight: 20
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{name: version, valueFrom: {fieldRef: {fieldPath: status.desiredVersion}}}]
        """);
    objects.targetGroup(ns, "web-1", tg1, "1.0.0");
    assertThat(okra().code()).isZero();
    before = Map.of(tg1, 100);
    step1 = Map.of(tg1, 80, tg2, 20);
    assertThat(weights()).isEqualTo(before);
    objects.targetGroup(ns, "web-2", tg2, "2.0.0");
    awsProxy.resetLog();
    kubeProxy.resetLog();
    SCENARIOS.incrementAndGet();
  }

  @AfterEach
  void tearDown() {
    INJECTED.addAndGet(awsProxy.faultsInjected() + kubeProxy.faultsInjected());
    awsProxy.close();
    kubeProxy.close();
  }

  // ------------------------------------------------------------------ AWS

  @Test
  void twoUnavailableModifyRulesAreRetriedAndThePassSucceeds() {
    awsProxy.inject("ModifyRule", 2, Fault.awsUnavailable());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(awsProxy.count("ModifyRule")).as("ModifyRule attempts").isEqualTo(3);
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void throttledCallsAreRetriedAndThePassSucceeds() {
    awsProxy.inject("DescribeRules", 2, Fault.awsThrottling()).inject("ModifyRule", 2, Fault.awsThrottling());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(awsProxy.count("DescribeRules")).as("DescribeRules attempts").isEqualTo(3);
    assertThat(awsProxy.count("ModifyRule")).as("ModifyRule attempts").isEqualTo(3);
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void modifyRuleFailingOnEveryAttemptFailsThePassWithExitOneAndTheNextPassConverges() {
    awsProxy.inject("ModifyRule", SDK_ATTEMPTS, Fault.awsUnavailable());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("okra-runner: AWS ElasticLoadBalancingV2 ModifyRule at " + awsAt())
        .contains(": ServiceUnavailable (503): Service is unavailable, injected by the test; AWS failed after the SDK's retries");
    assertThat(awsProxy.count("ModifyRule")).as("attempts, all answered 503").isEqualTo(SDK_ATTEMPTS);
    assertThat(weights()).as("the rule is untouched, not half-applied").isEqualTo(before);
    // The status was written first: it asks for 80/20; the config says the apply failed, and why.
    Cell cell = cell();
    assertThat(cell.getStatus().desiredVersion).isEqualTo("2.0.0");
    assertThat(cell.getStatus().currentStepIndex).isZero();
    AWSApplicationLoadBalancerConfig config = albConfig();
    assertThat(config.getStatus().phase).isEqualTo("Error");
    assertThat(config.getStatus().message).contains("Service is unavailable");

    Run next = okra();
    assertThat(next.code()).as(next.all()).isZero();
    assertThat(weights()).isEqualTo(step1);
    assertThat(albConfig().getStatus().phase).isEqualTo("Applied");
  }

  @Test
  void describeRulesThrottledOnEveryAttemptWritesNothingAnywhere() {
    awsProxy.inject("DescribeRules", SDK_ATTEMPTS, Fault.awsThrottling());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("okra-runner: AWS ElasticLoadBalancingV2 DescribeRules at " + awsAt() + ": Throttling (400): Rate exceeded");
    assertThat(awsProxy.count("DescribeRules")).isEqualTo(SDK_ATTEMPTS);
    assertThat(awsProxy.writes()).as("AWS writes").isEmpty();
    assertThat(kubeProxy.writes()).as("cluster writes").isEmpty();
    assertThat(weights()).isEqualTo(before);

    assertThat(okra().code()).isZero();
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void aModifyRuleWhoseAnswerIsLostIsRepeatedHarmlessly() {
    awsProxy.inject("ModifyRule", 1, Fault.awsUnavailable().lostAfterForwarding());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(awsProxy.exchanges("ModifyRule")).extracting(FaultProxy.Exchange::forwardWeights).as("both attempts ask for the same")
        .containsExactly(step1, step1);
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void aCreateRuleWhoseAnswerIsLostIsTakenAsDoneWhenTheRuleThereIsOurs() {
    // A second Cell, first version: its pass creates a rule; moto creates it, the answer is lost, the
    // SDK's retry finds the priority taken by a rule carrying this Cell's owner tag: the pass goes on with it.
    objects.cell(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: api
        spec:
          ingress:
            type: AWSApplicationLoadBalancer
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule:
                  priority: %d
                  hosts: [api.example.com]
              targetGroupSelector:
                matchLabels:
                  role: web
                  okra.mumo.co/version: 2.0.0
        """, alb.listenerArn(), PRIORITY + 1);
    awsProxy.inject("CreateRule", 1, Fault.awsUnavailable().lostAfterForwarding());
    Run run = okra("reconcile", "--cell", "api");
    assertThat(awsProxy.count("CreateRule")).as("CreateRule attempts").isGreaterThanOrEqualTo(2);
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(aws.weightsOf(alb.listenerArn(), PRIORITY + 1)).as("the rule moto created forwards to the version").isEqualTo(Map.of(tg2, 100));
    assertThat(aws.elbv2().describeRulesPaginator(b -> b.listenerArn(alb.listenerArn())).rules().stream()
        .filter(r -> r.priority().equals(Integer.toString(PRIORITY + 1)))).as("one rule").hasSize(1);

    Run next = okra("reconcile", "--cell", "api");
    assertThat(next.code()).as(next.all()).isZero();
    assertThat(aws.weightsOf(alb.listenerArn(), PRIORITY + 1)).isEqualTo(Map.of(tg2, 100));
    assertThat(aws.tagsOf(aws.ruleAt(alb.listenerArn(), PRIORITY + 1).orElseThrow().ruleArn()))
        .containsEntry("okra.mumo.co/cell", ns + "/api");
  }

  @Test
  void describeTagsFailingTwiceIsRetried() {
    awsProxy.inject("DescribeTags", 2, Fault.awsInternal());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(weights()).isEqualTo(step1);
  }

  // ------------------------------------------------------------------ Kubernetes

  @Test
  void statusWritesAnswered503AreRetriedAndThePassSucceeds() {
    kubeProxy.inject("PUT cells/status", 2, Fault.kube(503));
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(kubeProxy.count("PUT cells/status")).as("status write attempts").isEqualTo(3);
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void aStatusWriteAnswered429IsRetried() {
    kubeProxy.inject("PUT cells/status", 1, Fault.kube(429).withHeader("Retry-After", "1"));
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(kubeProxy.count("PUT cells/status")).isEqualTo(2);
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void statusWritesFailingOnEveryAttemptFailThePassBeforeAnyAwsWrite() {
    kubeProxy.inject("PUT cells/status", KUBE_ATTEMPTS, Fault.kube(500));
    Run run = okra();
    assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("okra-runner: Kubernetes API server ").contains("(update status of cells " + ns + "/web): 500 InternalError")
        .contains("run again later");
    assertThat(kubeProxy.count("PUT cells/status")).as("attempts: the first and 10 retries").isEqualTo(KUBE_ATTEMPTS);
    assertThat(awsProxy.writes()).as("the status is written before the ALB: nothing reached AWS").isEmpty();
    assertThat(weights()).isEqualTo(before);

    assertThat(okra().code()).isZero();
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void aStatusWriteWhoseAnswerIsLostEndsThePassAsAConflictAndTheNextPassAppliesTheRule() {
    kubeProxy.inject("PUT cells/status", 1, Fault.kube(503).lostAfterForwarding());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(run.out()).contains("another runner updated the Cell first; this pass changed nothing");
    List<FaultProxy.Exchange> writes = kubeProxy.exchanges("PUT cells/status");
    assertThat(writes).extracting(FaultProxy.Exchange::status).as("the write landed, its retry conflicts").containsExactly(503, 409);
    assertThat(awsProxy.writes()).as("a pass that lost its status write touches no rule").isEmpty();
    assertThat(weights()).isEqualTo(before);
    assertThat(cell().getStatus().currentStepIndex).as("but the status it wrote is there").isZero();

    Run next = okra();
    assertThat(next.code()).as(next.all()).isZero();
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void readsFailingOnEveryAttemptFailThePassWithNothingWritten() {
    kubeProxy.inject("GET cells", KUBE_ATTEMPTS, Fault.kube(503));
    Run run = okra();
    assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("okra-runner: Kubernetes API server ").contains("(get cells " + ns + "/web): 503 ServiceUnavailable");
    assertThat(kubeProxy.writes()).isEmpty();
    assertThat(awsProxy.exchanges()).as("no AWS call at all").isEmpty();
  }

  @Test
  void analysisRunCreationsFailingOrLosingTheirAnswerStillCreateOneRun() {
    assertThat(okra().code()).isZero();
    assertThat(weights()).isEqualTo(step1);
    kubeProxy.inject("POST analysisruns", 2, Fault.kube(500)).inject("POST analysisruns", 1, Fault.kube(504).lostAfterForwarding());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isZero();
    assertThat(kubeProxy.exchanges("POST analysisruns")).extracting(FaultProxy.Exchange::status)
        .as("two 500s, a created run whose answer is lost, then AlreadyExists").containsExactly(500, 500, 504, 409);
    assertThat(objects.analysisRuns(ns)).hasSize(1);
    assertThat(weights()).isEqualTo(step1);
  }

  @Test
  void aBlocklistCreateWhoseAnswerIsLostIsFinishedByTheNextPass() {
    assertThat(okra().code()).isZero();
    assertThat(okra().code()).isZero(); // starts the AnalysisRun
    List<GenericKubernetesResource> runs = objects.analysisRuns(ns);
    assertThat(runs).hasSize(1);
    objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, runs.get(0).getMetadata().getName(), "Failed");
    kubeProxy.inject("POST versionblocklists", 1, Fault.kube(503).lostAfterForwarding());
    Run run = okra();
    assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("okra-runner: Kubernetes API server ").contains("(create versionblocklists in " + ns + "): 409 AlreadyExists");
    assertThat(weights()).as("traffic went back first").isEqualTo(before);
    assertThat(blocklist()).containsExactly("2.0.0");

    Run next = okra();
    assertThat(next.code()).as(next.all()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
    assertThat(cell().getStatus().failure.blocklisted).isTrue();
    assertThat(blocklist()).containsExactly("2.0.0");
  }

  @Test
  void theWaitLoopRidesOutAFewFailedPassesAndGivesUpAfterFive() throws InterruptedException {
    ReconcileCommand.Sleeper original = ReconcileCommand.sleeper;
    List<Duration> slept = new java.util.concurrent.CopyOnWriteArrayList<>();
    ReconcileCommand.sleeper = d -> {
      slept.add(d);
      // The wait loop's own sleep, recorded and shortened: the backoff asked for is what is checked.
      Thread.sleep(Math.min(d.toMillis(), 50));
    };
    Pollers pollers = new Pollers();
    pollers.every(100, ArgoStandIn.judging(objects, ns, "Successful"));
    try {
      awsProxy.inject("DescribeRules", 4 * SDK_ATTEMPTS, Fault.awsUnavailable());
      Run run = okra("reconcile", "--cell", "web", "--wait", "--timeout", "1m");
      assertThat(run.code()).as(run.all()).isZero();
      assertThat(run.out()).contains("error (4/5)").doesNotContain("error (5/5)");
      assertThat(slept).startsWith(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16));
      assertThat(weights()).as("after the errors the rollout went on to the end").isEqualTo(Map.of(tg2, 100));

      awsProxy.inject("DescribeRules", 5 * SDK_ATTEMPTS, Fault.awsUnavailable());
      Run gaveUp = okra("reconcile", "--cell", "web", "--wait", "--timeout", "1m");
      assertThat(gaveUp.code()).as(gaveUp.all()).isEqualTo(ExitCodes.ERROR);
      assertThat(gaveUp.out()).contains("error (4/5)");
      assertThat(gaveUp.err()).contains("okra-runner: AWS ElasticLoadBalancingV2 DescribeRules at " + awsAt() + ": ServiceUnavailable (503)");
    } finally {
      ReconcileCommand.sleeper = original;
      pollers.stopAll();
    }
  }

  // ------------------------------------------------------------------ helpers

  private Run okra() {
    return okra("reconcile", "--cell", "web");
  }

  private Run okra(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", kubeconfig.toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", awsProxy.endpoint().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Instant start = Instant.now();
    int code = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    Duration took = Duration.between(start, Instant.now());
    if (code != 0) System.out.println("faults: exit " + code + " after " + took.toMillis() + "ms: " + err.toString().strip());
    // Whatever the faults, the rule is only ever one of the plan's weight sets.
    Map<String, Integer> now = weights();
    assertThat(List.of(Map.of(tg1, 100), Map.of(tg1, 80, tg2, 20), Map.of(tg2, 100))).as("the rule's weights").contains(now);
    return new Run(code, out.toString(), err.toString());
  }

  /** The AWS endpoint as failure messages name it: scheme://host:port of the proxy. */
  private String awsAt() {
    return awsProxy.endpoint().toString().replaceFirst("/$", "");
  }

  private Map<String, Integer> weights() {
    return aws.weightsOf(alb.listenerArn(), PRIORITY);
  }

  private Cell cell() {
    return kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
  }

  private AWSApplicationLoadBalancerConfig albConfig() {
    return kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(ns).withName("web").get();
  }

  private List<String> blocklist() {
    VersionBlocklist list = kube.client().resources(VersionBlocklist.class).inNamespace(ns).withName("web").get();
    return list == null ? List.of() : list.getSpec().items.stream().map(i -> i.version).toList();
  }
}
