package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.DiscoveryObjects;
import co.mumo.okra.testsupport.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;

/** The EKS and STS adapters through the real SDK against moto. */
class DiscoveryAwsIT {
  private static AwsFixture aws;
  private static EksClient eks;
  private static StsClient sts;

  @BeforeAll
  static void moto() {
    aws = new AwsFixture(MotoServer.shared().endpoint());
    eks = aws.against(EksClient.builder()).build();
    sts = aws.against(StsClient.builder()).build();
  }

  @AfterAll
  static void close() {
    eks.close();
    sts.close();
    aws.close();
  }

  @Test
  void everyPageOfListClustersIsReadAndEachClusterDescribed() {
    String prefix = "pages-" + System.nanoTime();
    for (int i = 0; i < 5; i++) DiscoveryObjects.eksCluster(eks, prefix + "-" + i, Map.of("Service", prefix, "Index", "" + i));

    List<EksCluster> clusters = new AwsEksClusters(eks).pageSize(2).clusters().stream()
        .filter(c -> c.name().startsWith(prefix)).toList();
    assertThat(clusters).extracting(EksCluster::name).containsExactlyInAnyOrder(prefix + "-0", prefix + "-1", prefix + "-2",
        prefix + "-3", prefix + "-4");
    EksCluster c = clusters.stream().filter(x -> x.name().equals(prefix + "-3")).findFirst().orElseThrow();
    // What moto's DescribeCluster gives: ACTIVE at once, one made-up endpoint for all clusters, a random CA string.
    assertThat(c.status()).isEqualTo("ACTIVE");
    assertThat(c.active()).isTrue();
    assertThat(c.endpoint()).hasValueSatisfying(e -> assertThat(e).startsWith("https://").contains(".us-east-1.eks.amazonaws.com"));
    assertThat(c.caData()).isPresent();
    assertThat(c.tags()).containsEntry("Service", prefix).containsEntry("Index", "3");
    assertThat(c.arn()).isEqualTo("arn:aws:eks:us-east-1:123456789012:cluster/" + prefix + "-3");
  }

  @Test
  void aMissingClusterIsEmpty() {
    assertThat(new AwsEksClusters(eks).cluster("no-such-cluster")).isEmpty();
  }

  @Test
  void theTokensUrlIsAWorkingStsGetCallerIdentityCall() throws Exception {
    EksToken token = new StsEksTokens(sts, Clock.systemUTC()).token("cdk1", Optional.empty());
    String body = replay(token);
    assertThat(body).contains("GetCallerIdentityResponse").contains("<Account>123456789012</Account>");
  }

  @Test
  void withARoleTheTokenIsSignedWithAssumedCredentials() throws Exception {
    StsEksTokens tokens = new StsEksTokens(sts, Clock.systemUTC());
    EksToken token = tokens.token("cdk1", Optional.of("arn:aws:iam::123456789012:role/okra-reader"));
    URI url = url(token);
    assertThat(StsEksTokensTest.query(url).get("X-Amz-Credential")).doesNotStartWith("testing/");
    assertThat(StsEksTokensTest.query(url)).containsKey("X-Amz-Security-Token");
    assertThat(replay(token)).contains("GetCallerIdentityResponse");
    assertThat(tokens.token("cdk1", Optional.of("arn:aws:iam::123456789012:role/okra-reader"))).as("cached").isSameAs(token);
  }

  private static URI url(EksToken token) {
    return URI.create(new String(Base64.getUrlDecoder().decode(token.value().substring(EksToken.PREFIX.length())), StandardCharsets.UTF_8));
  }

  /**
   * What the EKS API server does with a token: GET the URL with the cluster header. moto picks the
   * service from an Authorization header (it does not read a presigned query), so one naming the
   * same credential scope is added; real STS needs none.
   */
  private static String replay(EksToken token) throws Exception {
    URI url = url(token);
    String scope = StsEksTokensTest.query(url).get("X-Amz-Credential");
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
        .header(StsEksTokens.CLUSTER_ID_HEADER, "cdk1")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + scope + ", SignedHeaders=host, Signature=moto-routing")
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
