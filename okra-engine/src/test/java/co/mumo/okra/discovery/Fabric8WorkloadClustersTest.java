package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How a cluster Secret's config becomes a fabric8 client config, without a server. The awsAuthConfig
 * path is checked here (kube-apiserver cannot accept an EKS token in the integration tests).
 */
class Fabric8WorkloadClustersTest {
  private static final String CA = "Q0E=";

  private final List<String> asked = new ArrayList<>();
  private final EksTokens tokens = (cluster, role) -> {
    asked.add(cluster + "|" + role.orElse(""));
    return new EksToken("k8s-aws-v1.token-for-" + cluster, Instant.MAX);
  };
  private final Map<String, EksCluster> eks = new java.util.HashMap<>(Map.of("cdk1",
      new EksCluster("cdk1", "arn:aws:eks:eu-west-1:1:cluster/cdk1", "ACTIVE", Optional.of("https://cdk1.eks.example"), Optional.empty(), Map.of())));
  private final EksClusters described = new EksClusters() {
    @Override
    public List<EksCluster> clusters() {
      return List.copyOf(eks.values());
    }

    @Override
    public Optional<EksCluster> cluster(String name) {
      return Optional.ofNullable(eks.get(name));
    }
  };
  private final Fabric8WorkloadClusters clusters = new Fabric8WorkloadClusters(tokens, new Fabric8WorkloadClusters.Trust(described, false));

  @Test
  void anEksTokenIsNeverSentToAServerThatIsNotThatClustersEndpoint() {
    ArgoCluster stolen = new ArgoCluster("argocd", "evil", "cdk1", "https://collector.example.net",
        ClusterConfig.parse("{\"awsAuthConfig\":{\"clusterName\":\"cdk1\"}}", "Secret argocd/evil"), Map.of());
    assertThatThrownBy(() -> clusters.bindings(stolen, List.of())).isInstanceOf(Fabric8WorkloadClusters.WorkloadClusterException.class)
        .hasMessageContaining("https://cdk1.eks.example").hasMessageContaining("no token is sent");
    ArgoCluster unknown = new ArgoCluster("argocd", "other", "nope", "https://nope.example",
        ClusterConfig.parse("{\"awsAuthConfig\":{\"clusterName\":\"nope\"}}", "Secret argocd/other"), Map.of());
    assertThatThrownBy(() -> clusters.bindings(unknown, List.of())).hasMessageContaining("no such cluster");
    assertThat(asked).as("no token was made").isEmpty();
  }

  @Test
  void execPluginsNeedTheOwnersOptIn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path marker = dir.resolve("ran");
    ArgoCluster exec = new ArgoCluster("argocd", "x", "x", "https://127.0.0.1:1", ClusterConfig.parse(
        "{\"execProviderConfig\":{\"command\":\"/bin/sh\",\"args\":[\"-c\",\"touch " + marker + "\"],"
            + "\"apiVersion\":\"client.authentication.k8s.io/v1beta1\"}}", "Secret argocd/x"), Map.of());
    assertThatThrownBy(() -> clusters.bindings(exec, List.of())).hasMessageContaining("/bin/sh").hasMessageContaining("--allow-exec-plugins");
    assertThat(marker).doesNotExist();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} vs {1}: {2}")
  @org.junit.jupiter.params.provider.CsvSource({
      "https://ABC.gr7.eu-west-1.eks.amazonaws.com, https://abc.gr7.eu-west-1.eks.amazonaws.com/, true",
      "https://abc.eks.example, https://abc.eks.example:443, true",
      "https://abc.eks.example, https://abc.eks.example:8443, false",
      "https://abc.eks.example, http://abc.eks.example, false",
      "https://abc.eks.example, https://abc.eks.example.evil.net, false",
      "https://abc.eks.example, https://user@abc.eks.example, false",
      "https://abc.eks.example, https://abc.eks.example/proxy, false"})
  void endpointsCompareAsUrls(String a, String b, boolean same) {
    assertThat(Fabric8WorkloadClusters.sameEndpoint(a, b)).isEqualTo(same);
  }

  @Test
  void awsAuthConfigAsksForAnEksTokenPerRequestAndChecksTheCa() {
    Config config = clusters.config(cluster("{\"awsAuthConfig\":{\"clusterName\":\"cdk1\",\"roleARN\":\"arn:aws:iam::1:role/r\"},"
        + "\"tlsClientConfig\":{\"insecure\":false,\"caData\":\"" + CA + "\"}}"));
    assertThat(config.getMasterUrl()).startsWith("https://cdk1.eks.example");
    assertThat(config.getCaCertData()).isEqualTo(CA);
    assertThat(config.isTrustCerts()).isFalse();
    assertThat(asked).as("no token before a request needs one").isEmpty();
    assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("k8s-aws-v1.token-for-cdk1");
    assertThat(asked).containsExactly("cdk1|arn:aws:iam::1:role/r");
    assertThat(config.getRequestRetryBackoffLimit()).isZero();
  }

  @Test
  void awsAuthConfigWinsOverABearerToken() {
    Config config = clusters.config(cluster("{\"awsAuthConfig\":{\"clusterName\":\"cdk1\"},\"bearerToken\":\"static\"}"));
    assertThat(config.getOauthToken()).isNull();
    assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("k8s-aws-v1.token-for-cdk1");
  }

  @Test
  void bearerTokenAndInsecure() {
    Config config = clusters.config(cluster("{\"bearerToken\":\"static\",\"tlsClientConfig\":{\"insecure\":true}}"));
    assertThat(config.getOauthToken()).isEqualTo("static");
    assertThat(config.getOauthTokenProvider()).isNull();
    assertThat(config.isTrustCerts()).isTrue();
    assertThat(config.isDisableHostnameVerification()).isTrue();
  }

  @Test
  void clientCertificateAndBasicAuth() {
    Config cert = clusters.config(cluster("{\"tlsClientConfig\":{\"caData\":\"" + CA + "\",\"certData\":\"Y2VydA==\",\"keyData\":\"a2V5\"}}"));
    assertThat(cert.getClientCertData()).isEqualTo("Y2VydA==");
    assertThat(cert.getClientKeyData()).isEqualTo("a2V5");
    Config basic = clusters.config(cluster("{\"username\":\"admin\",\"password\":\"pw\"}"));
    assertThat(basic.getUsername()).isEqualTo("admin");
    assertThat(basic.getPassword()).isEqualTo("pw");
  }

  @Test
  void bindingsReadTargetGroupArnOrTheReadmesArn() {
    var r = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("web1").withNamespace("default")
        .withLabels(Map.of("role", "web")).build());
    r.setAdditionalProperty("spec", Map.of("arn", "arn:1"));
    assertThat(Fabric8WorkloadClusters.binding(r).arn()).contains("arn:1");
    r.setAdditionalProperty("spec", Map.of("arn", "arn:1", "targetGroupARN", "arn:2"));
    assertThat(Fabric8WorkloadClusters.binding(r).arn()).contains("arn:2");
    r.setAdditionalProperty("spec", Map.of());
    assertThat(Fabric8WorkloadClusters.binding(r).arn()).isEmpty();
  }

  private static ArgoCluster cluster(String config) {
    return new ArgoCluster("argocd", "cdk1", "cdk1", "https://cdk1.eks.example", ClusterConfig.parse(config, "Secret argocd/cdk1"),
        Map.of());
  }

}
