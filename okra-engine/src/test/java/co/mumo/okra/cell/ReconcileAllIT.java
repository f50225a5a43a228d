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
    KubernetesClient counted = countingByKind(calls);
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

  private static String cellYaml(String name, String listenerArn, int priority) {
    return """
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: %s
        spec:
          ingress:
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule: {priority: %d, hosts: [%s.example.com]}
              targetGroupSelector:
                matchLabels: {cell: %s}
          updateStrategy:
            canary:
              steps:
              - setWeight: 20
              - setWeight: 50
        """.formatted(name, listenerArn, priority, name, name);
  }

  private void targetGroup(OkraObjects objects, String ns, String name, String arn, String version, String cell) {
    objects.targetGroup(ns, name, arn, version);
    kube.client().resources(co.mumo.okra.api.AWSTargetGroup.class).inNamespace(ns).withName(name).edit(tg -> {
      tg.getMetadata().getLabels().put("cell", cell);
      return tg;
    });
  }

  @Test
  void aCellWhoseListenerIsGoneFailsAloneAndTheOthersGoOn() {
    String ns = kube.freshNamespace("all-err");
    AwsFixture.Alb alb = aws.createAlb(2);
    OkraObjects objects = new OkraObjects(kube.client());
    String gone = alb.listenerArn().replaceAll("/[0-9a-f]+$", "/0000000000000000");
    objects.cell(ns, cellYaml("a-gone", gone, 300));
    objects.cell(ns, cellYaml("b-ok", alb.listenerArn(), 301));
    targetGroup(objects, ns, "tg-a", alb.targetGroupArns().get(0), "1.0.0", "a-gone");
    targetGroup(objects, ns, "tg-b", alb.targetGroupArns().get(1), "1.0.0", "b-ok");
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(kube.client()), Clock.systemUTC());

    List<PassResult> results = reconciler.reconcileAll(ns, new Options(false));

    assertThat(results).extracting(PassResult::cell, PassResult::outcome).containsExactly(
        org.assertj.core.api.Assertions.tuple(ns + "/a-gone", Outcome.ERROR), org.assertj.core.api.Assertions.tuple(ns + "/b-ok", Outcome.CHANGED));
    assertThat(results.get(0).status().message)
        .startsWith("this pass failed, nothing more was written: AWS ElasticLoadBalancingV2: ListenerNotFound (400)");
    assertThat(results.get(1).phase()).isEqualTo(Phase.Succeeded);
    assertThat(aws.weightsOf(alb.listenerArn(), 301)).isEqualTo(Map.of(alb.targetGroupArns().get(1), 100));
  }

  @Test
  void aMovingCellCostsFourKubernetesCallsBesidesThePassesLists() throws Exception {
    String ns = kube.freshNamespace("all-move");
    AwsFixture.Alb alb = aws.createAlb(2);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.cell(ns, cellYaml("web", alb.listenerArn(), 310));
    targetGroup(objects, ns, "tg-1", alb.targetGroupArns().get(0), "1.0.0", "web");
    List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    KubernetesClient counted = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            String path = request.uri().getPath();
            calls.add(request.method() + " " + path.substring(path.indexOf("/namespaces/" + ns + "/") + ns.length() + 13));
          }
        })).build();
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(counted), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(counted), Clock.systemUTC());
    reconciler.reconcileAll(ns, new Options(false)); // 1.0.0 at 100%
    targetGroup(objects, ns, "tg-2", alb.targetGroupArns().get(1), "2.0.0", "web");
    calls.clear();

    List<PassResult> moved = reconciler.reconcileAll(ns, new Options(false)); // to setWeight 20

    assertThat(moved).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(Outcome.CHANGED));
    assertThat(aws.weightsOf(alb.listenerArn(), 310)).containsEntry(alb.targetGroupArns().get(1), 20);
    // The Events the transition stands for (rollout started, step started, weights set) are one POST each, best effort.
    assertThat(calls).filteredOn("POST events"::equals).hasSize(3);
    assertThat(calls).filteredOn(c -> !c.matches("GET [a-z]+") && !c.equals("POST events")).as("besides one LIST per kind").containsExactly(
        "PUT cells/web/status", "GET cells/web", "PUT awsapplicationloadbalancerconfigs/web",
        "PUT awsapplicationloadbalancerconfigs/web/status");
    counted.close();
  }

  @Test
  void aParallelPassWorksOnSeveralListenersAtOnceAndStillListsEachKindOnce() throws Exception {
    String ns = kube.freshNamespace("all-par");
    List<AwsFixture.Alb> albs = List.of(aws.createAlb(4), aws.createAlb(4), aws.createAlb(4));
    OkraObjects objects = new OkraObjects(kube.client());
    for (int i = 0; i < 6; i++) {
      AwsFixture.Alb alb = albs.get(i % 3);
      objects.cell(ns, cellYaml("cell-" + i, alb.listenerArn(), 320 + i));
      targetGroup(objects, ns, "tg-" + i + "-v1", alb.targetGroupArns().get(i / 3 * 2), "1.0.0", "cell-" + i);
    }
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    KubernetesClient counted = countingByKind(calls);
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(counted), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(counted), Clock.systemUTC());
    Options parallel = new Options(false, 3);
    assertThat(reconciler.reconcileAll(ns, parallel)).allSatisfy(r -> assertThat(r.phase()).isEqualTo(Phase.Succeeded));
    for (int i = 0; i < 6; i++) {
      AwsFixture.Alb alb = albs.get(i % 3);
      targetGroup(objects, ns, "tg-" + i + "-v2", alb.targetGroupArns().get(i / 3 * 2 + 1), "2.0.0", "cell-" + i);
    }
    calls.clear();
    aws.calls().reset();

    List<PassResult> moved = reconciler.reconcileAll(ns, parallel);

    assertThat(moved).extracting(PassResult::cell).containsExactly(
        java.util.stream.IntStream.range(0, 6).mapToObj(i -> ns + "/cell-" + i).toArray(String[]::new));
    assertThat(moved).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.CHANGED));
    assertThat(aws.calls().count("DescribeRules")).as("once per listener").isEqualTo(3);
    for (int i = 0; i < 6; i++) {
      AwsFixture.Alb alb = albs.get(i % 3);
      assertThat(aws.weightsOf(alb.listenerArn(), 320 + i)).as("cell-" + i).isEqualTo(Map.of(
          alb.targetGroupArns().get(i / 3 * 2), 80, alb.targetGroupArns().get(i / 3 * 2 + 1), 20));
    }
    for (String kind : List.of("GET cells", "GET awstargetgroups", "GET versionblocklists", "GET awsapplicationloadbalancerconfigs")) {
      assertThat(calls.get(kind).get()).as(kind + ": one LIST, and one GET per moving Cell for cells")
          .isEqualTo(kind.equals("GET cells") ? 1 + 6 : 1);
    }
    counted.close();
  }

  /** A client of the test API server that counts its requests by method and kind into {@code calls}. */
  private static KubernetesClient countingByKind(Map<String, AtomicInteger> calls) throws java.io.IOException {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            calls.computeIfAbsent(request.method() + " " + resource(request), k -> new AtomicInteger()).incrementAndGet();
          }
        })).build();
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
