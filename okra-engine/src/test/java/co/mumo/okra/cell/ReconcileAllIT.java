package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.Outcome;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pass over every Cell of a namespace costs calls per namespace and per listener, not per Cell: a
 * converged pass over several Cells on one listener lists each kind once, reads the listener's rules
 * once, and writes nothing.
 */
class ReconcileAllIT {
  private static TestKube kube;
  private static AwsFixture aws;

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

  @Test
  void aConvergedPassOverFiveCellsListsEachKindOnceAndWritesNothing() throws Exception {
    String ns = kube.freshNamespace("all");
    AwsFixture.Alb alb = aws.createAlb(5);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.analysisTemplate(ns, "success-rate");
    for (int i = 0; i < 5; i++) {
      objects.cell(ns, """
          apiVersion: okra.mumo.co/v1alpha1
          kind: Cell
          metadata:
            name: cell-%d
          spec:
            ingress:
              awsApplicationLoadBalancer:
                listenerARN: %s
                listener:
                  rule: {priority: %d, hosts: [cell-%d.example.com]}
                targetGroupSelector:
                  matchLabels: {cell: cell-%d}
            updateStrategy:
              canary:
                steps:
                - setWeight: 20
                - analysis: {templates: [{templateName: success-rate}]}
          """, i, alb.listenerArn(), 100 + i, i, i);
      objects.targetGroup(ns, "tg-" + i, alb.targetGroupArns().get(i), "1.0.0");
      String cell = "cell-" + i;
      kube.client().resources(co.mumo.okra.api.AWSTargetGroup.class).inNamespace(ns).withName("tg-" + i)
          .edit(tg -> {
            tg.getMetadata().getLabels().put("cell", cell);
            return tg;
          });
    }
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    KubernetesClient counted = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            calls.computeIfAbsent(request.method() + " " + resource(request), k -> new AtomicInteger()).incrementAndGet();
          }
        })).build();
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(counted), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(counted), Clock.systemUTC());
    for (int i = 0; i < 3; i++) reconciler.reconcileAll(ns, new Options(false));

    calls.clear();
    aws.calls().reset();
    List<PassResult> results = reconciler.reconcileAll(ns, new Options(false));

    assertThat(results).hasSize(5).allSatisfy(r -> {
      assertThat(r.phase()).isEqualTo(Phase.Succeeded);
      assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
    });
    assertThat(aws.calls().count("DescribeRules")).as("once per listener, not per Cell").isEqualTo(1);
    assertThat(aws.calls().writes()).isZero();
    assertThat(calls.keySet()).allSatisfy(k -> assertThat(k).startsWith("GET "));
    assertThat(calls).allSatisfy((k, v) -> assertThat(v.get()).as(k).isEqualTo(1));
    assertThat(calls.keySet()).contains("GET cells", "GET awstargetgroups", "GET versionblocklists",
        "GET awsapplicationloadbalancerconfigs", "GET analysisruns", "GET experiments", "GET analysistemplates");
    counted.close();
  }

  /** The plural of the request's path: LIST and GET of one kind count as one kind. */
  private static String resource(HttpRequest request) {
    String[] parts = request.uri().getPath().split("/");
    for (int i = parts.length - 1; i > 0; i--) {
      if (parts[i - 1].equals("namespaces")) continue;
      if (parts[i].matches("[a-z]+s") && !parts[i].equals("namespaces")) return parts[i];
    }
    return request.uri().getPath();
  }
}
