package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.DiscoveryObjects;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.TestKube;
import co.mumo.okra.testsupport.WorkloadKube;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;

/** discover, cluster and eks token through the CLI, in-process, against moto, the API server and one workload server. */
class DiscoverCommandIT {
  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;
  private static EksClient eks;
  private static WorkloadKube workload;

  private DiscoveryObjects objects;
  private String ns;

  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

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

  @BeforeEach
  void setUp() {
    workload.clear();
    ns = kube.freshNamespace("cli-disc");
    objects = new DiscoveryObjects(kube.client());
  }

  @Test
  void discoverCreatesSecretsAndTargetGroupsThenHasNothingToDo() {
    String eksName = ns + "-blue";
    DiscoveryObjects.eksCluster(eks, eksName, Map.of("Service", ns));
    sets();
    objects.argoSecret(ns, "w1", workload.server(), workload.bearerConfig(), Map.of("service", "demo"));
    workload.binding("default", "web1", Map.of("role", "web", "okra.mumo.co/version", "1.0.0"), "arn:web1");

    Run dry = okra("discover", "--dry-run");
    assertThat(dry.code()).as(dry.all()).isZero();
    assertThat(dry.out()).contains("[ClusterSet " + ns + "/cell1] 1 created, 0 updated, 0 deleted (dry run: nothing was written)")
        .contains("created " + eksName);
    assertThat(objects.secret(ns, eksName)).isEmpty();

    Run json = okra("discover", "-o", "json");
    assertThat(json.code()).as(json.all()).isZero();
    List<Map<String, Object>> lines = json.out().lines().map(DiscoverCommandIT::json).toList();
    assertThat(lines).extracting(m -> m.get("kind")).containsExactly("ClusterSet", "AWSTargetGroupSet");
    assertThat(lines.get(0).get("created")).isEqualTo(List.of(eksName));
    assertThat(lines.get(1).get("created")).isEqualTo(List.of("w1-default-web1"));
    assertThat(objects.targetGroup(ns, "w1-default-web1")).isPresent();

    Run again = okra("discover", "--clusterset", "cell1", "--targetgroupset", "cell1");
    assertThat(again.code()).as(again.all()).isZero();
    assertThat(again.out()).contains("[ClusterSet " + ns + "/cell1] 0 created, 0 updated, 0 deleted")
        .contains("[AWSTargetGroupSet " + ns + "/cell1] 0 created, 0 updated, 0 deleted");
  }

