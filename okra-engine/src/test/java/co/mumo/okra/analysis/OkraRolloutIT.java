package co.mumo.okra.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.analysis.eval.provider.CloudWatchProvider;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.cell.CellDecider;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * A whole rollout judged by Okra's evaluator: the real pass, ELBv2 and CloudWatch in moto, an API
 * server. The canary's error count in CloudWatch goes bad between the analysis's two measurements, and
 * the rollout rolls back.
 */
class OkraRolloutIT {
  private static TestKube kube;
  private static AwsFixture aws;
  private static CloudWatchClient cloudWatch;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
    cloudWatch = aws.against(CloudWatchClient.builder()).build();
  }

  @AfterAll
  static void stop() {
    cloudWatch.close();
    aws.close();
    kube.close();
  }

  @Test
  void aCloudWatchMetricGoingBadHalfWayRollsTheCanaryBack() {
    String ns = kube.freshNamespace("okra-rollout");
    String metricNamespace = "okra-e2e/" + UUID.randomUUID();
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
    OkraObjects objects = new OkraObjects(kube.client());
    AwsFixture.Alb alb = aws.createAlb(2);
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new OkraAnalyses(kube.client(), new Providers(List.of(new CloudWatchProvider(cloudWatch))), clock, co.mumo.okra.cell.Evaluator.OKRA),
        clock);

    objects.cloudWatchErrorsTemplate(ns, metricNamespace, "1m", 2, "2m");
    objects.webCell(ns, alb.listenerArn(), 20, """
        - setWeight: 20
        - analysis:
            templates: [{templateName: errors}]
            args: [{name: version, valueFrom: {fieldRef: {fieldPath: status.desiredVersion}}}]
        - setWeight: 60
        """);
    String v1 = alb.targetGroupArns().get(0);
    String v2 = alb.targetGroupArns().get(1);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass(reconciler, ns);
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    pass(reconciler, ns);
    assertThat(aws.weightsOf(alb.listenerArn(), 20)).isEqualTo(Map.of(v1, 80, v2, 20));

    put(metricNamespace, clock.instant().minusSeconds(60), 1);
    PassResult started = pass(reconciler, ns);
    String run = CellDecider.runName("web", started.status().rolloutId, 1);
    PassResult firstMeasurement = pass(reconciler, ns);
    assertThat(firstMeasurement.status().message).contains("waiting for AnalysisRun " + run + " (Running)");
    assertThat(measurements(ns, run)).isEqualTo(1);

    clock.advance(Duration.ofMinutes(1));
    put(metricNamespace, clock.instant().minusSeconds(30), 40); // the canary starts failing
    PassResult failed = pass(reconciler, ns);
    assertThat(failed.phase()).isEqualTo(Phase.Failed);
    assertThat(failed.status().message).contains("AnalysisRun " + run + " Failed")
        .contains("Metric \"errors\" assessed Failed due to failed (1) > failureLimit (0)")
        .contains("successCondition \"all(result[0].Values, {# <= 5})\" is false");
    assertThat(aws.weightsOf(alb.listenerArn(), 20)).isEqualTo(Map.of(v1, 100));
    assertThat(measurements(ns, run)).isEqualTo(2);
  }

  private void put(String metricNamespace, Instant at, double value) {
    cloudWatch.putMetricData(r -> r.namespace(metricNamespace).metricData(d -> d.metricName("Errors").timestamp(at).value(value)
        .dimensions(x -> x.name("Version").value("2.0.0"))));
  }

  private static PassResult pass(CellReconciler reconciler, String ns) {
    return reconciler.reconcile(ns, "web", new Options(false));
  }

  @SuppressWarnings("unchecked")
  private static int measurements(String ns, String run) {
    GenericKubernetesResource r = kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).withName(run).get();
    return RunStatus.fromMap((Map<String, Object>) r.getAdditionalProperties().get("status")).result("errors").orElseThrow()
        .measurements().size();
  }
}
