package co.mumo.okra.analysis.eval.provider;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.Runtime.GoNamed;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/** GetMetricData against moto: metric data put through the SDK, then queried as a template does. */
class CloudWatchProviderIT {
  private static AwsFixture aws;
  private static CloudWatchClient cloudWatch;
  private final String namespace = "okra-test/" + UUID.randomUUID();

  @BeforeAll
  static void start() {
    aws = new AwsFixture(MotoServer.shared().endpoint());
    cloudWatch = aws.against(CloudWatchClient.builder()).build();
  }

  @AfterAll
  static void stop() {
    cloudWatch.close();
    aws.close();
  }

  private void put(String name, String service, Instant at, double value) {
    cloudWatch.putMetricData(r -> r.namespace(namespace).metricData(d -> d.metricName(name).timestamp(at).value(value)
        .unit(StandardUnit.COUNT).dimensions(x -> x.name("Service").value(service))));
  }

  @Test
  void queriesTheWindowBeforeNowAndHandsTheResultsToTheConditions() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    put("Errors", "web", now.minusSeconds(120), 2);
    put("Errors", "web", now.minusSeconds(60), 3);
    put("Errors", "api", now.minusSeconds(60), 50); // another dimension: not in the query
    put("Errors", "web", now.minusSeconds(3600), 99); // outside the 5m window
    CloudWatchProvider provider = new CloudWatchProvider(cloudWatch);
    var metric = Metrics.of("""
        name: errors
        successCondition: "all(result[0].Values, {# <= 5})"
        provider:
          cloudWatch:
            interval: 5m
            metricDataQueries:
            - id: errors
              metricStat:
                metric:
                  namespace: %s
                  metricName: Errors
                  dimensions: [{name: Service, value: web}]
                period: 60
                stat: Sum
        """.formatted(namespace));
    assertThat(provider.check(metric)).isEmpty();
    Observation o = provider.measure(metric, now);
    assertThat(o).isInstanceOf(Observation.Value.class);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> result = (List<Map<String, Object>>) ((Observation.Value) o).result().value();
    assertThat(result).hasSize(1);
    assertThat(result.get(0)).containsEntry("Id", "errors").containsEntry("StatusCode", new GoNamed("types.StatusCode", "Complete"));
    assertThat(result.get(0).get("Values")).asList().containsExactlyInAnyOrder(2.0, 3.0);
    assertThat(metric.successCondition().orElseThrow().test(((Observation.Value) o).result())).isTrue();

    put("Errors", "web", now.minusSeconds(30), 40);
    Observation worse = provider.measure(metric, now);
    assertThat(metric.successCondition().orElseThrow().test(((Observation.Value) worse).result())).isFalse();
  }

  @Test
  void queriesGivenAsAJsonStringAsArgoAllows() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    put("Latency", "web", now.minusSeconds(60), 120);
    var metric = Metrics.of("""
        name: latency
        provider:
          cloudWatch:
            metricDataQueries: '[{"id": "p", "metricStat": {"metric": {"namespace": "%s", "metricName": "Latency",
              "dimensions": [{"name": "Service", "value": "web"}]}, "period": 300, "stat": "Average"}}]'
        """.formatted(namespace));
    Observation o = new CloudWatchProvider(cloudWatch).measure(metric, now);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> result = (List<Map<String, Object>>) ((Observation.Value) o).result().value();
    assertThat(result.get(0).get("Values")).asList().containsExactly(120.0);
  }

  @Test
  void anUnreachableEndpointIsAnErrorMeasurement() {
    try (CloudWatchClient down = CloudWatchClient.builder().region(AwsFixture.REGION).credentialsProvider(AwsFixture.CREDENTIALS)
        .endpointOverride(java.net.URI.create("http://127.0.0.1:9")).httpClientBuilder(
            software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD)
            .apiCallTimeout(java.time.Duration.ofSeconds(5)))
        .build()) {
      Observation o = new CloudWatchProvider(down).measure(Metrics.of("""
          name: e
          provider: {cloudWatch: {metricDataQueries: [{id: e, expression: "SUM(METRICS())"}]}}
          """), Instant.now());
      assertThat(o).isInstanceOfSatisfying(Observation.Error.class, e -> assertThat(e.message()).startsWith("cloudWatch: GetMetricData: "));
    }
  }
}
