package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.Action;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
  /** The header route stages' steps: testers see 2.0.0 first, then 20% of everyone. */
  private static final String HEADER_STEPS = OkraObjects.previewStep("exact: \"yes\"") + "- setWeight: 20\n";
  private static final int ROUTE_PRIORITY = 5;
  private static final AtomicInteger PORTS = new AtomicInteger(8000);
  /** How often a Cell said Succeeded or Failed and the ALB was checked to carry those weights. */
  private static final AtomicInteger PHASE_CHECKS = new AtomicInteger();
  /** Worlds crashed at once: the runner JVMs mostly wait on the servers, so a few overlap well even on two cores. */
  private static final int PARALLEL = Integer.getInteger("okra.crash.parallel", 3);
  private static final AtomicInteger CRASHES = new AtomicInteger();
  private static final AtomicInteger RECOVERY_PASSES = new AtomicInteger();
  private static final Map<Stage, Integer> CRASHES_BY_STAGE = new TreeMap<>();
  private static final AtomicInteger CHILD_MILLIS = new AtomicInteger();

  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;
  private static AwsFixture.Alb alb;
  private static FaultProxy awsProxy;
  private static ElasticLoadBalancingV2Client proxiedElbv2;
  private static Path hooks;
  /** Classes the first runner JVM loaded, archived for the others' start (AppCDS). */
  private static Path classArchive;
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
    /** The last step is done: status Promoting, the rule to 2.0.0 alone, the rule read again, status Succeeded. */
    PROMOTION,
    /** The analysis failed: status RollingBack, the rule back to 1.0.0, 2.0.0 blocked, the rule read again, status Failed. */
    ROLLBACK,
    /** 2.0.0's target group vanished at 20%: status Promoting 1.0.0, the rule back to 1.0.0 alone, read again, Succeeded. */
    FALLBACK,
    /** 2.0.0 appears, its first step a setHeaderRoute: status to step 0, the header route's rule created (CreateRule, two tags). */
    HEADER_ROUTE,
    /** The last step is done with the route still set: status Promoting, the route's rule deleted, the rule to 2.0.0 alone. */
    HEADER_ROUTE_PROMOTION;

    boolean headerRoute() {
      return this == HEADER_ROUTE || this == HEADER_ROUTE_PROMOTION;
    }
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
    Path dir = Files.createDirectories(target.resolve("crash-hooks"));
    hooks = CrashHooks.writeJar(dir.resolve("crash-hooks.jar"));
    classArchive = dir.resolve("runner.jsa");
    Files.deleteIfExists(classArchive);
    logs = Files.createDirectories(target.resolve("crash-logs"));
  }

  @AfterAll
  static void stop() {
    Reliability.report("crashes", "crashPoints", CRASHES.get(), "byStage", CRASHES_BY_STAGE.toString().replace(" ", ""),
        "recoveryPasses", RECOVERY_PASSES.get(), "phaseChecks", PHASE_CHECKS.get(), "runnerJvmSeconds", CHILD_MILLIS.get() / 1000, "failures", 0);
    proxiedElbv2.close();
    awsProxy.close();
    aws.close();
    kube.close();
  }

  /** Every stage, or those {@code -Dokra.crash.stages=HEADER_ROUTE,...} names (to run one while working on it). */
  static List<Stage> stages() {
    String only = System.getProperty("okra.crash.stages", "");
    if (only.isBlank()) return List.of(Stage.values());
    return java.util.Arrays.stream(only.split(",")).map(String::trim).map(Stage::valueOf).toList();
  }

  @ParameterizedTest
  @MethodSource("stages")
  void aRunnerKilledBetweenAnyTwoCallsOfThePassLeavesNothingTheNextPassCannotFinish(Stage stage) throws Exception {
    Instant started = Instant.now();
    World reference = prepare(stage);
    Path refLog = logs.resolve(stage + "-reference.log");
    Child normal = child(reference, 0, refLog);
    int normalCode = stage == Stage.ROLLBACK ? ExitCodes.ROLLOUT_FAILED : ExitCodes.OK;
    assertThat(normal.code()).as(normal.output()).isEqualTo(normalCode);
    List<String> calls = CrashHooks.calls(refLog);
    List<String> logical = withoutRetries(calls);
    assertThat(calls).as("the pass's calls: Kubernetes and AWS both counted")
        .anyMatch(c -> c.contains(" kube ")).anyMatch(c -> c.contains(" aws "));
    Final expected = finish(reference, stage);
    List<Map<String, Integer>> expectedWrites = collapse(ruleWrites(reference));

    // Every K of the reference's calls, a few worlds at a time; then more K while a logical point is missing
    // (a client retry in one run shifts the count by one) and the runner still gets that far.
    Set<Integer> covered = new ConcurrentSkipListSet<>();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<Boolean>> runs = new ArrayList<>();
      for (int k = 1; k <= calls.size(); k++) {
        int crashAt = k;
        runs.add(pool.submit(() -> crashAndRecover(stage, crashAt, logical, normalCode, expected, expectedWrites, covered)));
      }
      for (Future<Boolean> f : runs) f.get(10, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError a) throw a;
      throw e;
    } finally {
      pool.shutdownNow();
    }
    for (int k = calls.size() + 1; covered.size() < logical.size() && k <= calls.size() + 5; k++) {
      if (!crashAndRecover(stage, k, logical, normalCode, expected, expectedWrites, covered)) break;
    }
    Set<Integer> all = new TreeSet<>();
    for (int i = 0; i < logical.size(); i++) all.add(i);
    assertThat(covered).as(stage + ": killed before each of the pass's calls " + logical).containsExactlyElementsOf(all);
    System.out.printf("crash %s: %d crash points in %ds, the reference runner took %s (%s)%n", stage, CRASHES_BY_STAGE.get(stage),
        Duration.between(started, Instant.now()).toSeconds(), normal.output().substring(normal.output().lastIndexOf('(')),
        String.join(", ", logical));
  }

  /**
   * One crash point: a fresh world before {@code stage}'s pass, a runner halted before call {@code k},
   * then ordinary passes. False when the runner finished its pass before reaching call k.
   */
  private boolean crashAndRecover(Stage stage, int k, List<String> logical, int normalCode, Final expected,
                                  List<Map<String, Integer>> expectedWrites, Set<Integer> covered) {
    World w = prepare(stage);
    Path log = logs.resolve(stage + "-crash-" + k + ".log");
    Child crashed = child(w, k, log);
    List<String> before = withoutRetries(CrashHooks.calls(log));
    String where = stage + ", killed before call " + k + " (after " + (before.isEmpty() ? "none" : before.get(before.size() - 1)) + ")";
    boolean killed = crashed.code() == CrashHooks.EXIT_CODE;
    assertThat(killed || crashed.code() == normalCode).as(where + ": exit code " + crashed.code() + "; output:\n" + crashed.output())
        .isTrue();
    assertThat(before.size()).as(where + ": calls before the crash " + before).isLessThanOrEqualTo(logical.size());
    assertThat(before).as(where + ": the calls up to the crash are the pass's").isEqualTo(logical.subList(0, before.size()));
    assertRuleForwardsSomewhere(w, where + ", right after the crash");
    assertPhaseTellsTheTruth(w, where + ", right after the crash");

    Final recovered = finish(w, stage);
    assertThat(recovered).as(where + ": the state after recovery").isEqualTo(expected);
    List<Map<String, Integer>> writes = ruleWrites(w);
    assertThat(writes).as(where + ": every rule write forwards somewhere, totalling 100")
        .allSatisfy(m -> assertThat(m.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100));
    assertThat(collapse(writes)).as(where + ": the weight sets the ALB went through").isEqualTo(expectedWrites);
    if (killed) {
      covered.add(before.size());
      CRASHES.incrementAndGet();
      synchronized (CRASHES_BY_STAGE) {
        CRASHES_BY_STAGE.merge(stage, 1, Integer::sum);
      }
    }
    return killed;
  }

  /**
   * The calls without their numbers, the same call twice in a row counted once: a client's retry of a
   * request shows that way (fabric8 retries a 5xx, as the API server sometimes answers for a CRD it
   * has just established), and so do the pass's two reads of the AWSApplicationLoadBalancerConfig.
   */
  private static List<String> withoutRetries(List<String> calls) {
    List<String> out = new ArrayList<>();
    for (String c : calls) {
      String what = c.substring(c.indexOf(' ') + 1);
      if (out.isEmpty() || !out.get(out.size() - 1).equals(what)) out.add(what);
    }
    return out;
  }

  // ------------------------------------------------------------------ worlds

  /** One Cell on its own listener of the shared ALB, in its own namespace. */
  private record World(String ns, String listenerArn, OkraObjects objects, CellReconciler reconciler) {}

  /** A fresh world, brought by ordinary passes to the state just before {@code stage}'s pass. */
  private World prepare(Stage stage) {
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
    if (stage.headerRoute()) {
      headerRouteCell(objects, ns, listener);
    } else {
      objects.webCell(ns, listener, PRIORITY, STEPS);
    }
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    if (stage == Stage.FIRST_VERSION) return w;
    pass(w);
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    if (stage == Stage.ROLLOUT_START || stage == Stage.HEADER_ROUTE) return w;
    if (stage == Stage.HEADER_ROUTE_PROMOTION) {
      // Ordinary passes up to the one that would take the route away (asked with a dry run, which writes nothing).
      for (int i = 0; i < 8; i++) {
        PassResult next = w.reconciler().reconcile(ns, "web", new CellReconciler.Options(true));
        if (next.plan().orElseThrow().actions().stream().anyMatch(a -> a instanceof Action.RemoveHeaderRule)) return w;
        pass(w);
      }
      throw new AssertionError("no pass removes the header route");
    }
    pass(w);
    if (stage == Stage.FALLBACK) {
      objects.deleteTargetGroup(ns, "web-2"); // the new clusters went away
      return w;
    }
    if (stage == Stage.ANALYSIS_START) return w;
    pass(w);
    for (GenericKubernetesResource run : objects.analysisRuns(ns)) {
      objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, run.getMetadata().getName(), stage == Stage.ROLLBACK ? "Failed" : "Successful");
    }
    if (stage == Stage.SET_WEIGHT || stage == Stage.ROLLBACK) return w;
    pass(w);
    return w;
  }

  private static void headerRouteCell(OkraObjects objects, String ns, String listener) {
    objects.webCellWithRoute(ns, listener, PRIORITY, "example.com", ROUTE_PRIORITY, HEADER_STEPS);
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
      assertPhaseTellsTheTruth(w, stage + " after recovery pass " + (i + 1));
      if (r.settled()) return Final.of(w, kube, aws);
    }
    throw new AssertionError(stage + ": the Cell did not settle in 20 passes");
  }

  /**
   * Whenever the Cell says Succeeded or Failed (rolled back), the ALB carries exactly the weights its
   * status names: automation may act on the phase alone, e.g. delete the old clusters on Succeeded.
   */
  private static void assertPhaseTellsTheTruth(World w, String when) {
    CellStatus status = kube.client().resources(Cell.class).inNamespace(w.ns()).withName("web").get().getStatus();
    if (status == null || !("Succeeded".equals(status.phase) || "Failed".equals(status.phase))) return;
    Map<String, Integer> said = new TreeMap<>();
    if (status.targetGroups != null) {
      for (CellStatus.TargetGroupWeight t : status.targetGroups) if (t.weight != null && t.weight > 0) said.put(t.arn, t.weight);
    }
    Map<String, Integer> carried = new TreeMap<>(aws.weightsOf(w.listenerArn(), PRIORITY));
    carried.values().removeIf(v -> v == 0);
    assertThat(carried).as(when + ": the Cell says " + status.phase + " with " + said + "; the ALB carries").isEqualTo(said);
    PHASE_CHECKS.incrementAndGet();
  }

  /** The Cell's rule and its header route's rule (when there) forward to something; there is never more than those two. */
  private static void assertRuleForwardsSomewhere(World w, String when) {
    for (int priority : List.of(PRIORITY, ROUTE_PRIORITY)) {
      aws.ruleAt(w.listenerArn(), priority).ifPresent(rule -> {
        Map<String, Integer> weights = aws.weightsOf(w.listenerArn(), priority);
        assertThat(weights).as(when + ": the rule at " + priority + " forwards to something").isNotEmpty();
        assertThat(weights.values().stream().mapToInt(Integer::intValue).sum()).as(when + ": weights total").isEqualTo(100);
      });
    }
    assertThat(aws.elbv2().describeRulesPaginator(b -> b.listenerArn(w.listenerArn())).rules().stream().filter(r -> !r.isDefault()))
        .as(when + ": the Cell's rule and at most one header route's rule").hasSizeLessThanOrEqualTo(2);
  }

  /** The weights of every successful CreateRule/ModifyRule on the world's listener, in the order moto applied them. */
  private static List<Map<String, Integer>> ruleWrites(World w) {
    String listenerId = w.listenerArn().substring(w.listenerArn().indexOf(":listener/") + ":listener/".length());
    return awsProxy.exchanges().stream().filter(e -> (e.operation().equals("CreateRule") || e.operation().equals("ModifyRule"))
            && e.succeeded())
        .filter(e -> w.listenerArn().equals(e.form().get("ListenerArn")) || e.form().getOrDefault("RuleArn", "").contains(listenerId + "/"))
        .map(FaultProxy.Exchange::forwardWeights).toList();
  }

  private static List<Map<String, Integer>> collapse(List<Map<String, Integer>> writes) {
    List<Map<String, Integer>> out = new ArrayList<>();
    for (Map<String, Integer> w : writes) if (out.isEmpty() || !out.get(out.size() - 1).equals(w)) out.add(w);
    return out;
  }

  /** Where a world ends up, without what differs between two runs by nature (rollout ids, times). */
  record Final(String phase, String stable, String desired, Integer step, String failedVersion, String failureCause,
               Boolean blocklisted, Map<String, Integer> rule, Map<String, Integer> albConfig, String albConfigPhase,
               List<String> blocklist, List<String> runs, Map<String, Integer> headerRoute, int rules) {
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
          config.getStatus() == null ? null : config.getStatus().phase, blocked, runs,
          new TreeMap<>(aws.weightsOf(w.listenerArn(), ROUTE_PRIORITY)),
          (int) aws.elbv2().describeRulesPaginator(b -> b.listenerArn(w.listenerArn())).rules().stream().count());
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
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
      synchronized (CrashRecoveryIT.class) {
        command.add(Files.exists(classArchive) ? "-XX:SharedArchiveFile=" + classArchive : "-XX:ArchiveClassesAtExit=" + classArchive);
      }
      command.addAll(List.of("-D" + CrashHooks.CRASH_AT + "=" + crashAt, "-D" + CrashHooks.LOG + "=" + log,
          "-cp", hooks + java.io.File.pathSeparator + RunnerProcess.jar(),
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
      long millis = Duration.between(start, Instant.now()).toMillis();
      CHILD_MILLIS.addAndGet((int) millis);
      String output = Files.readString(out) + "\n(" + millis + "ms)";
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
