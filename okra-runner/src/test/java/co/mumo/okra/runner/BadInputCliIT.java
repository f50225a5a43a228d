package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.BadCells;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input through the CLI (in-process, production clients): a representative subset of the
 * {@link BadCells} table with `reconcile`, malformed AWSApplicationLoadBalancerConfigs with
 * `alb apply`, and malformed command lines. Each must exit 2 with the field named on the command
 * line (and, for Cells, in the status), and nothing may reach AWS or the cluster beyond the Cell's
 * status: the CLI talks to both through recording proxies.
 */
class BadInputCliIT {
  private static final AtomicInteger PRIORITY = new AtomicInteger(400);
  private static final AtomicInteger TRIED = new AtomicInteger();
  private static final AtomicInteger FAILED = new AtomicInteger();

  private static TestKube kube;
  private static AwsFixture aws;
  private static AwsFixture.Alb alb;
  private static FaultProxy awsProxy;
  private static FaultProxy kubeProxy;
  private static Path kubeconfig;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    MotoServer moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
    alb = aws.createAlb(6);
    awsProxy = FaultProxy.aws(moto.endpoint());
    kubeProxy = FaultProxy.kube(kube.client().getConfiguration());
    kubeconfig = kubeProxy.kubeconfig(Optional.empty());
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
  }

  @AfterAll
  static void close() {
    Reliability.report("bad-input-cli", "cases", TRIED.get(), "failures", FAILED.get());
    awsProxy.close();
    kubeProxy.close();
    aws.close();
    kube.close();
  }

  static Stream<BadCells.Case> cells() {
    // The cases the API server lets through; the ones its schema refuses are applied with kubectl in CrdValidationIT.
    return BadCells.named("pause duration not a duration", "pause duration with a unit Okra lacks", "pause duration overflowing",
        "evaluator annotation other than okra or argo", "missing AnalysisTemplate", "template argument without a value",
        "argument the template does not declare", "missing Secret", "Secret without the key", "experiment specRef to a missing ReplicaSet",
        "6 target groups of the first version", "a rule at the priority owned by another Cell", "an untagged rule without the adopt annotation",
        "a target group with a non-semver version label next to a good one", "a target group without ARN next to a good one").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cells")
  void aBadCellExitsTwoNamingTheFieldAndWritesOnlyItsStatus(BadCells.Case c) {
    counted(() -> {
      String ns = kube.freshNamespace("bad-cli");
      int priority = PRIORITY.incrementAndGet();
      OkraObjects objects = new OkraObjects(kube.client());
      objects.analysisTemplate(ns, "success-rate", "version");
      objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
      BadCells.World world = new BadCells.World(ns, priority, alb, aws, kube.client(), objects,
          () -> assertThat(okra(ns, "reconcile", "--cell", "web").code()).isZero());
      c.setup().accept(world);
      awsProxy.resetLog();
      kubeProxy.resetLog();
      var ruleBefore = aws.ruleAt(alb.listenerArn(), priority);

      Run run = okra(ns, "reconcile", "--cell", "web");
      List<String> expected = c.expected().stream().map(world::expand).toList();
      Cell cell = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
      if (c.kind() == BadCells.Kind.INVALID) {
        assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.INVALID);
        assertThat(awsProxy.writes()).as("AWS writes").isEmpty();
        assertThat(run.out()).as("the command line names the field").contains(expected);
        assertThat(cell.getStatus().message).as("so does the status").contains(expected);
        if (!c.readsAws()) assertThat(awsProxy.exchanges()).as("AWS calls").isEmpty();
        // The status, and the Event that tells `kubectl describe cell` the same.
        assertThat(kubeProxy.writes()).extracting(FaultProxy.Exchange::operation).as("cluster writes")
            .containsExactly("PUT cells/status", "POST events");
        assertThat(aws.ruleAt(alb.listenerArn(), priority)).as("the rule at the priority is untouched").isEqualTo(ruleBefore);
      } else {
        assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).as("the command line reports the ignored target group").contains(expected.stream()
            .map(e -> "ignored target group " + e).toList());
        assertThat(cell.getStatus().invalidTargetGroups).extracting(t -> t.name + ": " + t.reason).containsAll(expected);
        assertThat(awsProxy.writes()).extracting(FaultProxy.Exchange::forwardWeights).as("the rule forwards to the good target group")
            .containsExactly(Map.of(alb.targetGroupArns().get(0), 100));
      }
    });
  }

  /** AWSApplicationLoadBalancerConfigs the API server accepts, but Okra refuses before any AWS call. */
  static Stream<Arguments> albConfigs() {
    return Stream.of(
        albCase("empty forward", "forward: {targetGroups: []}", "a rule must forward to at least one target group"),
        albCase("no forward", "", "a rule must forward to at least one target group"),
        albCase("all weights 0", "forward: {targetGroups: [{arn: %1$s, weight: 0}, {arn: %2$s, weight: 0}]}",
            "a rule must send traffic somewhere: all weights are 0"),
        albCase("one target group twice", "forward: {targetGroups: [{arn: %1$s, weight: 50}, {arn: %1$s, weight: 50}]}",
            "a target group appears twice in the forward action"),
        Arguments.of(Named.of("missing listenerARN", "listener: {rule: {priority: {priority}, hosts: [a.example.com], "
            + "forward: {targetGroups: [{arn: {tg0}, weight: 100}]}}}\n"), "listener ARN is empty"));
  }

  /** AWSApplicationLoadBalancerConfigs the CRD's schema refuses: the API server's answer names the field. */
  static Stream<Arguments> albConfigsTheApiServerRefuses() {
    return Stream.of(
        albCase("weight above 100", "forward: {targetGroups: [{arn: %1$s, weight: 150}]}",
            "spec.listener.rule.forward.targetGroups[0].weight: Invalid value: 150"),
        albCase("negative weight", "forward: {targetGroups: [{arn: %1$s, weight: -5}]}",
            "spec.listener.rule.forward.targetGroups[0].weight: Invalid value: -5"),
        albCase("weight missing", "forward: {targetGroups: [{arn: %1$s}]}", "spec.listener.rule.forward.targetGroups[0].weight: Required value"),
        albCase("six target groups", "forward: {targetGroups: [{arn: %1$s, weight: 50}, {arn: %2$s, weight: 10}, {arn: %3$s, weight: 10},"
            + " {arn: %4$s, weight: 10}, {arn: %5$s, weight: 10}, {arn: %6$s, weight: 10}]}",
            "spec.listener.rule.forward.targetGroups: Too many: 6: must have at most 5 items"),
        Arguments.of(Named.of("missing rule", "listenerARN: {listener}\nlistener: {}\n"), "spec.listener.rule: Required value"),
        Arguments.of(Named.of("priority 0", "listenerARN: {listener}\nlistener: {rule: {priority: 0, hosts: [a.example.com], "
            + "forward: {targetGroups: [{arn: {tg0}, weight: 100}]}}}\n"), "spec.listener.rule.priority: Invalid value: 0"),
        Arguments.of(Named.of("no conditions", "listenerARN: {listener}\nlistener: {rule: {priority: {priority}, "
            + "forward: {targetGroups: [{arn: {tg0}, weight: 100}]}}}\n"), "spec.listener.rule: Invalid value: \"object\": needs at least one condition"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("albConfigsTheApiServerRefuses")
  void aBadAlbConfigIsRefusedByTheApiServer(String spec, String expected) {
    counted(() -> {
      String ns = kube.freshNamespace("bad-alb-schema");
      KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
          () -> kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(ns).resource(albConfig(ns, spec)).create());
      assertThat(refused).as("the API server refuses it").isNotNull();
      assertThat(refused.getCode()).isEqualTo(422);
      assertThat(refused.getMessage()).contains(expected);
    });
  }

  private static Arguments albCase(String name, String forward, String expected) {
    String spec = "listenerARN: {listener}\nlistener:\n  rule:\n    priority: {priority}\n    hosts: [a.example.com]\n"
        + (forward.isEmpty() ? "" : "    " + forward.formatted("{tg0}", "{tg1}", "{tg2}", "{tg3}", "{tg4}", "{tg5}") + "\n");
    return Arguments.of(Named.of(name, spec), expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("albConfigs")
  void aBadAlbConfigExitsTwoBeforeAnyAwsCall(String spec, String expected) {
    counted(() -> {
      String ns = kube.freshNamespace("bad-alb");
      AWSApplicationLoadBalancerConfig config = albConfig(ns, spec);
      int priority = config.getSpec().listener.rule.priority;
      kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(ns).resource(config).create();
      awsProxy.resetLog();
      kubeProxy.resetLog();

      Run run = okra(ns, "alb", "apply", "web");
      assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.INVALID);
      assertThat(run.err()).contains("okra-runner: AWSApplicationLoadBalancerConfig " + ns + "/web: " + expected);
      assertThat(awsProxy.exchanges()).as("AWS calls").isEmpty();
      assertThat(kubeProxy.writes()).as("cluster writes").isEmpty();
      assertThat(aws.ruleAt(alb.listenerArn(), priority)).isEmpty();
    });
  }

  /** {@code spec} (YAML with {listener}, {priority} and {tgN} placeholders) as a config named web in {@code ns}. */
  private static AWSApplicationLoadBalancerConfig albConfig(String ns, String spec) {
    int priority = PRIORITY.incrementAndGet();
    String yaml = spec.replace("{listener}", alb.listenerArn()).replace("{priority}", Integer.toString(priority));
    for (int i = 0; i < 6; i++) yaml = yaml.replace("{tg" + i + "}", alb.targetGroupArns().get(i));
    AWSApplicationLoadBalancerConfig config = new AWSApplicationLoadBalancerConfig();
    config.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("web").withNamespace(ns).build());
    config.setSpec(Serialization.unmarshal(Serialization.asJson(Serialization.unmarshal("spec:\n" + yaml.indent(2), Map.class).get("spec")),
        AWSApplicationLoadBalancerConfig.Spec.class));
    return config;
  }

  static Stream<Arguments> commandLines() {
    return Stream.of(
        cli("reconcile --cell web --colour", "Unknown option: '--colour'"),
        cli("reconcile --cell web --wait --timeout soon", "--timeout: \"soon\" is not a duration"),
        cli("reconcile --cell web --wait --timeout 99999999999999999999h", "--timeout: \"99999999999999999999h\" is too long"),
        cli("reconcile --cell web --wait --interval 1d", "--interval: \"1d\" is not a duration"),
        cli("reconcile --cell web --all", "--cell=<cell>, --all are mutually exclusive"),
        cli("reconcile", "Missing required argument (specify one of these): (--cell=<cell> | --all)"),
        bare("reconcile --cell", "Missing required parameter for option '--cell'"),
        cli("reconcile --cell web -o yaml", "Invalid value for option '--output'"),
        cli("reconcile --cell web --watch", "--watch works with --all"),
        cli("reconcile --all --watch --wait", "--watch cannot be combined with --wait or --dry-run"),
        cli("reconcile --all --watch --lease-duration 1s", "the lease duration must be at least 2s"),
        cli("reconcile --all --watch --resync often", "--resync: \"often\" is not a duration"),
        cli("reconcile --all --watch --health-port 70000", "--health-port: must be 0..65535"),
        cli("discover --watch --dry-run", "--watch covers every set of the namespace"),
        bare("", "a command is required"),
        cli("rollout", "Unmatched argument"),
        cli("cell promote", "Missing required parameter"),
        bare("alb", "a subcommand is required: apply"),
        cli("alb apply", "Missing required parameter"),
        cli("cell describe nope", "Cell {ns}/nope not found"),
        cli("alb apply nope", "AWSApplicationLoadBalancerConfig {ns}/nope not found"));
  }

  /** With the global options (namespace, kubeconfig, endpoints) after the arguments. */
  private static Arguments cli(String args, String expected) {
    return Arguments.of(Named.of(args, List.of(args.split(" "))), false, expected);
  }

  /** Exactly these arguments. */
  private static Arguments bare(String args, String expected) {
    return Arguments.of(Named.of(args.isEmpty() ? "(no arguments)" : args, args.isEmpty() ? List.of() : List.of(args.split(" "))), true,
        expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandLines")
  void aBadCommandLineExitsTwoAndWritesNothing(List<String> args, boolean bare, String expected) {
    counted(() -> {
      String ns = kube.freshNamespace("bad-args");
      awsProxy.resetLog();
      kubeProxy.resetLog();
      Run run = bare ? execute(args) : okra(ns, args.toArray(String[]::new));
      assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.INVALID);
      assertThat(run.err()).contains(expected.replace("{ns}", ns));
      assertThat(run.err()).as("a message, not a stack trace").doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(awsProxy.exchanges()).as("AWS calls").isEmpty();
      assertThat(kubeProxy.writes()).as("cluster writes").isEmpty();
    });
  }

  private static void counted(Runnable test) {
    TRIED.incrementAndGet();
    boolean ok = false;
    try {
      test.run();
      ok = true;
    } finally {
      if (!ok) FAILED.incrementAndGet();
    }
  }

  private static Run okra(String ns, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", kubeconfig.toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", awsProxy.endpoint().toString()));
    return execute(all);
  }

  private static Run execute(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }
}
