package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.DiscoveryObjects;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import co.mumo.okra.testsupport.WorkloadKube;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Every command that prints JSON, run with -o json against the real API server, moto and a workload
 * API server, through a rollout and its human commands, discovery, cluster Secrets and an analysis,
 * and a few failures: every line it prints must fit docs/output.schema.json, and between them the
 * commands print every type the schema describes.
 */
class JsonOutputIT {
  private static final int PRIORITY = 90;
  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;
  private static EksClient eks;
  private static WorkloadKube workload;
  private final Set<String> seen = new TreeSet<>();
  private String ns;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    workload = WorkloadKube.shared(1).get(0);
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
    eks = aws.against(EksClient.builder()).build();
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
  }

  @AfterAll
  static void close() {
    eks.close();
    aws.close();
    kube.close();
  }

  @Test
  void everyCommandsLinesFitTheSchemaAndEveryTypeIsPrinted() {
    ns = kube.freshNamespace("json");
    OkraObjects objects = new OkraObjects(kube.client());
    AwsFixture.Alb alb = aws.createAlb(3);

    // Nothing there yet: said, as an event.
    json(0, "cell", "get");
    json(0, "reconcile", "--all");
    json(0, "discover");

    // A rollout and every human command.
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n- pause: {}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    json(0, "reconcile", "--cell", "web");
    json(0, "cell", "get");
    json(0, "cell", "describe", "web");
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    json(ExitCodes.NEEDS_HUMAN, "reconcile", "--cell", "web", "--wait", "--interval", "1s", "--timeout", "1m");
    json(0, "cell", "pause", "web");
    json(0, "cell", "resume", "web");
    json(0, "cell", "promote", "web");
    json(0, "reconcile", "--cell", "web");
    json(0, "reconcile", "--cell", "web");
    objects.targetGroup(ns, "web-3", alb.targetGroupArns().get(2), "3.0.0");
    json(0, "reconcile", "--cell", "web");
    json(0, "cell", "abort", "web", "--reason", "json test");
    json(ExitCodes.ROLLOUT_FAILED, "reconcile", "--cell", "web");
    json(0, "cell", "retry", "web");
    json(0, "cell", "history", "web");
    json(0, "alb", "apply", "web");
    json(0, "crds", "apply");

    // --wait that runs out of time, on a Cell (in a namespace of its own) that waits out a long pause.
    String main = ns;
    ns = kube.freshNamespace("json-slow");
    objects.webCell(ns, alb.listenerArn(), PRIORITY + 1, "- setWeight: 10\n- pause: {duration: 1h}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    json(0, "reconcile", "--cell", "web");
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    json(ExitCodes.TIMED_OUT, "reconcile", "--cell", "web", "--wait", "--interval", "1s", "--timeout", "4s");
    ns = main;

    // An analysis judged by Okra's own evaluator.
    analysisTemplate();
    json(ExitCodes.OK, "analysis", "run", "--allow-job-provider", "--template", "smoke", "--name", "gate", "--wait", "--timeout", "1m");

    // Discovery and cluster Secrets.
    String eksName = ns + "-blue";
    DiscoveryObjects.eksCluster(eks, eksName, Map.of("Service", ns));
    DiscoveryObjects discovery = new DiscoveryObjects(kube.client());
    discovery.createClusterSet(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: ClusterSet
        metadata: {name: cell1}
        spec:
          generators: [{awseks: {selector: {matchTags: {Service: %s}}}}]
        """, ns);
    discovery.argoSecret(ns, "w1", workload.server(), workload.bearerConfig(), Map.of("service", "demo"));
    workload.binding("default", "web1", Map.of("role", "web"), "arn:json-web1");
    json(0, "discover", "--clusterset", "cell1");
    json(0, "cluster", "list");
    json(0, "cluster", "bindings", "w1");
    json(0, "cluster", "create", "--eks-cluster", "by-hand", "--endpoint", "https://by-hand.example.com", "--ca-data", "Y2E=");
    json(0, "cluster", "delete", "by-hand");

    // Failures.
    json(ExitCodes.INVALID, "cell", "describe", "nope");
    json(ExitCodes.INVALID, "reconcile", "--cell", "web", "--timeout", "soon");

    JsonNode schema = OutputSchema.schema().getSchemaNode();
    Set<String> described = new TreeSet<>();
    schema.path("$defs").fields().forEachRemaining(e -> {
      String type = e.getValue().path("properties").path("type").path("const").asText();
      if (!type.isEmpty()) described.add(type);
    });
    assertThat(seen).as("every type the schema describes is printed by some command here").isEqualTo(described);
  }

  private void analysisTemplate() {
    GenericKubernetesResource t = new GenericKubernetesResource();
    t.setApiVersion("argoproj.io/v1alpha1");
    t.setKind("AnalysisTemplate");
    t.setMetadata(new ObjectMetaBuilder().withName("smoke").withNamespace(ns).build());
    t.setAdditionalProperty("spec", Serialization.unmarshal("""
        metrics:
        - name: latency
          count: 1
          successCondition: result < 100
          provider: {job: {command: "echo 42"}}
        """, Map.class));
    kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_TEMPLATE).inNamespace(ns).resource(t).create();
  }

  /** Runs {@code args} with -o json, expects {@code code}, and checks every line against the schema. */
  private Run json(int code, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-o", "json", "-n", ns, "--kubeconfig", kube.kubeconfig().toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", moto.endpoint().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    Run run = new Run(exit, out.toString(), err.toString());
    assertThat(exit).as(String.join(" ", args) + ":\n" + run.out() + run.err()).isEqualTo(code);
    seen.addAll(OutputSchema.assertValid(run.out()));
    return run;
  }
}
