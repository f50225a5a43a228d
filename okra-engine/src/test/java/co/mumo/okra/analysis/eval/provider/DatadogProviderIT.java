package co.mumo.okra.analysis.eval.provider;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.AnalysisDefinition;
import co.mumo.okra.analysis.eval.AnalysisEvaluator;
import co.mumo.okra.analysis.eval.ArgSource;
import co.mumo.okra.analysis.eval.Evaluation;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.core.RunPhase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The datadog provider against a local HTTP server answering in Datadog's documented formats (v1
 * {@code /api/v1/query} series, v2 {@code /api/v2/query/scalar} columns, 429 with X-RateLimit-* headers).
 */
class DatadogProviderIT {
  private static HttpServer server;
  private static String address;
  /** Scripted answers, status then body (and a reset header for 429), taken in order. */
  private static final Deque<Object[]> answers = new ArrayDeque<>();
  private static final List<String> requests = new CopyOnWriteArrayList<>();
  private final Instant now = Instant.parse("2026-01-01T00:10:00Z");
  private DatadogProvider datadog;

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", DatadogProviderIT::answer);
    server.start();
    address = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @BeforeEach
  void reset() {
    answers.clear();
    requests.clear();
    datadog = new DatadogProvider(TestHttp.loopback(), (ns, name) -> name.equals("datadog")
        ? Optional.of(Map.of("api-key", "the-api-key", "app-key", "the-app-key", "address", address)) : Optional.empty());
  }

