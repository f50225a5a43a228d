package co.mumo.okra.discovery;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * EKS tokens made in-process, the way {@code aws eks get-token} and aws-iam-authenticator make them:
 * a GetCallerIdentity request to the regional STS endpoint with the header {@code x-k8s-aws-id:
 * <cluster>}, presigned with SigV4 in the query string for 60 seconds, its URL base64url-encoded
 * without padding behind {@code k8s-aws-v1.}. The EKS API server replays the URL to STS to learn
 * who is calling, and accepts a token for 15 minutes after signing; clients are told it expires
 * after 14, so they fetch a new one first.
 *
 * <p>With a role ARN the request is signed with credentials from STS AssumeRole (refreshed by the
 * SDK); otherwise with the STS client's own credentials. Tokens are cached per cluster and role
 * until a minute before they expire.
 */
public final class StsEksTokens implements EksTokens {
  public static final String CLUSTER_ID_HEADER = "x-k8s-aws-id";
  /** How long the presigned URL is valid: what aws-iam-authenticator uses. */
  public static final Duration PRESIGN_EXPIRY = Duration.ofSeconds(60);
  /** EKS accepts a token for 15 minutes; clients are told 14 so they refresh before it is refused. */
  public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(14);
  private static final Duration REUSE_MARGIN = Duration.ofMinutes(1);
  private static final String SESSION_NAME = "okra-discovery";

  private final StsClient sts;
  private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
  private final Region region;
  private final URI endpoint;
  private final Clock clock;
  private final Map<String, AwsCredentialsProvider> roles = new ConcurrentHashMap<>();
  private final Map<String, EksToken> cache = new ConcurrentHashMap<>();

  /**
   * Signs with {@code sts}'s credentials and region, against its endpoint override when it has one
   * (moto, a VPC endpoint), else {@code https://sts.<region>.amazonaws.com}.
   */
  public StsEksTokens(StsClient sts, Clock clock) {
    this.sts = sts;
    this.credentials = sts.serviceClientConfiguration().credentialsProvider();
    this.region = sts.serviceClientConfiguration().region();
    this.endpoint = sts.serviceClientConfiguration().endpointOverride()
        .orElseGet(() -> URI.create("https://sts." + region.id() + ".amazonaws.com"));
    this.clock = clock;
  }

  @Override
  public EksToken token(String clusterName, Optional<String> roleArn) {
    String key = clusterName + "|" + roleArn.orElse("");
    Instant now = clock.instant();
    EksToken cached = cache.get(key);
    if (cached != null && cached.usableAt(now.plus(REUSE_MARGIN))) return cached;
    IdentityProvider<? extends AwsCredentialsIdentity> provider = roleArn.<IdentityProvider<? extends AwsCredentialsIdentity>>map(this::assumed)
        .orElse(credentials);
    EksToken token = presign(clusterName, provider.resolveIdentity().join(), region, endpoint, now);
    cache.put(key, token);
    return token;
  }

  private AwsCredentialsProvider assumed(String roleArn) {
    return roles.computeIfAbsent(roleArn, arn -> StsAssumeRoleCredentialsProvider.builder()
        .stsClient(sts)
        .refreshRequest(r -> r.roleArn(arn).roleSessionName(SESSION_NAME))
        .build());
  }

  /** The token for {@code clusterName}, signed at {@code now}. Static and pure, so its format can be checked. */
  public static EksToken presign(String clusterName, AwsCredentialsIdentity identity, Region region, URI endpoint, Instant now) {
    SdkHttpFullRequest request = SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.GET)
        .uri(endpoint.resolve("/"))
        .putRawQueryParameter("Action", "GetCallerIdentity")
        .putRawQueryParameter("Version", "2011-06-15")
        .putHeader(CLUSTER_ID_HEADER, clusterName)
        .build();
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(identity)
        .request(request)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
        .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, PRESIGN_EXPIRY)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)));
    String url = signed.request().getUri().toString();
    String value = EksToken.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(url.getBytes(StandardCharsets.UTF_8));
    return new EksToken(value, now.plus(TOKEN_LIFETIME));
  }
}
