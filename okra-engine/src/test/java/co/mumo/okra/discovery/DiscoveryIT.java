package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.ClusterSet;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.DiscoveryObjects;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import co.mumo.okra.testsupport.WorkloadKube;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Discovery end to end: EKS and STS through the SDK against moto, the management cluster and three
 * workload clusters as separate real kube-apiservers, each workload holding TargetGroupBindings.
 *
 * <p>moto gives every EKS cluster the same made-up endpoint, so for Secrets written by a ClusterSet
 * the test routes the connection to the workload server standing in for that EKS cluster (by
 * cluster name) and uses that server's bearer token: kube-apiserver cannot take an EKS token. Secrets
 * written by hand point at the servers directly, with a bearer token, the client certificate, an exec
 * plugin, or insecure TLS.
 */
class DiscoveryIT {
  private static final String ROLE_WEB = "role";

  private static TestKube kube;
  private static List<WorkloadKube> workloads;
  private static AwsFixture aws;
  private static EksClient eks;
  private static StsClient sts;

  private final Map<String, WorkloadKube> standIns = new HashMap<>();
  private DiscoveryObjects objects;
  private Discovery discovery;
  private Fabric8WorkloadClusters real;
  private String ns;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    workloads = WorkloadKube.shared(3);
    aws = new AwsFixture(MotoServer.shared().endpoint());
    eks = aws.against(EksClient.builder()).build();
    sts = aws.against(StsClient.builder()).build();
  }

  @AfterAll
  static void close() {
    eks.close();
    sts.close();
    aws.close();
    kube.close();
  }

  @BeforeEach
  void setUp() {
    workloads.forEach(WorkloadKube::clear);
    ns = kube.freshNamespace("disc");
    objects = new DiscoveryObjects(kube.client());
    real = new Fabric8WorkloadClusters(new StsEksTokens(sts, Clock.systemUTC()),
        new Fabric8WorkloadClusters.Trust(new AwsEksClusters(eks), true), Duration.ofSeconds(3), Duration.ofSeconds(10));
    WorkloadClusters routed = (cluster, selectors) -> {
      WorkloadKube w = standIns.get(cluster.clusterName());
      ArgoCluster target = w == null ? cluster : new ArgoCluster(cluster.namespace(), cluster.secretName(), cluster.clusterName(),
          w.server(), ClusterConfig.parse(w.bearerConfig(), "stand-in"), cluster.labels());
      return real.bindings(target, selectors);
    };
    DiscoveryStore store = new Fabric8DiscoveryStore(kube.client());
    discovery = new Discovery(store, new ClusterSetReconciler(store, new AwsEksClusters(eks), Clock.systemUTC()),
        new TargetGroupSetReconciler(store, routed, Clock.systemUTC(), 4, Duration.ofSeconds(20)));
  }

  @Test
  void aNewClusterIsDiscoveredEndToEndAndRolledOut() {
    AwsFixture.Alb alb = aws.createAlb(2);
    String v1 = alb.targetGroupArns().get(0);
    String v2 = alb.targetGroupArns().get(1);
    new OkraObjects(kube.client()).webCell(ns, alb.listenerArn(), 30, "- setWeight: 20\n- pause: {}\n");
    clusterSetAndTargetGroupSet();

    String blue = eksCluster("blue", workloads.get(0));
    workloads.get(0).binding("default", "web1", Map.of(ROLE_WEB, "web", "okra.mumo.co/version", "1.0.0"), v1);
    List<DiscoveryResult> first = run();
    assertThat(first).extracting(DiscoveryResult::created).containsExactly(List.of(blue), List.of(blue + "-default-web1"));

    Secret secret = objects.secret(ns, blue).orElseThrow();
    assertThat(secret.getMetadata().getLabels()).containsEntry("argocd.argoproj.io/secret-type", "cluster")
        .containsEntry("service", "demo").containsEntry("okra.mumo.co/clusterset", "cell1");
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("ClusterSet");
      assertThat(o.getName()).isEqualTo("cell1");
    });
    Map<String, String> data = DiscoveryObjects.data(secret);
    assertThat(data).containsEntry("name", blue).containsKey("server");
    assertThat(data.get("server")).startsWith("https://").contains(".eks.amazonaws.com");
    ClusterConfig config = ClusterConfig.parse(data.get("config"), "Secret " + blue);
    assertThat(config.awsAuth()).contains(new ClusterConfig.AwsAuth(blue, Optional.empty()));
    assertThat(config.tls().caData()).isPresent();
    assertThat(config.bearerToken()).isEmpty();

    AWSTargetGroup tg = objects.targetGroup(ns, blue + "-default-web1").orElseThrow();
    assertThat(tg.getSpec().arn).isEqualTo(v1);
    assertThat(tg.getMetadata().getLabels()).containsEntry(ROLE_WEB, "web").containsEntry("okra.mumo.co/version", "1.0.0")
        .containsEntry("okra.mumo.co/target-group-binding-cluster", blue);
    assertThat(tg.getMetadata().getOwnerReferences()).extracting(o -> o.getKind()).containsExactly("AWSTargetGroupSet");

    CellReconciler cells = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(kube.client()), Clock.systemUTC());
    assertThat(cells.reconcile(ns, "web", new CellReconciler.Options(false)).phase()).isEqualTo(Phase.Succeeded);
    assertThat(aws.weightsOf(alb.listenerArn(), 30)).isEqualTo(Map.of(v1, 100));

    // A new cluster comes up, with the same manifest (same binding namespace/name) at version 2.
    String green = eksCluster("green", workloads.get(1));
    workloads.get(1).binding("default", "web1", Map.of(ROLE_WEB, "web", "okra.mumo.co/version", "2.0.0"), v2);
    assertThat(run()).extracting(DiscoveryResult::created).containsExactly(List.of(green), List.of(green + "-default-web1"));
    CellReconciler.PassResult pass = cells.reconcile(ns, "web", new CellReconciler.Options(false));
    assertThat(pass.phase()).isEqualTo(Phase.Progressing);
    assertThat(pass.status().desiredVersion).isEqualTo("2.0.0");
    assertThat(aws.weightsOf(alb.listenerArn(), 30)).isEqualTo(Map.of(v1, 80, v2, 20));

    List<DiscoveryResult> again = run();
    assertThat(again).extracting(DiscoveryResult::outcome).containsOnly(DiscoveryResult.Outcome.UNCHANGED);
    ClusterSet set = objects.clusterSet(ns, "cell1");
    assertThat(set.getStatus().matchedClusters).isEqualTo(2);
    assertThat(set.getStatus().clusters).containsExactly(blue, green);
    assertThat(set.getStatus().conditions).singleElement().satisfies(c -> assertThat(c.status).isEqualTo("True"));
    AWSTargetGroupSet tgSet = objects.targetGroupSet(ns, "cell1");
    assertThat(tgSet.getStatus().targetGroups).isEqualTo(2);
    assertThat(tgSet.getStatus().phase).isEqualTo("Synced");
  }

  @Test
  void aClusterDeletedInEksLosesItsSecretAndItsTargetGroups() {
    clusterSetAndTargetGroupSet();
    String blue = eksCluster("blue", workloads.get(0));
    String green = eksCluster("green", workloads.get(1));
    workloads.get(0).binding("default", "web1", Map.of(ROLE_WEB, "web"), "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/b/1");
    workloads.get(1).binding("default", "web1", Map.of(ROLE_WEB, "web"), "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/g/2");
    run();
    assertThat(objects.targetGroups(ns)).hasSize(2);

    DiscoveryObjects.deleteEksCluster(eks, blue);
    List<DiscoveryResult> results = run();
    assertThat(results.get(0).deleted()).containsExactly(blue);
    assertThat(results.get(1).deleted()).containsExactly(blue + "-default-web1");
    assertThat(objects.secret(ns, blue)).isEmpty();
    assertThat(objects.secret(ns, green)).isPresent();
    assertThat(objects.targetGroups(ns)).extracting(t -> t.getMetadata().getName()).containsExactly(green + "-default-web1");
  }

  @Test
  void aChangedTemplateUpdatesTheSecretsAndAnEksOutageDeletesNothing() {
    clusterSetAndTargetGroupSet();
    String blue = eksCluster("blue", workloads.get(0));
    run();
    kube.client().resources(ClusterSet.class).inNamespace(ns).withName("cell1").edit(s -> {
      s.getSpec().template.metadata.labels = Map.of("service", "demo", "tier", "gold");
      return s;
    });
    assertThat(run().get(0).updated()).containsExactly(blue);
    assertThat(objects.secret(ns, blue).orElseThrow().getMetadata().getLabels()).containsEntry("tier", "gold");

    DiscoveryStore store = new Fabric8DiscoveryStore(kube.client());
    EksClusters down = new EksClusters() {
      @Override
      public List<EksCluster> clusters() {
        throw software.amazon.awssdk.core.exception.SdkClientException.create("Unable to execute HTTP request: connect timed out");
      }

      @Override
      public Optional<EksCluster> cluster(String name) {
        return clusters().stream().findFirst();
      }
    };
    ClusterSetReconciler failing = new ClusterSetReconciler(store, down, Clock.systemUTC());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.reconcile(objects.clusterSet(ns, "cell1"), false))
        .hasMessageContaining("connect timed out");
    assertThat(objects.secret(ns, blue)).as("a failed EKS listing is not an empty one").isPresent();
  }

  @Test
  void identicalBindingsInTwoClustersGetOneTargetGroupEach() {
    objects.argoSecret(ns, "web-a", workloads.get(0).server(), workloads.get(0).insecureBearerConfig(), Map.of("service", "demo"));
    objects.argoSecret(ns, "web-b", workloads.get(1).server(), workloads.get(1).clientCertConfig(), Map.of("service", "demo"));
    targetGroupSet();
    workloads.get(0).binding("default", "web1", Map.of(ROLE_WEB, "web", "okra.mumo.co/version", "1.0.0"), "arn:a");
    workloads.get(1).binding("default", "web1", Map.of(ROLE_WEB, "web", "okra.mumo.co/version", "1.0.0"), "arn:b");
    workloads.get(1).binding("default", "other", Map.of(ROLE_WEB, "api"), "arn:c");

    DiscoveryResult result = run().get(0);
    assertThat(result.created()).containsExactlyInAnyOrder("web-a-default-web1", "web-b-default-web1");
    assertThat(objects.targetGroup(ns, "web-a-default-web1").orElseThrow().getSpec().arn).isEqualTo("arn:a");
    assertThat(objects.targetGroup(ns, "web-b-default-web1").orElseThrow().getSpec().arn).isEqualTo("arn:b");
    assertThat(objects.targetGroup(ns, "web-b-default-web1").orElseThrow().getMetadata().getLabels())
        .containsEntry("okra.mumo.co/target-group-binding-cluster", "web-b")
        .containsEntry("okra.mumo.co/target-group-binding-namespace", "default")
        .containsEntry("okra.mumo.co/target-group-binding-name", "web1");
  }

  @Test
  void anUnreachableClusterIsReportedKeepsItsTargetGroupsAndDoesNotStopTheOthers() {
    objects.argoSecret(ns, "w1", workloads.get(0).server(), workloads.get(0).bearerConfig(), Map.of("service", "demo"));
    objects.argoSecret(ns, "w2", workloads.get(1).server(), workloads.get(1).clientCertConfig(), Map.of("service", "demo"));
    objects.argoSecret(ns, "w3", workloads.get(2).server(), workloads.get(2).execConfig(), Map.of("service", "demo"));
    targetGroupSet();
    for (int i = 0; i < 3; i++) {
      workloads.get(i).binding("apps", "web", Map.of(ROLE_WEB, "web"), "arn:" + i);
    }
    workloads.get(0).binding("apps", "web-old", Map.of(ROLE_WEB, "web"), "arn:old");
    assertThat(run().get(0).created()).containsExactlyInAnyOrder("w1-apps-web", "w1-apps-web-old", "w2-apps-web", "w3-apps-web");

    // w3 goes away (its server address now answers nothing); meanwhile a binding goes from w1.
    Secret w3 = objects.secret(ns, "w3").orElseThrow();
    Map<String, String> data = new HashMap<>(w3.getData());
    data.put("server", java.util.Base64.getEncoder().encodeToString(("https://127.0.0.1:" + closedPort()).getBytes()));
    w3.setData(data);
    kube.client().secrets().inNamespace(ns).resource(w3).update();
    workloads.get(0).deleteBinding("apps", "web-old");

    DiscoveryResult result = run().get(0);
    assertThat(result.incomplete()).isTrue();
    assertThat(result.deleted()).containsExactly("w1-apps-web-old");
    assertThat(result.notes()).filteredOn(n -> n.kind() == Note.Kind.UNREACHABLE).singleElement()
        .satisfies(n -> assertThat(n.subject()).isEqualTo("cluster w3"));
    assertThat(objects.targetGroups(ns)).extracting(t -> t.getMetadata().getName())
        .containsExactlyInAnyOrder("w1-apps-web", "w2-apps-web", "w3-apps-web");
    AWSTargetGroupSet set = objects.targetGroupSet(ns, "cell1");
    assertThat(set.getStatus().phase).isEqualTo("PartiallySynced");
    assertThat(set.getStatus().unreachableClusters).isEqualTo(1);
    assertThat(set.getStatus().clusters).filteredOn(c -> !c.reachable).singleElement()
        .satisfies(c -> assertThat(c.name).isEqualTo("w3"));
    assertThat(set.getStatus().conditions).singleElement().satisfies(c -> {
      assertThat(c.status).isEqualTo("False");
      assertThat(c.reason).isEqualTo(DiscoveryConditions.REASON_UNREACHABLE);
    });
  }

  @Test
  void aHandWrittenSecretIsUsedButNeverTouched() {
    clusterSetAndTargetGroupSet();
    String blue = eksCluster("blue", workloads.get(0));
    Secret manual = objects.argoSecret(ns, "manual", workloads.get(2).server(), workloads.get(2).bearerConfig(), Map.of("service", "demo"));
    // A hand-written Secret that has the name a ClusterSet would give an EKS cluster.
    String red = ns + "-red";
    Secret squatter = objects.argoSecret(ns, red, workloads.get(1).server(), workloads.get(1).bearerConfig(), Map.of("other", "x"));
    DiscoveryObjects.eksCluster(eks, red, Map.of("Service", ns));
    workloads.get(0).binding("default", "web1", Map.of(ROLE_WEB, "web"), "arn:blue");
    workloads.get(2).binding("default", "web1", Map.of(ROLE_WEB, "web"), "arn:manual");

    List<DiscoveryResult> results = run();
    assertThat(results.get(0).created()).containsExactly(blue);
    assertThat(results.get(0).notes()).filteredOn(n -> n.kind() == Note.Kind.CONFLICT).singleElement()
        .satisfies(n -> assertThat(n.subject()).isEqualTo("Secret " + ns + "/" + red));
    assertThat(results.get(1).created()).containsExactlyInAnyOrder(blue + "-default-web1", "manual-default-web1");

    DiscoveryObjects.deleteEksCluster(eks, blue);
    DiscoveryObjects.deleteEksCluster(eks, red);
    results = run();
    assertThat(results.get(0).deleted()).containsExactly(blue);
    assertThat(objects.secret(ns, "manual").orElseThrow().getMetadata().getResourceVersion())
        .isEqualTo(manual.getMetadata().getResourceVersion());
    assertThat(objects.secret(ns, red).orElseThrow().getMetadata().getResourceVersion())
        .isEqualTo(squatter.getMetadata().getResourceVersion());
    assertThat(objects.targetGroups(ns)).extracting(t -> t.getMetadata().getName()).containsExactly("manual-default-web1");
  }

  @Test
  void aMalformedSelectorIsAClearErrorAndDeletesNothing() {
    objects.argoSecret(ns, "w1", workloads.get(0).server(), workloads.get(0).bearerConfig(), Map.of("service", "demo"));
    targetGroupSet();
    workloads.get(0).binding("default", "web1", Map.of(ROLE_WEB, "web"), "arn:1");
    run();
    AWSTargetGroupSet set = objects.targetGroupSet(ns, "cell1");
    set.getSpec().generators.get(0).awseks.clusterSelector.matchLabels = Map.of("service", "not valid!");
    kube.client().resources(AWSTargetGroupSet.class).inNamespace(ns).resource(set).update();
    workloads.get(0).deleteBinding("default", "web1");

    DiscoveryResult result = run().get(0);
    assertThat(result.outcome()).isEqualTo(DiscoveryResult.Outcome.INVALID);
    assertThat(result.message()).contains("AWSTargetGroupSet " + ns + "/cell1")
        .contains("spec.generators[0].awseks.clusterSelector.matchLabels.service");
    assertThat(objects.targetGroups(ns)).extracting(t -> t.getMetadata().getName()).containsExactly("w1-default-web1");
    AWSTargetGroupSet after = objects.targetGroupSet(ns, "cell1");
    assertThat(after.getStatus().phase).isEqualTo("Invalid");
    assertThat(after.getStatus().conditions).singleElement().satisfies(c -> assertThat(c.reason).isEqualTo("InvalidSpec"));
  }

  @Test
  void aSecretWithBrokenConfigJsonIsAClearErrorAndDeletesNothing() {
    objects.argoSecret(ns, "w1", workloads.get(0).server(), workloads.get(0).bearerConfig(), Map.of("service", "demo"));
    targetGroupSet();
    workloads.get(0).binding("default", "web1", Map.of(ROLE_WEB, "web"), "arn:1");
    run();
    objects.argoSecret(ns, "broken", workloads.get(1).server(), "{\"bearerToken\": \"s3cr3t\", ", Map.of("service", "demo"));
    workloads.get(0).deleteBinding("default", "web1");

    DiscoveryResult result = run().get(0);
    assertThat(result.outcome()).isEqualTo(DiscoveryResult.Outcome.INVALID);
    assertThat(result.message()).contains("Secret " + ns + "/broken data.config: not valid JSON").doesNotContain("s3cr3t");
    assertThat(objects.targetGroups(ns)).extracting(t -> t.getMetadata().getName()).containsExactly("w1-default-web1");
    assertThat(objects.targetGroupSet(ns, "cell1").getStatus().conditions).singleElement()
        .satisfies(c -> assertThat(c.reason).isEqualTo("InvalidClusterSecret"));
  }

  @Test
  void aDryRunWritesNothing() {
    clusterSetAndTargetGroupSet();
    String blue = eksCluster("blue", workloads.get(0));
    List<DiscoveryResult> results = discovery.run(ns, Discovery.Selection.ALL, true);
    assertThat(results.get(0).outcome()).isEqualTo(DiscoveryResult.Outcome.DRY_RUN);
    assertThat(results.get(0).created()).containsExactly(blue);
    assertThat(objects.secret(ns, blue)).isEmpty();
    assertThat(objects.clusterSet(ns, "cell1").getStatus()).isNull();
  }

  private List<DiscoveryResult> run() {
    return discovery.run(ns, Discovery.Selection.ALL, false);
  }

  /** An EKS cluster tagged for this test's ClusterSet, stood in for by {@code workload}. */
  private String eksCluster(String color, WorkloadKube workload) {
    String name = ns + "-" + color;
    DiscoveryObjects.eksCluster(eks, name, Map.of("Service", ns, "Color", color));
    standIns.put(name, workload);
    return name;
  }

  private void clusterSetAndTargetGroupSet() {
    objects.createClusterSet(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: ClusterSet
        metadata:
          name: cell1
        spec:
          generators:
          - awseks:
              selector:
                matchTags:
                  Service: %s
          template:
            metadata:
              labels:
                service: demo
        """, ns);
    targetGroupSet();
  }

  private void targetGroupSet() {
    objects.createTargetGroupSet(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: AWSTargetGroupSet
        metadata:
          name: cell1
        spec:
          generators:
          - awseks:
              bindingSelector:
                matchLabels:
                  role: web
              clusterSelector:
                matchLabels:
                  service: demo
          template:
            metadata: {}
        """);
  }

  private static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