  /**
   * {@code discover --watch} in the runner jar: its first pass syncs what is there; a new cluster Secret
   * is synced through the watch (the resync is half an hour away); SIGTERM releases the Lease.
   */
  @Test
  void discoverWatchSyncsANewClusterSecretOnItsWatchAndReleasesTheLeaseOnSigterm() {
    sets();
    objects.argoSecret(ns, "w1", workload.server(), workload.bearerConfig(), Map.of("service", "demo"));
    workload.binding("default", "web1", Map.of("role", "web", "okra.mumo.co/version", "1.0.0"), "arn:web1");
    RunnerProcess runner = RunnerProcess.start(kube, moto, "discover", "--watch", "-n", ns, "--resync", "30m");
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> objects.targetGroup(ns, "w1-default-web1").isPresent());
      objects.argoSecret(ns, "w2", workload.server(), workload.bearerConfig(), Map.of("service", "demo"));
      await().atMost(Duration.ofSeconds(90)).until(() -> objects.targetGroup(ns, "w2-default-web1").isPresent());
    } finally {
      runner.terminate();
    }
    runner.waitFor(60);
    assertThat(runner.output()).contains("holding the Lease " + ns + "/okra-discover", "Secret " + ns + "/w2 added",
        "stopped; the Lease " + ns + "/okra-discover is released");
    assertThat(kube.client().leases().inNamespace(ns).withName("okra-discover").get().getSpec().getHolderIdentity()).isNull();
  }

  @Test
  void anUnreachableClusterExitsOneAfterSyncingTheRest() {
    sets();
    objects.argoSecret(ns, "w1", workload.server(), workload.bearerConfig(), Map.of("service", "demo"));
    objects.argoSecret(ns, "gone", "https://127.0.0.1:1", workload.bearerConfig(), Map.of("service", "demo"));
    workload.binding("default", "web1", Map.of("role", "web"), "arn:web1");
    Run run = okra("discover", "--targetgroupset", "cell1");
    assertThat(run.code()).as(run.all()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.out()).contains("created w1-default-web1").contains("unreachable cluster gone");
    assertThat(run.all()).doesNotContain(workload.bearerConfig());
  }

  @Test
  void badInputExitsTwoNamingTheResourceAndFieldAndDeletesNothing() {
    sets();
    objects.argoSecret(ns, "w1", workload.server(), workload.bearerConfig(), Map.of("service", "demo"));
    workload.binding("default", "web1", Map.of("role", "web"), "arn:web1");
    assertThat(okra("discover", "--targetgroupset", "cell1").code()).isZero();

    objects.argoSecret(ns, "broken", workload.server(), "{\"bearerToken\":", Map.of("service", "demo"));
    workload.deleteBinding("default", "web1");
    Run broken = okra("discover", "--targetgroupset", "cell1");
    assertThat(broken.code()).as(broken.all()).isEqualTo(ExitCodes.INVALID);
    assertThat(broken.out()).contains("invalid, nothing changed").contains("error: Secret " + ns + "/broken data.config: not valid JSON");
    assertThat(objects.targetGroup(ns, "w1-default-web1")).isPresent();

    kube.client().secrets().inNamespace(ns).withName("broken").delete();
    kube.client().resources(co.mumo.okra.api.AWSTargetGroupSet.class).inNamespace(ns).withName("cell1").edit(s -> {
      s.getSpec().generators.get(0).awseks.bindingSelector.matchLabels = Map.of("role", "a b");
      return s;
    });
    Run selector = okra("discover", "--targetgroupset", "cell1");
    assertThat(selector.code()).as(selector.all()).isEqualTo(ExitCodes.INVALID);
    assertThat(selector.out()).contains("error: spec.generators[0].awseks.bindingSelector.matchLabels.role");
    assertThat(objects.targetGroup(ns, "w1-default-web1")).isPresent();

    Run missing = okra("discover", "--clusterset", "nope");
    assertThat(missing.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(missing.err()).contains("ClusterSet " + ns + "/nope not found");
  }

  @Test
  void clusterSecretsByHand() {
    String eksName = ns + "-Manual_1";
    DiscoveryObjects.eksCluster(eks, eksName, Map.of("Service", "manual"));
    String secretName = (ns + "-manual-1").toLowerCase();

    Run dry = okra("cluster", "create", "--eks-cluster", eksName, "--labels", "service=demo", "--dry-run");
    assertThat(dry.code()).as(dry.all()).isZero();
    assertThat(dry.out()).contains("name: \"" + secretName + "\"").contains("argocd.argoproj.io/secret-type: \"cluster\"");
    assertThat(objects.secret(ns, secretName)).isEmpty();

    Run create = okra("cluster", "create", "--eks-cluster", eksName, "--labels", "service=demo",
        "--role-arn", "arn:aws:iam::123456789012:role/reader");
    assertThat(create.code()).as(create.all()).isZero();
    Map<String, String> data = DiscoveryObjects.data(objects.secret(ns, secretName).orElseThrow());
    assertThat(data.get("config")).contains("\"clusterName\":\"" + eksName + "\"").contains("\"roleARN\":\"arn:aws:iam::123456789012:role/reader\"");
    assertThat(data.get("server")).contains(".eks.amazonaws.com");

    objects.argoSecret(ns, "w1", workload.server(), workload.clientCertConfig(), Map.of("service", "demo"));
    Run list = okra("cluster", "list", "-l", "service=demo");
    assertThat(list.code()).as(list.all()).isZero();
    assertThat(list.out()).contains(secretName + "  https://").contains("auth=awsAuthConfig").contains("w1  " + workload.server() + "  auth=clientCert");

    workload.binding("apps", "web", Map.of("role", "web"), "arn", "arn:readme-style");
    Run bindings = okra("cluster", "bindings", "w1");
    assertThat(bindings.code()).as(bindings.all()).isZero();
    assertThat(bindings.out()).contains("apps/web  arn:readme-style  role=web");

    assertThat(okra("cluster", "delete", secretName).code()).isZero();
    assertThat(objects.secret(ns, secretName)).isEmpty();
    assertThat(okra("cluster", "delete", secretName).code()).isEqualTo(ExitCodes.INVALID);
    assertThat(okra("cluster", "create", "--eks-cluster", "x", "--labels", "novalue").code()).isEqualTo(ExitCodes.INVALID);
    Run unknown = okra("cluster", "create", "--eks-cluster", "no-such-cluster");
    assertThat(unknown.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(unknown.err()).contains("EKS cluster no-such-cluster not found");
  }

  @Test
  void eksTokenPrintsAnExecCredential() {
    Run run = okra("eks", "token", "--cluster-name", "cdk1");
    assertThat(run.code()).as(run.all()).isZero();
    Map<String, Object> credential = json(run.out());
    assertThat(credential).containsEntry("kind", "ExecCredential").containsEntry("apiVersion", "client.authentication.k8s.io/v1beta1");
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) credential.get("status");
    assertThat((String) status.get("token")).startsWith("k8s-aws-v1.");
    assertThat((String) status.get("expirationTimestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
  }

  private void sets() {
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
                service: eks
        """, ns);
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
        """);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String text) {
    return (Map<String, Object>) Serialization.unmarshal(text, Map.class);
  }

  private Run okra(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-n", ns, "--kubeconfig", kube.kubeconfig().toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", moto.endpoint().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }
}
