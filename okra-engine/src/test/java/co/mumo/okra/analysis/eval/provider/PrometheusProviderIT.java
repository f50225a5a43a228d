package co.mumo.okra.analysis.eval.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.testsupport.PrometheusServer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prometheus provider against a real Prometheus server scraping a small target on loopback. */
class PrometheusProviderIT {
  private static HttpServer target;
  private static PrometheusServer prometheus;
  private static final AtomicReference<String> ratio = new AtomicReference<>("0.97");
  private final PrometheusProvider provider = new PrometheusProvider(TestHttp.loopback());

  @BeforeAll
  static void start() throws IOException {
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.createContext("/metrics", ex -> {
      byte[] body = ("""
          # TYPE okra_test_success_ratio gauge
          okra_test_success_ratio{service="web"} %s
          okra_test_success_ratio{service="api"} 0.5
          """.formatted(ratio.get())).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    target.start();
    prometheus = PrometheusServer.scraping("127.0.0.1:" + target.getAddress().getPort());
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) prometheus.close();
    target.stop(0);
  }

  private Metric metric(String query, String condition) {
    return Metrics.of("""
        name: rate
        successCondition: "%s"
        provider: {prometheus: {address: "%s", query: '%s', timeout: 5}}
        """.formatted(condition, prometheus.endpoint(), query));
  }

  private Observation measure(Metric m) {
    return provider.measure(m, Instant.now());
  }

  @Test
  void aVectorIsAnArrayOfValuesAndFollowsTheTarget() {
    Metric m = metric("okra_test_success_ratio{service=\"web\"}", "result[0] >= 0.95");
    assertThat(provider.check(m)).isEmpty();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> measure(m).equals(new Observation.Value(GoValue.float64s(List.of(0.97)), "[0.97]")));
    assertThat(m.successCondition().orElseThrow().test(((Observation.Value) measure(m)).result())).isTrue();

    ratio.set("0.42");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> measure(m).equals(new Observation.Value(GoValue.float64s(List.of(0.42)), "[0.42]")));
    assertThat(m.successCondition().orElseThrow().test(((Observation.Value) measure(m)).result())).isFalse();
  }

  @Test
  void scalarsEmptyResultsAndNaNAsArgoHandsThemOver() {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> measure(metric("count(okra_test_success_ratio)", "true")).equals(new Observation.Value(GoValue.float64s(List.of(2.0)), "[2]")));
    assertThat(measure(metric("scalar(count(okra_test_success_ratio))", "true"))).isEqualTo(new Observation.Value(GoValue.float64(2.0), "2"));
    assertThat(measure(metric("okra_test_nothing_here", "true"))).isEqualTo(new Observation.Value(GoValue.float64s(List.of()), "[]"));
    Observation nan = measure(metric("okra_test_success_ratio{service=\"api\"} * 0 / 0", "isNaN(result[0])"));
    assertThat(metric("x", "isNaN(result[0])").successCondition().orElseThrow().test(((Observation.Value) nan).result())).isTrue();
  }

  @Test
  void aBadQueryIsAnErrorWithPrometheusMessage() {
    assertThat(measure(metric("sum(", "true"))).isInstanceOfSatisfying(Observation.Error.class,
        e -> assertThat(e.message()).startsWith("prometheus: bad_data: "));
    assertThat(provider.check(Metrics.of("""
        name: x
        provider: {prometheus: {address: "prometheus:9090"}}
        """))).containsExactly("address must be an http or https URL with a host, got prometheus:9090", "query is required");
  }
}
