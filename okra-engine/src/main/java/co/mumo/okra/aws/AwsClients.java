package co.mumo.okra.aws;

import co.mumo.okra.redaction.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Every AWS client the runner makes (ELBv2, EKS, STS, CloudWatch) is built here, the same way:
 * adaptive retries (they also slow the client down once AWS throttles, which account-wide API rate
 * limits make likely when many pipelines poll one region), both call timeouts so a hung connection
 * cannot stall a pipeline, the URLConnection HTTP client (the only one on the class path), and
 * credentials whose values are registered with {@link Secrets} as they are resolved, so that not even
 * an SDK debug line under {@code -v} prints them.
 *
 * <p>Empty settings fall back to the SDK's default chains: region from {@code AWS_REGION} / the
 * profile / IMDS, credentials from the default provider chain, endpoint from {@code AWS_ENDPOINT_URL}
 * (and its per-service forms) or the profile's {@code endpoint_url}.
 */
public final class AwsClients {
  public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  /** Where AWS is: {@code --region}, {@code --profile}, {@code --aws-endpoint-url}. */
  public record Settings(Optional<String> region, Optional<String> profile, Optional<URI> endpoint) {
    public static final Settings DEFAULT = new Settings(Optional.empty(), Optional.empty(), Optional.empty());
  }

  private AwsClients() {}

  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, Settings settings) {
    builder.httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(o -> {
          o.retryStrategy(RetryMode.ADAPTIVE_V2).apiCallTimeout(API_CALL_TIMEOUT).apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
              .addExecutionInterceptor(new AwsCallContext());
          settings.profile().ifPresent(o::defaultProfileName);
        });
    settings.region().map(Region::of).ifPresent(builder::region);
    AwsCredentialsProvider credentials = settings.profile()
        .<AwsCredentialsProvider>map(ProfileCredentialsProvider::create)
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    builder.credentialsProvider(new RegisteringCredentials(credentials));
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** Registers the key id, secret key and session token of whatever the chain resolves. */
  record RegisteringCredentials(AwsCredentialsProvider delegate) implements AwsCredentialsProvider {
    @Override
    public AwsCredentials resolveCredentials() {
      AwsCredentials c = delegate.resolveCredentials();
      Secrets.register(c.accessKeyId());
      Secrets.register(c.secretAccessKey());
      if (c instanceof AwsSessionCredentials s) Secrets.register(s.sessionToken());
      return c;
    }

    @Override
    public String toString() {
      return "RegisteringCredentials[" + delegate.getClass().getSimpleName() + "]";
    }
  }
}
