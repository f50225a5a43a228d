package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.Outcome;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole rollouts through the real reconcile pass: the AWS SDK against moto, fabric8 against an API
 * server. The test plays Argo Rollouts' controller by setting AnalysisRun phases.
 */
class CellRolloutIT {
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
      - setWeight: 60
      - pause:
          duration: 30s
      """;

  private static TestKube kube;
  private static AwsFixture aws;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private OkraObjects objects;
  private CellReconciler reconciler;
  private String ns;
  private AwsFixture.Alb alb;
  private String v1;
  private String v2;
  private int priority;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
  }

  @AfterAll
  static void stop() {
    aws.close();
    kube.close();
  }

  @BeforeEach
  void setUp() {
    ns = kube.freshNamespace("rollout");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(3);
    v1 = alb.targetGroupArns().get(0);
    v2 = alb.targetGroupArns().get(1);
    reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(kube.client()), clock);
    objects.analysisTemplate(ns, "success-rate", "version");
  }

  @Test
  void firstVersionGetsAllTrafficAtOnceThenTheNextGoesThroughEveryStep() {
    webCell(10, STEPS);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");

    PassResult first = pass();
    assertThat(first.phase()).isEqualTo(Phase.Succeeded);
    assertThat(weights()).isEqualTo(Map.of(v1, 100));
    assertThat(aws.tagsOf(aws.ruleAt(alb.listenerArn(), 10).orElseThrow().ruleArn())).containsEntry("okra.mumo.co/cell", ns + "/web");

    objects.targetGroup(ns, "web-v2", v2, "v2.0.0");
    PassResult start = pass();
    assertThat(start.phase()).isEqualTo(Phase.Progressing);
    assertThat(start.status().desiredVersion).isEqualTo("v2.0.0");
    assertThat(weights()).isEqualTo(Map.of(v1, 80, v2, 20));

    PassResult analysis = pass();
    String run = CellDecider.runName("web", analysis.status().rolloutId, 1);
    assertThat(analysis.done()).contains("started AnalysisRun " + run);
    assertThat(argsOf(run)).containsEntry("version", "v2.0.0");
    assertThat(pass().status().message).contains("waiting for AnalysisRun " + run + " (Pending)");
    assertThat(pass().outcome()).as("waiting for the run changes nothing").isEqualTo(Outcome.UNCHANGED);
    assertThat(weights()).isEqualTo(Map.of(v1, 80, v2, 20));

    objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, run, "Successful");
    pass();
    assertThat(weights()).isEqualTo(Map.of(v1, 40, v2, 60));
    PassResult pausing = pass();
    assertThat(pausing.status().currentStepIndex).isEqualTo(3);
    assertThat(pausing.status().pauseEndsAt).isEqualTo("2026-01-01T00:00:30Z");
    assertThat(pausing.plan().orElseThrow().requeueAfter()).contains(Duration.ofSeconds(30));

    clock.advance(Duration.ofSeconds(31));
    PassResult done = pass();
    assertThat(done.phase()).isEqualTo(Phase.Succeeded);
    assertThat(done.status().stableVersion).isEqualTo("v2.0.0");
    assertThat(weights()).as("the old target group leaves the rule").isEqualTo(Map.of(v2, 100));
    AWSApplicationLoadBalancerConfig config = kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(ns)
        .withName("web").get();
    assertThat(config.getStatus().phase).isEqualTo("Applied");
    assertThat(config.getStatus().appliedTargetGroups).extracting(t -> t.arn).containsExactly(v2);
    assertThat(config.getMetadata().getOwnerReferences()).extracting(o -> o.getName()).containsExactly("web");

    PassResult verified = pass();
    assertThat(verified.status().conditions).filteredOn(c -> c.type.equals("Ready")).singleElement()
        .satisfies(c -> assertThat(c.status).isEqualTo("True"));
    aws.calls().reset();
    PassResult converged = pass();
    assertThat(converged.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(aws.calls().writes()).isZero();
    assertThat(aws.calls().count("DescribeRules")).isEqualTo(1);
  }

  @Test
  void failedAnalysisRollsBackBlocksTheVersionAndDoesNotRetryIt() {
    webCell(11, STEPS);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    pass();
    PassResult analysis = pass();
    String run = CellDecider.runName("web", analysis.status().rolloutId, 1);
    objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, run, "Failed");

    PassResult failed = pass();
    assertThat(failed.phase()).isEqualTo(Phase.Failed);
    assertThat(failed.status().message).contains("AnalysisRun " + run + " Failed");
    assertThat(weights()).isEqualTo(Map.of(v1, 100));
    VersionBlocklist blocklist = kube.client().resources(VersionBlocklist.class).inNamespace(ns).withName("web").get();
    assertThat(blocklist.getSpec().items).extracting(i -> i.version).containsExactly("2.0.0");

    PassResult after = pass();
    assertThat(after.phase()).isEqualTo(Phase.Failed);
    assertThat(after.status().failure.blocklisted).isTrue();
    assertThat(pass().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(weights()).isEqualTo(Map.of(v1, 100));
  }

  @Test
  void vanishedCanaryFallsBackToStableAtOnce() {
    webCell(12, STEPS);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    pass();
    assertThat(weights()).isEqualTo(Map.of(v1, 80, v2, 20));

    objects.deleteTargetGroup(ns, "web-v2");
    PassResult decided = reconciler.reconcile(ns, "web", new Options(true));
    assertThat(decided.phase()).as("until the ALB carries it").isEqualTo(Phase.Promoting);
    assertThat(decided.status().message).contains("no longer complete");
    PassResult fallback = pass();
    assertThat(fallback.phase()).as("the same command read the rule again").isEqualTo(Phase.Succeeded);
    assertThat(fallback.status().message).contains("no longer complete").endsWith("; the listener rule carries it");
    assertThat(weights()).isEqualTo(Map.of(v1, 100));
  }

  @Test
  void invalidCellIsReportedWithTheFieldAndTouchesNoLoadBalancer() {
    // What the CRD's schema cannot check (the API server refuses the rest at apply time: BadInputIT).
    webCell(13, """
        - setWeight: 20
        - pause:
            duration: 2d
        - pause:
            duration: 5x
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    aws.calls().reset();

