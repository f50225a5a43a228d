package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;

/**
 * The EKS token against the layout aws-iam-authenticator documents: {@code k8s-aws-v1.} plus the
 * base64url (no padding) of a presigned STS GetCallerIdentity URL, SigV4 in the query, 60 s expiry,
 * {@code x-k8s-aws-id} among the signed headers.
 */
class StsEksTokensTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:34:56Z");
  private static final URI STS = URI.create("https://sts.eu-west-1.amazonaws.com");

  @Test
  void tokenIsAPresignedGetCallerIdentityForTheCluster() {
    EksToken token = StsEksTokens.presign("cdk1", AwsBasicCredentials.create("AKIDEXAMPLE", "secret"), Region.EU_WEST_1, STS, NOW);

    assertThat(token.value()).startsWith("k8s-aws-v1.");
    String encoded = token.value().substring("k8s-aws-v1.".length());
    assertThat(encoded).doesNotContain("=").doesNotContain("+").doesNotContain("/");
    URI url = URI.create(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
    assertThat(url.getScheme()).isEqualTo("https");
    assertThat(url.getHost()).isEqualTo("sts.eu-west-1.amazonaws.com");
    assertThat(url.getPath()).isEqualTo("/");
    Map<String, String> q = query(url);
    assertThat(q).containsEntry("Action", "GetCallerIdentity")
        .containsEntry("Version", "2011-06-15")
        .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .containsEntry("X-Amz-Credential", "AKIDEXAMPLE/20260301/eu-west-1/sts/aws4_request")
        .containsEntry("X-Amz-Date", "20260301T123456Z")
        .containsEntry("X-Amz-Expires", "60")
        .containsEntry("X-Amz-SignedHeaders", "host;x-k8s-aws-id")
        .doesNotContainKey("X-Amz-Security-Token");
    assertThat(q.get("X-Amz-Signature")).matches("[0-9a-f]{64}");
    assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(14 * 60));
    assertThat(token.toString()).doesNotContain(encoded).contains("redacted");
  }

  @Test
  void sessionCredentialsAddTheSecurityToken() {
    EksToken token = StsEksTokens.presign("cdk1", AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "session-token"),
        Region.EU_WEST_1, STS, NOW);
    Map<String, String> q = query(URI.create(new String(Base64.getUrlDecoder().decode(token.value().substring(11)), StandardCharsets.UTF_8)));
    assertThat(q).containsEntry("X-Amz-Security-Token", "session-token");
  }

  @Test
  void theSameInputsSignTheSameAndAnotherClusterSignsDifferently() {
    AwsBasicCredentials creds = AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
    String a = StsEksTokens.presign("cdk1", creds, Region.EU_WEST_1, STS, NOW).value();
    assertThat(StsEksTokens.presign("cdk1", creds, Region.EU_WEST_1, STS, NOW).value()).isEqualTo(a);
    assertThat(StsEksTokens.presign("cdk2", creds, Region.EU_WEST_1, STS, NOW).value()).isNotEqualTo(a);
  }

  static Map<String, String> query(URI url) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : url.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }
}
