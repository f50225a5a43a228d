package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.core.InvalidSpecException;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterConfigTest {
  private static final String CA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t";

  @Test
  void theConfigAClusterSetWritesIsWhatArgoCdReads() {
    String json = ClusterConfig.forEks("cdk1", Optional.of("arn:aws:iam::123456789012:role/r"), Optional.of(CA)).toJson();
    assertThat(json).isEqualTo("{\"awsAuthConfig\":{\"clusterName\":\"cdk1\",\"roleARN\":\"arn:aws:iam::123456789012:role/r\"},"
        + "\"tlsClientConfig\":{\"insecure\":false,\"caData\":\"" + CA + "\"}}");
    ClusterConfig back = ClusterConfig.parse(json, "Secret argocd/cdk1");
    assertThat(back.awsAuth()).contains(new ClusterConfig.AwsAuth("cdk1", Optional.of("arn:aws:iam::123456789012:role/r")));
    assertThat(back.tls().caData()).contains(CA);
    assertThat(back.authMethod()).isEqualTo("awsAuthConfig");
  }

  static Stream<Arguments> authMethods() {
    return Stream.of(
        Arguments.of("{\"bearerToken\":\"t0ps3cret\",\"tlsClientConfig\":{\"insecure\":true}}", "bearerToken"),
        Arguments.of("{\"username\":\"admin\",\"password\":\"t0ps3cret\"}", "basic"),
        Arguments.of("{\"execProviderConfig\":{\"command\":\"argocd-k8s-auth\",\"args\":[\"aws\"],\"env\":{\"K\":\"t0ps3cret\"},"
            + "\"apiVersion\":\"client.authentication.k8s.io/v1beta1\"},\"bearerToken\":\"t0ps3cret\"}", "execProviderConfig"),
        Arguments.of("{\"tlsClientConfig\":{\"certData\":\"" + CA + "\",\"keyData\":\"dDBwczNjcmV0\"}}", "clientCert"),
        Arguments.of("{\"awsAuthConfig\":{\"clusterName\":\"x\"},\"bearerToken\":\"t0ps3cret\"}", "awsAuthConfig"),
        Arguments.of("{\"tlsClientConfig\":{\"insecure\":false},\"proxyUrl\":\"http://proxy\"}", "none"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("authMethods")
  void authIsChosenAsArgoCdDoesAndCredentialsNeverPrint(String json, String method) {
    ClusterConfig config = ClusterConfig.parse(json, "Secret argocd/x");
    assertThat(config.authMethod()).isEqualTo(method);
    assertThat(config.toString()).doesNotContain("t0ps3cret").doesNotContain("dDBwczNjcmV0");
  }

  static Stream<Arguments> broken() {
    return Stream.of(
        Arguments.of("{\"bearerToken\": \"t0ps3cret\", ", "data.config: not valid JSON at line 1"),
        Arguments.of("[]", "data.config: must be a JSON object"),
        Arguments.of("", "data.config: missing"),
        Arguments.of("{\"tlsClientConfig\":{\"insecure\":\"yes\"}}", "data.config.tlsClientConfig.insecure: must be true or false"),
        Arguments.of("{\"tlsClientConfig\":{\"caData\":\"%%%\"}}", "data.config.tlsClientConfig.caData: must be base64"),
        Arguments.of("{\"awsAuthConfig\":{\"roleARN\":\"r\"}}", "data.config.awsAuthConfig.clusterName: required"),
        Arguments.of("{\"awsAuthConfig\":\"cdk1\"}", "data.config.awsAuthConfig: must be an object"),
        Arguments.of("{\"execProviderConfig\":{\"args\":[]}}", "data.config.execProviderConfig.command: required"),
        Arguments.of("{\"bearerToken\":42}", "data.config.bearerToken: must be a string"),
        Arguments.of("{\"tlsClientConfig\":{\"certData\":\"" + CA + "\"}}", "data.config.tlsClientConfig: certData and keyData go together"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("broken")
  void brokenConfigsNameTheSecretAndTheFieldButNotTheSecretValue(String json, String message) {
    assertThatThrownBy(() -> ClusterConfig.parse(json, "Secret argocd/web-1"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith("Secret argocd/web-1 is invalid: ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("t0ps3cret"));
  }
}
