package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;

/**
 * The runner killed at every point between two API calls of a pass, then a fresh pass: it always
 * converges to the state a run without the crash reaches, no step is skipped or repeated, and the
 * rule never forwards to nothing.
 *
 * <p>For each {@link Stage} (a pass that does something: creates the rule, starts a rollout, starts
 * an analysis, moves a weight, promotes, rolls back) a fresh Cell on a fresh listener is brought to
 * the state just before that pass. A reference run does the pass in a runner JVM that only counts
 * its calls (N: Kubernetes requests plus AWS API calls), then ordinary passes until the Cell
 * settles. Then, for every K in 1..N, the same state is built again, a runner JVM is halted just
 * before its call K ({@link CrashHooks}: {@code Runtime.halt(137)}, as SIGKILL), and ordinary passes
 * run until the Cell settles. The end state must equal the reference's (rollout ids and times
 * aside), and the sequence of weight sets the ALB received (a proxy in front of moto logs every
 * rule write) must be the reference's.
 */
class CrashRecoveryIT {
  private static final int PRIORITY = 10;
  private static final String STEPS = """
      - setWeight: 20
      - analysis:
          templates:
          - templateName: success-rate
          args:
          - name: version
            valueFrom:
              fieldRef:
                fieldPath: status.desiredVersion
      - setWeight: 50
      """;
  private static final AtomicInteger PORTS = new AtomicInteger(8000);
  private static final AtomicInteger CRASHES = new AtomicInteger();
  private static final AtomicInteger RECOVERY_PASSES = new AtomicInteger();
  private static final Map<Stage, Integer> CRASHES_BY_STAGE = new TreeMap<>();

  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;
  private static AwsFixture.Alb alb;
  private static FaultProxy awsProxy;
  private static ElasticLoadBalancingV2Client proxiedElbv2;
  private static Path hooks;
  private static Path logs;

  /** The pass that is crashed, named by what it does. */
  enum Stage {
    /** 1.0.0 is the first version: CreateRule. */
    FIRST_VERSION,
    /** 2.0.0 appears: status to step 0, the rule to 80/20. */
    ROLLOUT_START,
    /** The 20% are in place: status to step 1, the AnalysisRun created. */
    ANALYSIS_START,
    /** The analysis succeeded: status to step 2, the rule to 50/50. */
    SET_WEIGHT,
    /** The last step is done: status Succeeded, the rule to 2.0.0 alone. */
    PROMOTION,
    /** The analysis failed: status Failed, the rule back to 1.0.0, 2.0.0 blocked. */
    ROLLBACK
  }

  @BeforeAll
  static void servers() throws IOException {
    kube = TestKube.start();
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
    alb = aws.createAlb(2);
    awsProxy = FaultProxy.aws(moto.endpoint()).serialize(op -> !op.startsWith("Describe"));
    proxiedElbv2 = aws.against(ElasticLoadBalancingV2Client.builder()).endpointOverride(awsProxy.endpoint()).build();
    Path target = Path.of("target").toAbsolutePath();
    hooks = CrashHooks.writeRegistrations(Files.createDirectories(target.resolve("crash-hooks")));
    logs = Files.createDirectories(target.resolve("crash-logs"));
  }

  @AfterAll
  static void stop() {
    Reliability.report("crashes", "crashPoints", CRASHES.get(), "byStage", CRASHES_BY_STAGE, "recoveryPasses", RECOVERY_PASSES.get(),
        "failures", 0);
    proxiedElbv2.close();
    awsProxy.close();
    aws.close();
    kube.close();
  }