    PassResult result = pass();
    assertThat(result.outcome()).isEqualTo(Outcome.INVALID);
    Cell cell = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    assertThat(cell.getStatus().phase).isEqualTo("Invalid");
    assertThat(cell.getStatus().message)
        .contains("spec.updateStrategy.canary.steps[1].pause.duration: \"2d\" is not a duration")
        .contains("spec.updateStrategy.canary.steps[2].pause.duration: \"5x\" is not a duration");
    assertThat(aws.calls().snapshot()).as("no AWS call at all").isEmpty();
    assertThat(aws.ruleAt(alb.listenerArn(), 13)).isEmpty();
  }

  @Test
  void ruleOwnedBySomeoneElseIsNeverTakenOver() {
    aws.createRule(alb.listenerArn(), 14, "example.com", Map.of(alb.targetGroupArns().get(2), 100), Optional.of("other/cell"));
    webCell(14, STEPS);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    aws.calls().reset();

    PassResult result = pass();
    assertThat(result.phase()).isEqualTo(Phase.Invalid);
    assertThat(result.status().message).contains("belongs to Cell other/cell");
    assertThat(aws.calls().writes()).isZero();
    assertThat(weights(14)).isEqualTo(Map.of(alb.targetGroupArns().get(2), 100));
  }

  @Test
  @SuppressWarnings("unchecked")
  void experimentStepRunsAnArgoExperimentBuiltFromTheReplicaSet() {
    kube.client().apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName("wy").endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "wy").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "wy").endMetadata()
        .withNewSpec().addNewContainer().withName("wy").withImage("mumoshu/wy:latest").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    webCell(16, """
        - setWeight: 20
        - experiment:
            duration: 5m
            templates:
            - name: wy
              specRef: wy
              replicas: 1
            analyses:
            - name: success-rate
              templateName: success-rate
              args:
              - name: version
                valueFrom:
                  fieldRef:
                    fieldPath: status.desiredVersion
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    pass();
    PassResult started = pass();
    String name = CellDecider.runName("web", started.status().rolloutId, 1);
    assertThat(started.done()).contains("started Experiment " + name);

    GenericKubernetesResource experiment = kube.client().genericKubernetesResources(OkraObjects.EXPERIMENT).inNamespace(ns)
        .withName(name).get();
    Map<String, Object> spec = (Map<String, Object>) experiment.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("duration", "5m");
    Map<String, Object> template = ((List<Map<String, Object>>) spec.get("templates")).get(0);
    assertThat(template).containsEntry("name", "wy").containsEntry("replicas", 1);
    assertThat(Serialization.asJson(template.get("template"))).contains("mumoshu/wy:latest");
    Map<String, Object> analysis = ((List<Map<String, Object>>) spec.get("analyses")).get(0);
    assertThat(Serialization.asJson(analysis.get("args"))).contains("\"value\":\"2.0.0\"");
    assertThat(experiment.getMetadata().getLabels()).containsEntry("okra.mumo.co/cell", "web");

    objects.setPhase(OkraObjects.EXPERIMENT, ns, name, "Successful");
    assertThat(pass().phase()).isEqualTo(Phase.Succeeded);
    assertThat(weights()).isEqualTo(Map.of(v2, 100));
  }

  @Test
  void missingTemplateAndSecretAreNamedAndNothingIsTouched() {
    webCell(17, """
        - setWeight: 20
        - analysis:
            templates:
            - templateName: no-such-template
        - analysis:
            templates:
            - templateName: success-rate
            args:
            - name: version
              valueFrom:
                secretKeyRef:
                  name: datadog
                  key: api-key
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    aws.calls().reset();

    PassResult result = pass();
    assertThat(result.phase()).isEqualTo(Phase.Invalid);
    assertThat(result.status().message)
        .contains("spec.updateStrategy.canary.steps[1].analysis.templates[0].templateName: AnalysisTemplate " + ns
            + "/no-such-template not found")
        .contains("spec.updateStrategy.canary.steps[2].analysis.args[0].valueFrom.secretKeyRef.name: Secret " + ns
            + "/datadog not found");
    assertThat(aws.calls().writes()).isZero();
    assertThat(aws.ruleAt(alb.listenerArn(), 17)).isEmpty();
  }

  @Test
  void weightsChangedByHandOnTheAlbAreSeenReportedAndRepaired() {
    webCell(18, STEPS);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    pass();
    String ruleArn = aws.ruleAt(alb.listenerArn(), 18).orElseThrow().ruleArn();
    aws.elbv2().modifyRule(b -> b.ruleArn(ruleArn).actions(a -> a.type("forward").forwardConfig(f -> f.targetGroups(
        t -> t.targetGroupArn(v1).weight(50), t -> t.targetGroupArn(alb.targetGroupArns().get(2)).weight(50)))));

    PassResult seen = reconciler.reconcile(ns, "web", new Options(true));
    assertThat(seen.phase()).as("the ALB does not carry what Succeeded said").isEqualTo(Phase.Promoting);
    assertThat(seen.status().conditions).filteredOn(c -> c.type.equals("TrafficSynced")).singleElement()
        .satisfies(c -> {
          assertThat(c.reason).isEqualTo("Drift");
          assertThat(c.message).contains("changed outside Okra").contains("web-v1=50");
        });
    PassResult repaired = pass();
    assertThat(repaired.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(repaired.phase()).isEqualTo(Phase.Succeeded);
    assertThat(weights()).isEqualTo(Map.of(v1, 100));
  }

  @Test
  void dryRunDecidesButWritesNothing() {
    webCell(15, STEPS);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    String before = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get().getMetadata().getResourceVersion();

    PassResult result = reconciler.reconcile(ns, "web", new Options(true));
    assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
    assertThat(result.done()).singleElement().asString().startsWith("would apply the rule at priority 15: web-v1(1.0.0)=100");
    assertThat(aws.ruleAt(alb.listenerArn(), 15)).isEmpty();
    assertThat(kube.client().resources(Cell.class).inNamespace(ns).withName("web").get().getMetadata().getResourceVersion())
        .isEqualTo(before);
  }

  private PassResult pass() {
    return reconciler.reconcile(ns, "web", new Options(false));
  }

  private void webCell(int rulePriority, String steps) {
    priority = rulePriority;
    objects.webCell(ns, alb.listenerArn(), rulePriority, steps);
  }

  private Map<String, Integer> weights() {
    return weights(priority);
  }

  private Map<String, Integer> weights(int priority) {
    return aws.weightsOf(alb.listenerArn(), priority);
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> argsOf(String run) {
    GenericKubernetesResource r = objects.analysisRuns(ns).stream().filter(x -> x.getMetadata().getName().equals(run)).findFirst()
        .orElseThrow();
    List<Map<String, Object>> args = (List<Map<String, Object>>) ((Map<String, Object>) r.getAdditionalProperties().get("spec")).get("args");
    return args.stream().collect(java.util.stream.Collectors.toMap(a -> (String) a.get("name"), a -> String.valueOf(a.get("value"))));
  }
}
