package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.LocalHttpServer;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --notify} through the shaded jar: the owner's webhook is told of a pause once however many
 * runs, in the shape asked for; the URL (a secret) never appears in what the runner prints; a webhook
 * the owner's policy does not allow stops the run before anything is done.
 */
class NotifyCliIT {
  private static final int PRIORITY = 95;
  private static final String TOKEN_PATH = "/services/T0CLI/B0CLI/cli-webhook-secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;

  @TempDir
  Path dir;
  private String ns;
  private OkraObjects objects;
  private AwsFixture.Alb alb;
  private LocalHttpServer receiver;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
  }

  @AfterAll
  static void stop() {
    aws.close();
    kube.close();
  }

  @BeforeEach
  void setUp() {
    ns = kube.freshNamespace("notify-cli");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(2);
    receiver = LocalHttpServer.start().route("/services/", ex -> LocalHttpServer.answer(ex, 200, "ok"));
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  @Test
  void aPauseIsToldOnceInTheShapeAskedForAndTheUrlIsNeverPrinted() throws IOException {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n- pause: {}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    String policy = loopbackPolicy();
    String url = receiver.url(TOKEN_PATH);

    // The first version, told to a Slack-shaped webhook named on the command line.
    RunnerProcess first = RunnerProcess.startExactly(args("reconcile", "--cell", "web", "--wait", "--policy", policy, "--notify", "slack:" + url,
        "-v"));
    assertThat(first.waitFor(120)).as(first.output()).isZero();
    assertThat(receiver.received()).hasSize(1);
    assertThat(JSON.readTree(receiver.received().get(0).body()).get("text").asText()).contains("succeeded", "1.0.0");

    // The pause, told to the same URL from $OKRA_NOTIFY in Okra's JSON: a new webhook as far as sentTo goes, so it gets the pause only.
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    List<String> outputs = new ArrayList<>(List.of(first.output()));
    for (List<String> extra : List.of(List.of("-o", "json"), List.of("-v"), List.<String>of())) {
      List<String> a = args("reconcile", "--cell", "web", "--wait", "--interval", "1s", "--policy", policy);
      a.addAll(extra);
      RunnerProcess run = RunnerProcess.startExactly(Map.of(NotifyOptions.ENV, url), a);
      assertThat(run.waitFor(120)).as(run.output()).isEqualTo(ExitCodes.NEEDS_HUMAN);
      outputs.add(run.output());
    }
    assertThat(receiver.received()).hasSize(2);
    var paused = JSON.readTree(receiver.received().get(1).body());
    assertThat(paused.get("event").asText()).isEqualTo("Paused");
    assertThat(paused.get("commands").get("promote").asText()).isEqualTo("okra-runner cell promote web -n " + ns);
    assertThat(String.join("\n", outputs)).contains("notified json webhook", "at 127.0.0.1: Paused of 2.0.0")
        .doesNotContain(TOKEN_PATH).doesNotContain("T0CLI").doesNotContain("cli-webhook-secret");
  }

  @Test
  void aWebhookThePolicyDoesNotAllowStopsTheRunBeforeAnythingIsDone() {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");

    RunnerProcess run = RunnerProcess.startExactly(args("reconcile", "--cell", "web", "--notify", receiver.url(TOKEN_PATH)));
    int code = run.waitFor(120);

    assertThat(code).as(run.output()).isEqualTo(ExitCodes.INVALID);
    assertThat(run.output()).contains("notifications.allowLoopback: true", "127.0.0.1", "nothing was done").doesNotContain(TOKEN_PATH);
    assertThat(receiver.received()).isEmpty();
    assertThat(aws.ruleAt(alb.listenerArn(), PRIORITY)).isEmpty();
    var status = kube.client().resources(co.mumo.okra.api.Cell.class).inNamespace(ns).withName("web").get().getStatus();
    assertThat(status == null ? null : status.phase).as("no pass ran").isNull();

    RunnerProcess bad = RunnerProcess.startExactly(args("reconcile", "--cell", "web", "--notify", "ftp://user:pw@example.com/x"));
    assertThat(bad.waitFor(60)).as(bad.output()).isEqualTo(ExitCodes.INVALID);
    assertThat(bad.output()).contains("--notify", "http or https URL").doesNotContain("user:pw");
  }

  private String loopbackPolicy() throws IOException {
    return Files.writeString(dir.resolve("policy.yaml"), """
        apiVersion: okra.mumo.co/v1alpha1
        kind: RunnerPolicy
        notifications:
          allowLoopback: true
        """).toString();
  }

  private List<String> args(String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of("-n", ns, "--kubeconfig", kube.kubeconfig().toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", moto.endpoint().toString()));
    return all;
  }
}