  @ParameterizedTest
  @EnumSource(Stage.class)
  void aRunnerKilledBetweenAnyTwoCallsOfThePassLeavesNothingTheNextPassCannotFinish(Stage stage) {
    World reference = prepare(stage);
    Path refLog = logs.resolve(stage + "-reference.log");
    Child normal = child(reference, 0, refLog);
    assertThat(normal.code()).as(normal.output()).isEqualTo(stage == Stage.ROLLBACK ? ExitCodes.ROLLOUT_FAILED : ExitCodes.OK);
    List<String> calls = CrashHooks.calls(refLog);
    assertThat(calls).as("the pass's calls").isNotEmpty();
    Final expected = finish(reference, stage);
    List<Map<String, Integer>> expectedWrites = collapse(ruleWrites(reference));

    for (int k = 1; k <= calls.size(); k++) {
      World w = prepare(stage);
      Path log = logs.resolve(stage + "-crash-" + k + ".log");
      Child crashed = child(w, k, log);
      String where = stage + ", killed before call " + k + "/" + calls.size() + " (" + calls.get(k - 1) + ")";
      assertThat(crashed.code()).as(where + ": the runner was killed; output:\n" + crashed.output()).isEqualTo(CrashHooks.EXIT_CODE);
      assertThat(CrashHooks.calls(log)).as(where + ": the same calls up to the crash").isEqualTo(calls.subList(0, k - 1));
      assertRuleForwardsSomewhere(w, where + ", right after the crash");

      Final recovered = finish(w, stage);
      assertThat(recovered).as(where + ": the state after recovery").isEqualTo(expected);
      List<Map<String, Integer>> writes = ruleWrites(w);
      assertThat(writes).as(where + ": every rule write forwards somewhere, totalling 100")
          .allSatisfy(m -> assertThat(m.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100));
      assertThat(collapse(writes)).as(where + ": the weight sets the ALB went through").isEqualTo(expectedWrites);
      CRASHES.incrementAndGet();
      synchronized (CRASHES_BY_STAGE) {
        CRASHES_BY_STAGE.merge(stage, 1, Integer::sum);
      }
    }
    System.out.printf("crash %s: %d crash points (%s)%n", stage, calls.size(), String.join(", ", calls));
  }

  // ------------------------------------------------------------------ worlds

  /** One Cell on its own listener of the shared ALB, in its own namespace. */
  private record World(String ns, String listenerArn, OkraObjects objects, CellReconciler reconciler) {}

