package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The human commands (promote, pause, resume, abort, retry, get, describe) through the CLI, in-process. */
class CellCommandsIT {
  private static final int PRIORITY = 40;
  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;

  private OkraObjects objects;
  private AwsFixture.Alb alb;
  private String ns;

  /** What one CLI call printed and returned. */
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
    // In-process, the SDK's default chain reads credentials from system properties.
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
  }

  @AfterAll
  static void close() {
    aws.close();
    kube.close();
  }

  @BeforeEach
  void setUp() {
    ns = kube.freshNamespace("cmd");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(3);
    objects.webCell(ns, alb.listenerArn(), PRIORITY, """
        - setWeight: 30
        - pause: {}
        - setWeight: 60
        """);
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    assertThat(okra("reconcile", "--cell", "web").code()).isZero();
  }

  @Test
  void promoteMovesPastAnIndefinitePause() {
    String tg1 = alb.targetGroupArns().get(0);
    String tg2 = alb.targetGroupArns().get(1);
    objects.targetGroup(ns, "web-2", tg2, "2.0.0");

    Run paused = okra("reconcile", "--cell", "web", "--wait", "--interval", "1s");
    assertThat(paused.code()).as(paused.all()).isEqualTo(ExitCodes.NEEDS_HUMAN);
    assertThat(paused.out()).contains("waiting for `okra-runner cell promote`");
    assertThat(weights()).isEqualTo(Map.of(tg1, 70, tg2, 30));

    Run describe = okra("cell", "describe", "web");
    assertThat(describe.out()).contains("Phase:      Paused").contains("[x] 1. setWeight 30").contains("[>] 2. pause until promoted");

    assertThat(okra("cell", "promote", "web").code()).isZero();
    Run done = okra("reconcile", "--cell", "web", "--wait", "--interval", "1s");
    assertThat(done.code()).as(done.all()).isZero();
    assertThat(weights()).isEqualTo(Map.of(tg2, 100));
    assertThat(okra("cell", "get").out()).contains("web").contains("Succeeded").contains("2.0.0 100%");
  }

  @Test
  void abortRollsBackAndBlocksThenRetryRollsOutAgain() {
    String tg1 = alb.targetGroupArns().get(0);
    String tg2 = alb.targetGroupArns().get(1);
    objects.targetGroup(ns, "web-2", tg2, "2.0.0");
    okra("reconcile", "--cell", "web");
    assertThat(weights()).isEqualTo(Map.of(tg1, 70, tg2, 30));

    Run abort = okra("cell", "abort", "web", "--reason", "error budget burnt");
    assertThat(abort.code()).as(abort.all()).isZero();
    Run failed = okra("reconcile", "--cell", "web");
    assertThat(failed.code()).as(failed.all()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
    assertThat(weights()).isEqualTo(Map.of(tg1, 100));
    assertThat(blocklist()).containsExactly("2.0.0: aborted by user: error budget burnt");

    Run retry = okra("cell", "retry", "web");
    assertThat(retry.code()).as(retry.all()).isZero();
    assertThat(blocklist()).isEmpty();
    Run again = okra("reconcile", "--cell", "web", "--wait", "--interval", "1s");
    assertThat(again.code()).as(again.all()).isEqualTo(ExitCodes.NEEDS_HUMAN);
    assertThat(weights()).isEqualTo(Map.of(tg1, 70, tg2, 30));
  }

  @Test
  void aHeaderRouteInEffectShowsInGetDescribeAndJson() {
    // The same Cell with a header route first (its rule at PRIORITY stays: it carries this Cell's owner tag).
    kube.client().resources(Cell.class).inNamespace(ns).withName("web").delete();
    objects.webCellWithRoute(ns, alb.listenerArn(), PRIORITY, "example.com", PRIORITY - 5,
        OkraObjects.previewStep("prefix: \"yes\"") + "- pause: {}\n");
    assertThat(okra("reconcile", "--cell", "web").code()).isZero();
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    Run paused = okra("reconcile", "--cell", "web", "--wait", "--interval", "1s");
    assertThat(paused.code()).as(paused.all()).isEqualTo(ExitCodes.NEEDS_HUMAN);
    assertThat(aws.weightsOf(alb.listenerArn(), PRIORITY - 5)).isEqualTo(Map.of(alb.targetGroupArns().get(1), 100));

    assertThat(okra("cell", "get").out()).contains("[header routes: tester]");
    assertThat(okra("cell", "describe", "web").out())
        .contains("Header:     tester (priority " + (PRIORITY - 5) + ": X-Okra-Preview=yes* -> 2.0.0 100% (web-2 100))");
    String json = okra("cell", "get", "-o", "json").out().trim();
    OutputSchema.assertValid(json);
    assertThat(json).contains("\"headerRoutes\":[{\"name\":\"tester\",\"priority\":" + (PRIORITY - 5)
        + ",\"match\":[{\"headerName\":\"X-Okra-Preview\",\"value\":\"yes*\"}]");

    assertThat(okra("cell", "promote", "web").code()).isZero();
    assertThat(okra("reconcile", "--cell", "web", "--wait", "--interval", "1s").code()).isZero();
    assertThat(aws.ruleAt(alb.listenerArn(), PRIORITY - 5)).as("removed with the promotion").isEmpty();
    assertThat(okra("cell", "get").out()).doesNotContain("header routes");
  }

  @Test
  void aRetryThatLosesItsStatusWriteChangesNothing() {
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    okra("reconcile", "--cell", "web");
    okra("cell", "abort", "web");
    okra("reconcile", "--cell", "web");
    assertThat(blocklist()).hasSize(1);
    String cellVersion = kube.client().resources(co.mumo.okra.api.Cell.class).inNamespace(ns).withName("web").get()
        .getMetadata().getResourceVersion();

    try (FaultProxy proxy = FaultProxy.kube(kube.client().getConfiguration())) {
      // Another writer wins the race: the API server answers the status write with a conflict.
      proxy.inject("PUT cells/status", 1, FaultProxy.Fault.kube(409));
      Run lost = okraWith(proxy.kubeconfig(Optional.empty()), "cell", "retry", "web");
      assertThat(lost.code()).as(lost.all()).isEqualTo(ExitCodes.ERROR);
      assertThat(lost.out()).contains("nothing was written");
      assertThat(proxy.exchanges()).filteredOn(e -> !FaultProxy.isRead(e.operation()) && e.fault().isEmpty())
          .as("writes that reached the API server").isEmpty();
    }
    assertThat(blocklist()).as("still blocked: the retry was not recorded").hasSize(1);
    assertThat(kube.client().resources(co.mumo.okra.api.Cell.class).inNamespace(ns).withName("web").get().getMetadata()
        .getResourceVersion()).isEqualTo(cellVersion);

    // Recorded, then done: the entry goes once the retry is in the status.
    assertThat(okra("cell", "retry", "web").code()).isZero();
    assertThat(blocklist()).isEmpty();
  }

  @Test
  void pauseHoldsTheRolloutAndResumeReleasesIt() {
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    okra("reconcile", "--cell", "web");

    assertThat(okra("cell", "pause", "web").code()).isZero();
    Run held = okra("reconcile", "--cell", "web", "--wait");
    assertThat(held.code()).as(held.all()).isEqualTo(ExitCodes.NEEDS_HUMAN);
    assertThat(held.out()).contains("paused by user");

    assertThat(okra("cell", "resume", "web").code()).isZero();
    Run resumeAgain = okra("cell", "resume", "web");
    assertThat(resumeAgain.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(resumeAgain.err()).contains("not paused by a user");
  }

  @Test
  void steeringWithoutARolloutIsBadInput() {
    Run promote = okra("cell", "promote", "web");
    assertThat(promote.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(promote.err()).contains("no rollout in progress to promote (phase Succeeded)");
    Run missing = okra("cell", "describe", "nope");
    assertThat(missing.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(missing.err()).contains("Cell " + ns + "/nope not found");
    Run unknown = okra("reconcile", "--cell", "web", "--colour");
    assertThat(unknown.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(unknown.err()).contains("Unknown option: '--colour'");
  }

  private Run okra(String... args) {
    return okraWith(kube.kubeconfig(), args);
  }

  private Run okraWith(java.nio.file.Path kubeconfig, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", kubeconfig.toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", moto.endpoint().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private Map<String, Integer> weights() {
    return aws.weightsOf(alb.listenerArn(), PRIORITY);
  }

  private List<String> blocklist() {
    VersionBlocklist list = kube.client().resources(VersionBlocklist.class).inNamespace(ns).withName("web").get();
    return list == null ? List.of() : list.getSpec().items.stream().map(i -> i.version + ": " + i.cause).toList();
  }
}
