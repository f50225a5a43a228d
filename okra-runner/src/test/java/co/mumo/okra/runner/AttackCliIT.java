package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack table through the shaded jar, as CI runs it: credentials never appear in anything the
 * runner prints (also under -v) or stores, the owner's policy refuses a Cell before any AWS call, and
 * a kubeconfig that does not say what the runner was asked for is an error, not another identity.
 */
class AttackCliIT {
  private static final int PRIORITY = 90;
  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;

  @TempDir
  Path dir;
  private String ns;
  private OkraObjects objects;
  private AwsFixture.Alb alb;

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
    ns = kube.freshNamespace("attack-cli");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(2);
  }

  @Test
  void verboseLogsShowNeitherTheAwsKeysNorTheSessionToken() {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    String keyId = "AKIAOKRA" + Long.toHexString(System.nanoTime()).toUpperCase();
    String secretKey = "okra/secret+key/" + System.nanoTime();
    String sessionToken = "FwoGZXIvYXdzEOkraSessionToken" + System.nanoTime();

    RunnerProcess run = RunnerProcess.startExactly(Map.of("AWS_ACCESS_KEY_ID", keyId, "AWS_SECRET_ACCESS_KEY", secretKey,
        "AWS_SESSION_TOKEN", sessionToken), args("reconcile", "--cell", "web", "-v"));
    int code = run.waitFor(120);
    String out = run.output();

    assertThat(code).as(out).isZero();
    assertThat(out).as("the SDK's debug output is there").containsIgnoringCase("x-amz-security-token");
    assertThat(out).doesNotContain(keyId).doesNotContain(sessionToken).doesNotContain(secretKey).contains("*****");
  }

  @Test
  void aSecretAnAnalysisReadsIsMaskedInOutputAndInTheRunsStatus() throws IOException {
    String token = "tok-" + Long.toHexString(System.nanoTime()) + "-secret";
    kube.client().secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("api").endMetadata()
        .addToData("token", Base64.getEncoder().encodeToString(token.getBytes())).build()).create();
    GenericKubernetesResource t = new GenericKubernetesResource();
    t.setApiVersion("argoproj.io/v1alpha1");
    t.setKind("AnalysisTemplate");
    t.setMetadata(new ObjectMetaBuilder().withName("leak").withNamespace(ns).build());
    // A template that prints the secret it was given, as a careless (or curious) template author's might.
    t.setAdditionalProperty("spec", Serialization.unmarshal("""
        args: [{name: token}]
        metrics:
        - name: leak-{{args.token}}
          count: 1
          successCondition: result != ''
          provider:
            job:
              command: [sh, -c, 'echo "$TOKEN"']
              env: [{name: TOKEN, value: "{{args.token}}"}]
        """, Map.class));
    kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_TEMPLATE).inNamespace(ns).resource(t).create();
    objects.webCell(ns, alb.listenerArn(), PRIORITY, """
        - setWeight: 20
        - analysis:
            templates: [{templateName: leak}]
            args: [{name: token, valueFrom: {secretKeyRef: {name: api, key: token}}}]
        """);
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    assertThat(RunnerProcess.startExactly(args("reconcile", "--cell", "web")).waitFor(120)).isZero();
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");

    RunnerProcess run = RunnerProcess.startExactly(args("reconcile", "--cell", "web", "--wait", "--timeout", "2m", "--interval", "1s",
        "--analysis-evaluator", "okra", "--allow-job-provider", "-o", "json", "-v"));
    int code = run.waitFor(240);
    String out = run.output();

    assertThat(code).as(out).isZero();
    assertThat(out).contains("\"phase\":\"Succeeded\"").doesNotContain(token).contains("*****");
    String stored = Serialization.asJson(objects.analysisRuns(ns).get(0).getAdditionalProperties().get("status"));
    assertThat(stored).contains("*****").doesNotContain(token);
    String cellStatus = Serialization.asJson(kube.client().resources(co.mumo.okra.api.Cell.class).inNamespace(ns).withName("web").get()
        .getStatus());
    assertThat(cellStatus).doesNotContain(token);
  }

  @Test
  void thePolicyRefusesACellOfAnotherNamespaceBeforeAnyAwsCall() throws IOException {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    Path policy = Files.writeString(dir.resolve("policy.yaml"), """
        apiVersion: okra.mumo.co/v1alpha1
        kind: RunnerPolicy
        listeners:
        - arn: "%s"
          namespaces: [team-a]
        """.formatted(alb.listenerArn()));

    RunnerProcess run = RunnerProcess.startExactly(args("reconcile", "--cell", "web", "--policy", policy.toString()));
    int code = run.waitFor(120);

    assertThat(code).as(run.output()).isEqualTo(ExitCodes.INVALID);
    assertThat(run.output()).contains("spec.ingress.awsApplicationLoadBalancer.listenerARN", "gives namespace " + ns + " no rules");
    assertThat(aws.ruleAt(alb.listenerArn(), PRIORITY)).isEmpty();
  }

  @Test
  void aHeaderRouteOutsideThePolicysPrioritiesIsRefusedAndNoRuleIsMade() throws IOException {
    objects.webCellWithRoute(ns, alb.listenerArn(), PRIORITY, "example.com", 1, OkraObjects.previewStep("exact: \"yes\""));
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    Path policy = Files.writeString(dir.resolve("policy.yaml"), """
        apiVersion: okra.mumo.co/v1alpha1
        kind: RunnerPolicy
        listeners:
        - arn: "%s"
          namespaces: ["*"]
          priorities: ["%d-%d"]
        """.formatted(alb.listenerArn(), PRIORITY - 5, PRIORITY + 5));

    RunnerProcess run = RunnerProcess.startExactly(args("reconcile", "--cell", "web", "--policy", policy.toString()));
    int code = run.waitFor(120);

    assertThat(code).as(run.output()).isEqualTo(ExitCodes.INVALID);
    assertThat(run.output()).contains("spec.ingress.awsApplicationLoadBalancer.managedRoutes[0].priority", "header route tester",
        "priority 1 is outside");
    assertThat(aws.ruleAt(alb.listenerArn(), PRIORITY)).isEmpty();
    assertThat(aws.ruleAt(alb.listenerArn(), 1)).isEmpty();
  }

  @Test
  void aPolicyWithATypoIsRefusedNamingTheField() throws IOException {
    Path policy = Files.writeString(dir.resolve("policy.yaml"), """
        apiVersion: okra.mumo.co/v1alpha1
        kind: RunnerPolicy
        listeners:
        - arn: "*"
          namespaces: ["*"]
          adoptRule: true
        """);
    RunnerProcess run = RunnerProcess.startExactly(args("reconcile", "--all", "--policy", policy.toString()));
    assertThat(run.waitFor(60)).isEqualTo(ExitCodes.INVALID);
    assertThat(run.output()).contains("listeners[0].adoptRule is not a policy field");
  }

  @Test
  void aKubeconfigThatCannotBeParsedIsNamedButNeverQuoted() throws IOException {
    String key = Base64.getEncoder().encodeToString(("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI" + System.nanoTime()
        + "\n-----END EC PRIVATE KEY-----\n").getBytes());
    Path broken = Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        users:
        - name: ci
          user:
            client-key-data: %s
            token: [unclosed
        """.formatted(key));
    List<String> args = new ArrayList<>(List.of("cell", "get", "--kubeconfig", broken.toString()));
    RunnerProcess run = RunnerProcess.startExactly(args);
    assertThat(run.waitFor(60)).isEqualTo(ExitCodes.INVALID);
    assertThat(run.output()).contains(broken.toString()).doesNotContain(key).doesNotContain("MHcCAQEEI");
  }

  @Test
  void aMistypedContextIsAnErrorNotTheCurrentContext() {
    RunnerProcess run = RunnerProcess.startExactly(List.of("cell", "get", "--kubeconfig", kube.kubeconfig().toString(), "--context", "prodd"));
    assertThat(run.waitFor(60)).isEqualTo(ExitCodes.INVALID);
    assertThat(run.output()).contains("context \"prodd\" does not exist");
  }

  private List<String> args(String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of("-n", ns, "--kubeconfig", kube.kubeconfig().toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", moto.endpoint().toString()));
    return all;
  }
}