  /** A fresh world, brought by ordinary passes to the state just before {@code stage}'s pass. */
  private World prepare(Stage stage) {
    awsProxy.resetLog();
    String ns = kube.freshNamespace("crash");
    int port = PORTS.incrementAndGet();
    String listener = aws.elbv2().createListener(b -> b.loadBalancerArn(alb.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(port)
        .defaultActions(a -> a.type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("404"))))
        .listeners().get(0).listenerArn();
    OkraObjects objects = new OkraObjects(kube.client());
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(proxiedElbv2),
        new ArgoAnalyses(kube.client()), Clock.systemUTC());
    World w = new World(ns, listener, objects, reconciler);
    objects.analysisTemplate(ns, "success-rate", "version");
    objects.webCell(ns, listener, PRIORITY, STEPS);
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    if (stage == Stage.FIRST_VERSION) return w;
    pass(w);
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    if (stage == Stage.ROLLOUT_START) return w;
    pass(w);
    if (stage == Stage.ANALYSIS_START) return w;
    pass(w);
    for (GenericKubernetesResource run : objects.analysisRuns(ns)) {
      objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, run.getMetadata().getName(), stage == Stage.ROLLBACK ? "Failed" : "Successful");
    }
    if (stage == Stage.SET_WEIGHT || stage == Stage.ROLLBACK) return w;
    pass(w);
    return w;
  }

  private static PassResult pass(World w) {
    return w.reconciler().reconcile(w.ns(), "web", new CellReconciler.Options(false));
  }

  /** Ordinary passes until the Cell settles, Argo giving new runs the stage's verdict. */
  private Final finish(World w, Stage stage) {
    for (int i = 0; i < 20; i++) {
      for (GenericKubernetesResource run : w.objects().analysisRuns(w.ns())) {
        if (run.getAdditionalProperties().get("status") == null) {
          w.objects().setPhase(OkraObjects.ANALYSIS_RUN, w.ns(), run.getMetadata().getName(), stage == Stage.ROLLBACK ? "Failed" : "Successful");
        }
      }
      PassResult r = pass(w);
      RECOVERY_PASSES.incrementAndGet();
      assertRuleForwardsSomewhere(w, stage + " after recovery pass " + (i + 1));
      if (ReconcileCommand.settled(r)) return Final.of(w, kube, aws);
    }
    throw new AssertionError(stage + ": the Cell did not settle in 20 passes");
  }

  private static void assertRuleForwardsSomewhere(World w, String when) {
    aws.ruleAt(w.listenerArn(), PRIORITY).ifPresent(rule -> {
      Map<String, Integer> weights = aws.weightsOf(w.listenerArn(), PRIORITY);
      assertThat(weights).as(when + ": the rule forwards to something").isNotEmpty();
      assertThat(weights.values().stream().mapToInt(Integer::intValue).sum()).as(when + ": weights total").isEqualTo(100);
    });
  }

  /** The weights of every successful CreateRule/ModifyRule since the world was made, in the order moto applied them. */
  private static List<Map<String, Integer>> ruleWrites(World w) {
    return awsProxy.exchanges().stream().filter(e -> (e.operation().equals("CreateRule") || e.operation().equals("ModifyRule"))
        && e.succeeded()).map(FaultProxy.Exchange::forwardWeights).toList();
  }

  private static List<Map<String, Integer>> collapse(List<Map<String, Integer>> writes) {
    List<Map<String, Integer>> out = new ArrayList<>();
    for (Map<String, Integer> w : writes) if (out.isEmpty() || !out.get(out.size() - 1).equals(w)) out.add(w);
    return out;
  }

  /** Where a world ends up, without what differs between two runs by nature (rollout ids, times). */
  record Final(String phase, String stable, String desired, Integer step, String failedVersion, String failureCause,
               Boolean blocklisted, Map<String, Integer> rule, Map<String, Integer> albConfig, String albConfigPhase,
               List<String> blocklist, List<String> runs) {
    static Final of(World w, TestKube kube, AwsFixture aws) {
      Cell cell = kube.client().resources(Cell.class).inNamespace(w.ns()).withName("web").get();
      CellStatus s = cell.getStatus();
      AWSApplicationLoadBalancerConfig config = kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(w.ns())
          .withName("web").get();
      Map<String, Integer> configWeights = new TreeMap<>();
      config.getSpec().listener.rule.forward.targetGroups.forEach(t -> configWeights.put(t.arn, t.weight));
      VersionBlocklist blocklist = kube.client().resources(VersionBlocklist.class).inNamespace(w.ns()).withName("web").get();
      List<String> blocked = blocklist == null ? List.of() : blocklist.getSpec().items.stream().map(i -> i.version + ": "
          + i.cause.replaceAll("web-[0-9a-f]{8}-", "web-ID-")).toList();
      List<String> runs = w.objects().analysisRuns(w.ns()).stream()
          .map(r -> r.getMetadata().getLabels().get("okra.mumo.co/step-index") + "=" + phase(r)).sorted().toList();
      return new Final(s.phase, s.stableVersion, s.desiredVersion, s.currentStepIndex,
          s.failure == null ? null : s.failure.version, s.failure == null ? null : s.failure.cause.replaceAll("web-[0-9a-f]{8}-", "web-ID-"),
          s.failure == null ? null : s.failure.blocklisted, new TreeMap<>(aws.weightsOf(w.listenerArn(), PRIORITY)), configWeights,
          config.getStatus() == null ? null : config.getStatus().phase, blocked, runs);
    }

    @SuppressWarnings("unchecked")
    private static String phase(GenericKubernetesResource r) {
      Object status = r.getAdditionalProperties().get("status");
      return status instanceof Map<?, ?> m ? String.valueOf(((Map<String, Object>) m).get("phase")) : "none";
    }
  }

  // ------------------------------------------------------------------ the runner JVM

  private record Child(int code, String output) {}

  /** {@code okra-runner reconcile} in a JVM of its own, halted before call {@code crashAt} (0: never). */
  private Child child(World w, int crashAt, Path log) {
    try {
      Files.deleteIfExists(log);
      Path out = Files.createTempFile("okra-crash", ".out");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
          "-D" + CrashHooks.CRASH_AT + "=" + crashAt, "-D" + CrashHooks.LOG + "=" + log,
          "-cp", hooks + java.io.File.pathSeparator + System.getProperty("java.class.path"),
          Main.class.getName(), "reconcile", "--cell", "web", "-n", w.ns(),
          "--kubeconfig", kube.kubeconfig().toString(), "--region", AwsFixture.REGION.id(),
          "--aws-endpoint-url", awsProxy.endpoint().toString()));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
      pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
      pb.environment().remove("AWS_PROFILE");
      Instant start = Instant.now();
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the runner did not finish in 60s: " + Files.readString(out));
      }
      String output = Files.readString(out) + "\n(" + Duration.between(start, Instant.now()).toMillis() + "ms)";
      Files.delete(out);
      return new Child(p.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
