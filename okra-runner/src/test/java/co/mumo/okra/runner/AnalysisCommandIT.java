package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.LocalHttpServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code okra-runner analysis run} in-process against a real API server, with job metrics. */
class AnalysisCommandIT {
  private static TestKube kube;
  private String ns;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
  }

  @AfterAll
  static void close() {
    kube.close();
  }

  @BeforeEach
  void setUp() {
    ns = kube.freshNamespace("analysis-cmd");
  }

  private void template(String name, String specYaml) {
    GenericKubernetesResource t = new GenericKubernetesResource();
    t.setApiVersion("argoproj.io/v1alpha1");
    t.setKind("AnalysisTemplate");
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    t.setAdditionalProperty("spec", Serialization.unmarshal(specYaml, Map.class));
    kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_TEMPLATE).inNamespace(ns).resource(t).create();
  }

  @Test
  void aRunContinuesAcrossInvocationsAndWaitGivesTheVerdict() {
    template("smoke", """
        args: [{name: limit}]
        metrics:
        - name: latency
          interval: 1s
          count: 2
          successCondition: result < {{args.limit}}
          provider: {job: {command: "echo 42"}}
        """);
    Run first = okra("analysis", "run", "--allow-job-provider", "--template", "smoke", "--arg", "limit=100", "--name", "gate");
    assertThat(first.code()).as(first.all()).isEqualTo(ExitCodes.TIMED_OUT);
    assertThat(first.out()).contains("[" + ns + "/gate] Running")
        .contains("latency: Running, 1 measured (1 successful, 0 failed, 0 inconclusive, 0 errors) - result 42: successCondition \"result < 100\" is true");

    Run waited = okra("analysis", "run", "--allow-job-provider", "--template", "smoke", "--arg", "limit=100", "--name", "gate", "--wait");
    assertThat(waited.code()).as(waited.all()).isEqualTo(ExitCodes.OK);
    assertThat(waited.out()).contains("[" + ns + "/gate] Successful: all metrics succeeded")
        .contains("latency: Successful, 2 measured (2 successful");
    assertThat(kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).list().getItems()).hasSize(1);
  }

  @Test
  void anEditedTemplateIsMeasuredAfreshNeverAnsweredWithTheOldVerdict() {
    template("gate", """
        metrics:
        - name: errors
          successCondition: result == 0
          provider: {job: {command: "echo 0"}}
        """);
    Run passed = okra("analysis", "run", "--allow-job-provider", "--template", "gate", "--wait");
    assertThat(passed.code()).as(passed.all()).isEqualTo(ExitCodes.OK);
    Run again = okra("analysis", "run", "--allow-job-provider", "--template", "gate", "--wait");
    assertThat(again.code()).isEqualTo(ExitCodes.OK);
    assertThat(kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).list().getItems())
        .as("the same analysis continues its run").hasSize(1);

    // The team tightens the gate: the same command must judge by the new template.
    var templates = kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_TEMPLATE).inNamespace(ns);
    GenericKubernetesResource t = templates.withName("gate").get();
    t.setAdditionalProperty("spec", Serialization.unmarshal("""
        metrics:
        - name: errors
          successCondition: result == 1
          provider: {job: {command: "echo 0"}}
        """, Map.class));
    templates.resource(t).update();
    Run tightened = okra("analysis", "run", "--allow-job-provider", "--template", "gate", "--wait");
    assertThat(tightened.code()).as(tightened.all()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
    assertThat(tightened.out()).contains("successCondition \"result == 1\" is false");

    // A run named by hand must hold this very analysis.
    okra("analysis", "run", "--allow-job-provider", "--template", "gate", "--name", "pinned");
    t.setAdditionalProperty("spec", Serialization.unmarshal("""
        metrics:
        - name: errors
          successCondition: result == 0
          provider: {job: {command: "echo 0"}}
        """, Map.class));
    templates.resource(templates.withName("gate").get()).edit(x -> {
      x.setAdditionalProperty("spec", t.getAdditionalProperties().get("spec"));
      return x;
    });
    Run stale = okra("analysis", "run", "--allow-job-provider", "--template", "gate", "--name", "pinned");
    assertThat(stale.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(stale.err()).contains("--name", "holds another analysis");
  }

  @Test
  void aFailingMetricExitsThreeWithTheReason() {
    template("smoke", """
        metrics:
        - name: errors
          successCondition: result.errors == 0
          provider: {job: {command: "echo '{\\"errors\\": 3}'"}}
        """);
    Run failed = okra("analysis", "run", "--allow-job-provider", "--template", "smoke", "--wait", "-o", "json");
    assertThat(failed.code()).as(failed.all()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
    Map<?, ?> line = Serialization.unmarshal(failed.out().strip(), Map.class);
    assertThat(line.get("phase")).isEqualTo("Failed");
    assertThat(String.valueOf(line.get("message"))).isEqualTo("Metric \"errors\" assessed Failed due to failed (1) > failureLimit (0): "
        + "result {\"errors\":3}: successCondition \"result.errors == 0\" is false");
  }

  @Test
  void anAnalysisThatWouldNeverEndIsBadInput() {
    template("forever", """
        metrics:
        - name: up
          interval: 1m
          successCondition: result == "ok"
          provider: {job: {command: "echo ok"}}
        """);
    Run bad = okra("analysis", "run", "--allow-job-provider", "--template", "forever");
    assertThat(bad.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(bad.err()).contains("analysis.metrics[0].count: metric \"up\" has an interval but no count");
    assertThat(kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void jobMetricsRunOnlyWhenTheRunnerAllowsThem() {
    template("smoke", """
        metrics:
        - name: probe
          provider: {job: {command: "touch %s"}}
        """.formatted(kube.kubeconfig().getParent().resolve("job-ran-" + ns)));
    Run refused = okra("analysis", "run", "--template", "smoke", "--wait");
    assertThat(refused.code()).as(refused.all()).isEqualTo(ExitCodes.INVALID);
    assertThat(refused.err()).contains("analysis.metrics[0].provider.job: the job provider runs the template's command on the runner,"
        + " with the runner's credentials; it is off unless the runner is started with --allow-job-provider or its policy sets"
        + " analysis.allowJobProvider: true");
    assertThat(kube.kubeconfig().getParent().resolve("job-ran-" + ns)).doesNotExist();
    assertThat(kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).list().getItems()).isEmpty();

    Run allowed = okra("analysis", "run", "--allow-job-provider", "--template", "smoke", "--wait");
    assertThat(allowed.code()).as(allowed.all()).isEqualTo(ExitCodes.OK);
    assertThat(kube.kubeconfig().getParent().resolve("job-ran-" + ns)).exists();
  }

  @Test
  void theOwnersPolicyCanAllowJobs() throws Exception {
    Path ran = kube.kubeconfig().getParent().resolve("job-ran-by-policy-" + ns);
    template("smoke", """
        metrics:
        - name: probe
          provider: {job: {command: [touch, "%s"]}}
        """.formatted(ran));
    Run allowed = okra("analysis", "run", "--policy", policy("analysis: {allowJobProvider: true}").toString(), "--template", "smoke", "--wait");
    assertThat(allowed.code()).as(allowed.all()).isEqualTo(ExitCodes.OK);
    assertThat(ran).exists();
  }

  @Test
  void webMetricsReachOnlyWhatThePolicyAllowsAndStoreAtMost4KiB() throws Exception {
    String big = "x".repeat(100_000);
    try (LocalHttpServer server = LocalHttpServer.start().route("/", ex -> LocalHttpServer.answer(ex, 200, "\"" + big + "\""))) {
      template("health", """
          metrics:
          - name: health
            consecutiveErrorLimit: 0
            successCondition: len(result) > 0
            provider: {web: {url: "%s"}}
          """.formatted(server.url("/health")));
      Run refused = okra("analysis", "run", "--template", "health", "--name", "refused", "--wait");
      assertThat(refused.code()).as(refused.all()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
      assertThat(refused.out()).contains("refused: host 127.0.0.1 has address 127.0.0.1, a loopback address",
          "analysis.allowLoopback: true in the runner's policy (--policy FILE)");
      assertThat(server.received()).isEmpty();

      Run allowed = okra("analysis", "run", "--policy", policy("analysis: {allowLoopback: true}").toString(), "--template", "health",
          "--name", "allowed", "--wait", "-o", "json");
      assertThat(allowed.code()).as(allowed.err()).isEqualTo(ExitCodes.OK);
      assertThat(server.received()).hasSize(1);
      assertThat(allowed.out().length()).isLessThan(20_000);
      Map<?, ?> status = (Map<?, ?>) kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns)
          .withName("allowed").get().getAdditionalProperties().get("status");
      String value = String.valueOf(((Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) status.get("metricResults")).get(0))
          .get("measurements")).get(0)).get("value"));
      assertThat(value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
      assertThat(value).startsWith("\"xxx").endsWith("... [truncated by Okra: 100002 bytes in all, at most 4 KiB are kept]");
    }
  }

  private Path policy(String analysisYaml) throws java.io.IOException {
    Path file = kube.kubeconfig().getParent().resolve("policy-" + ns + "-" + System.nanoTime() + ".yaml");
    Files.writeString(file, "apiVersion: okra.mumo.co/v1alpha1\nkind: RunnerPolicy\n" + analysisYaml + "\n");
    return file;
  }

  @Test
  void anUnknownEvaluatorIsBadInput() {
    Run bad = okra("reconcile", "--cell", "web", "--analysis-evaluator", "kayenta");
    assertThat(bad.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(bad.err()).contains("analysis evaluator must be okra or argo, got \"kayenta\"");
  }

  private Run okra(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", kube.kubeconfig().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }
}
