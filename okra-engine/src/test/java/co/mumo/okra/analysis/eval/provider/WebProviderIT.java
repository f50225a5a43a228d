package co.mumo.okra.analysis.eval.provider;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.GoValue;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web provider against a real HTTP server on loopback (the JDK's). */
class WebProviderIT {
  private static HttpServer server;
  private static String base;
  private static final List<String> seen = new CopyOnWriteArrayList<>();
  private final WebProvider web = new WebProvider(TestHttp.loopback());
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/health", ex -> answer(ex, 200, "{\"data\": {\"ok\": true, \"successPercent\": 0.97, \"items\": [{\"v\": 3}]}}"));
    server.createContext("/text", ex -> answer(ex, 200, "UP\n"));
    server.createContext("/broken", ex -> answer(ex, 503, "{\"error\": \"overloaded\"}"));
    server.createContext("/slow", ex -> {
      try {
        // The thing under test: a server slower than the metric's timeout.
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(ex, 200, "{}");
    });
    server.createContext("/echo", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Authorization") + " "
          + ex.getRequestHeaders().getFirst("Content-Type") + " " + body);
      answer(ex, 200, "{\"received\": " + body + "}");
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static void answer(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(code, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Test
  void getWithAJsonPathYieldsTheTypedValue() {
    assertThat(web.measure(Metrics.of("""
        name: ok
        provider: {web: {url: "%s/health", jsonPath: "{$.data.ok}"}}
        """.formatted(base)), now)).isEqualTo(Observation.Value.json(true));
    assertThat(web.measure(Metrics.of("""
        name: ok
        provider: {web: {url: "%s/health", jsonPath: "{$.data.items[0].v}"}}
        """.formatted(base)), now)).isEqualTo(Observation.Value.json(3.0));
    assertThat(web.measure(Metrics.of("""
        name: ok
        provider: {web: {url: "%s/health", jsonPath: "{$.data}"}}
        """.formatted(base)), now)).isInstanceOfSatisfying(Observation.Value.class,
            v -> assertThat(v.result().value()).isEqualTo(Map.of("ok", true, "successPercent", 0.97, "items", List.of(Map.of("v", 3.0)))));
  }

  @Test
  void withoutAJsonPathTheWholeAnswerIsTheResult() {
    assertThat(web.measure(Metrics.of("""
        name: up
        provider: {web: {url: "%s/text"}}
        """.formatted(base)), now)).isEqualTo(new Observation.Value(GoValue.json("UP\n"), "UP\n"));
  }

  @Test
  void postSendsHeadersAndAJsonBody() {
    Observation o = web.measure(Metrics.of("""
        name: post
        provider:
          web:
            url: "%s/echo"
            method: POST
            headers: [{key: Authorization, value: "Bearer t0ken"}]
            jsonBody: {service: web, window: 5}
            jsonPath: "{$.received.window}"
        """.formatted(base)), now);
    assertThat(o).isEqualTo(Observation.Value.json(5.0));
    assertThat(seen).contains("POST Bearer t0ken application/json {\"service\":\"web\",\"window\":5}");
  }

  @Test
  void aNon2xxAnswerATimeoutAndAMissingPathAreErrors() {
    assertThat(web.measure(Metrics.of("""
        name: b
        provider: {web: {url: "%s/broken"}}
        """.formatted(base)), now)).isEqualTo(new Observation.Error("web: GET " + base + "/broken answered 503: {\"error\": \"overloaded\"}"));
    assertThat(web.measure(Metrics.of("""
        name: s
        provider: {web: {url: "%s/slow", timeoutSeconds: 1}}
        """.formatted(base)), now)).isEqualTo(new Observation.Error("web: GET " + base + "/slow: timed out after 1s"));
    assertThat(web.measure(Metrics.of("""
        name: m
        provider: {web: {url: "%s/health", jsonPath: "{$.data.nothing}"}}
        """.formatted(base)), now)).isInstanceOfSatisfying(Observation.Error.class,
            e -> assertThat(e.message()).isEqualTo("web: jsonPath {$.data.nothing}: Could not find JSONPath in body: nothing is not found"));
  }

  @Test
  void checkNamesWhatIsMissing() {
    assertThat(web.check(Metrics.of("""
        name: x
        provider: {web: {method: GET, body: x, jsonPath: "{$.a[*]}"}}
        """))).containsExactly("url is required", "a GET has no body: use method POST or PUT",
            "jsonPath \"{$.a[*]}\": [*] is not supported by Okra's evaluator (use field names, quoted names and indexes)");
  }
}