  private static void answer(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("DD-API-KEY") + " "
        + ex.getRequestHeaders().getFirst("DD-APPLICATION-KEY") + " " + body);
    Object[] a = answers.isEmpty() ? new Object[] {500, "{\"errors\": [\"no scripted answer\"]}"} : answers.poll();
    if (a.length > 2) {
      ex.getResponseHeaders().add("X-RateLimit-Limit", "100");
      ex.getResponseHeaders().add("X-RateLimit-Period", "60");
      ex.getResponseHeaders().add("X-RateLimit-Remaining", "0");
      ex.getResponseHeaders().add("X-RateLimit-Reset", String.valueOf(a[2]));
    }
    byte[] bytes = String.valueOf(a[1]).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders((int) a[0], bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static final String V1 = """
      name: errors
      successCondition: default(result, 0) < 0.05
      provider:
        datadog:
          interval: 5m
          query: "sum:requests.error{service:web}.as_count() / sum:requests{service:web}.as_count()"
      """;

  @Test
  void v1TakesTheLastPointOfTheFirstSeriesAndSendsTheKeys() {
    answers.add(new Object[] {200, """
        {"status": "ok", "series": [{"metric": "m", "pointlist": [[1767225300000, 0.01], [1767225360000, 0.03]]}]}"""});
    assertThat(datadog.measure(Metrics.of(V1), now)).isEqualTo(new Observation.Value(GoValue.float64(0.03), "0.03"));
    assertThat(requests).singleElement().satisfies(r -> assertThat(r)
        .startsWith("GET /api/v1/query?from=" + now.minusSeconds(300).getEpochSecond() + "&to=" + now.getEpochSecond() + "&query=sum%3Arequests.error%7Bservice%3Aweb%7D.as_count%28%29+%2F+sum%3Arequests")
        .endsWith(" the-api-key the-app-key "));
  }

  @Test
  void noDataIsNilForDefault() {
    answers.add(new Object[] {200, "{\"status\": \"ok\", \"series\": []}"});
    Observation o = datadog.measure(Metrics.of(V1), now);
    assertThat(o).isEqualTo(new Observation.Value(GoValue.nilFloat64(), "[]"));
    assertThat(Metrics.of(V1).successCondition().orElseThrow().test(null)).isTrue();
  }

  @Test
  void v2PostsQueriesAndAFormulaAndReadsTheScalarColumn() throws IOException {
    answers.add(new Object[] {200, """
        {"data": {"type": "scalar_response", "attributes": {"columns": [{"name": "a/b", "type": "number", "values": [0.02]}]}}}"""});
    Observation o = datadog.measure(Metrics.of("""
        name: rate
        provider:
          datadog:
            apiVersion: v2
            interval: 10m
            queries: {a: "sum:errors{*}.as_count()", b: "sum:hits{*}.as_count()"}
            formula: a / b
            aggregator: sum
        """), now);
    assertThat(o).isEqualTo(new Observation.Value(GoValue.float64(0.02), "0.02"));
    String request = requests.get(0);
    assertThat(request).startsWith("POST /api/v2/query/scalar the-api-key the-app-key ");
    Map<?, ?> body = new ObjectMapper().readValue(request.substring(request.indexOf('{')), Map.class);
    assertThat(body).isEqualTo(Map.of("data", Map.of("type", "scalar_request", "attributes", Map.of(
        "from", now.minusSeconds(600).toEpochMilli(), "to", now.toEpochMilli(),
        "queries", List.of(
            Map.of("data_source", "metrics", "name", "a", "query", "sum:errors{*}.as_count()", "aggregator", "sum"),
            Map.of("data_source", "metrics", "name", "b", "query", "sum:hits{*}.as_count()", "aggregator", "sum")),
        "formulas", List.of(Map.of("formula", "a / b"))))));
  }

  @Test
  void aGroupedV2QueryIsAnArray() {
    answers.add(new Object[] {200, """
        {"data": {"attributes": {"columns": [{"name": "query1", "type": "number", "values": [0.01, 0.02, 0.03]}]}}}"""});
    assertThat(datadog.measure(Metrics.of("""
        name: rate
        successCondition: "all(result, # < 0.05)"
        provider: {datadog: {apiVersion: v2, query: "avg:latency{*} by {host}"}}
        """), now)).isEqualTo(new Observation.Value(GoValue.float64(0.01), "0.01"));
  }

  @Test
  void aRateLimitIsHonouredNotCountedAsAnError() {
    answers.add(new Object[] {429, "{\"errors\": [\"Rate limit exceeded\"]}", 17});
    answers.add(new Object[] {200, "{\"status\": \"ok\", \"series\": [{\"pointlist\": [[1, 0.01]]}]}"});
    AnalysisDefinition def = AnalysisDefinition.of("spec", Serialization.unmarshal("metrics:\n- "
        + V1.strip().replace("\n", "\n  ") + "\n", Map.class), ArgSource.NONE, AnalysisDefinition.Mode.STEP);
    Evaluation first = AnalysisEvaluator.pass(def, RunStatus.initial(), now, false, m -> datadog.measure(m, now));
    assertThat(first.status().phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(first.nextMeasurementAt()).contains(now.plusSeconds(17));
    assertThat(first.status().result("errors").orElseThrow().error()).isZero();
    assertThat(first.status().result("errors").orElseThrow().message())
        .isEqualTo("datadog: rate limited (429, limit 100 per 60s); measuring again at 2026-01-01T00:10:17Z");

    Instant later = now.plusSeconds(17);
    Evaluation second = AnalysisEvaluator.pass(def, first.status(), later, false, m -> datadog.measure(m, later));
    assertThat(second.status().phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(second.status().result("errors").orElseThrow().count()).isEqualTo(1);
  }

  @Test
  void otherFailuresAreErrorsAndNeverShowTheKeys() {
    answers.add(new Object[] {403, "{\"errors\": [\"Forbidden\"]}"});
    Observation o = datadog.measure(Metrics.of(V1), now);
    assertThat(o).isEqualTo(new Observation.Error("datadog: v1 query answered 403: {\"errors\": [\"Forbidden\"]}"));
    assertThat(new DatadogProvider(TestHttp.loopback(), (ns, name) -> Optional.empty()).measure(Metrics.of(V1), now))
        .isEqualTo(new Observation.Error("datadog: Secret datadog with api-key and app-key not found"));
  }

  @Test
  void theKeysAreReadInTheRunsNamespace() {
    List<String> asked = new java.util.ArrayList<>();
    DatadogProvider provider = new DatadogProvider(TestHttp.loopback(), (ns, name) -> {
      asked.add(ns + "/" + name);
      return Optional.empty();
    });
    provider.measure(Metrics.of(V1), now, "team-a");
    new Providers(List.of(provider)).measure(Metrics.of(V1), now, "team-b");
    assertThat(asked).containsExactly("team-a/datadog", "team-b/datadog");
  }

  @Test
  void checkNamesWhatIsMissing() {
    assertThat(datadog.check(Metrics.of("""
        name: x
        provider: {datadog: {queries: {a: "q"}}}
        """))).containsExactly("queries and formula need apiVersion v2", "queries need a formula, e.g. formula: a / b");
  }
}
