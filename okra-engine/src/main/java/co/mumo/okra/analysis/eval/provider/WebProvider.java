package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.GoValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Argo's {@code web} provider: an HTTP request ({@code url}, {@code method} GET/POST/PUT, {@code headers}
 * as key/value, {@code body} or {@code jsonBody}, {@code timeoutSeconds} default 10), the answer decoded
 * as JSON and narrowed by {@code jsonPath} as Argo does ({@link #answer}). A non-2xx answer or a timeout is
 * an error measurement; a non-JSON answer is the string {@code result}.
 */
public final class WebProvider implements MetricProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private final OutboundHttp http;

  public WebProvider(OutboundHttp http) {
    this.http = http;
  }

  @Override
  public String type() {
    return "web";
  }

  @Override
  public List<String> check(Metric metric) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> p = metric.provider();
    Object url = p.get("url");
    if (url == null || String.valueOf(url).isBlank()) {
      problems.add("url is required");
    } else {
      Limits.urlProblem("url", url).ifPresent(problems::add);
    }
    String method = String.valueOf(p.getOrDefault("method", "GET")).toUpperCase();
    if (!List.of("GET", "POST", "PUT").contains(method)) problems.add("method must be GET, POST or PUT, got " + method);
    if (p.get("body") != null && p.get("jsonBody") != null) problems.add("give body or jsonBody, not both");
    if ((p.get("body") != null || p.get("jsonBody") != null) && method.equals("GET")) problems.add("a GET has no body: use method POST or PUT");
    problems.addAll(Limits.headerProblems(p.get("headers")));
    Limits.timeoutProblem("timeoutSeconds", p.get("timeoutSeconds")).ifPresent(problems::add);
    if (p.get("jsonPath") != null) {
      try {
        JsonPaths.parse(String.valueOf(p.get("jsonPath")));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (Boolean.TRUE.equals(p.get("insecure")) || "true".equals(String.valueOf(p.get("insecure")))) {
      problems.add("insecure: true is not supported by Okra's evaluator (give the runner a trust store with the server's CA)");
    }
    return problems;
  }

  @Override
  public Observation measure(Metric metric, Instant now) {
    Map<String, Object> p = metric.provider();
    String url = String.valueOf(p.get("url"));
    String method = String.valueOf(p.getOrDefault("method", "GET")).toUpperCase();
    Duration timeout = p.get("timeoutSeconds") == null ? DEFAULT_TIMEOUT : Limits.timeout(p.get("timeoutSeconds"));
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    boolean contentType = false;
    for (Object h : p.get("headers") instanceof List<?> l ? l : List.of()) {
      if (h instanceof Map<?, ?> m && m.get("key") != null) {
        String key = String.valueOf(m.get("key"));
        contentType |= key.equalsIgnoreCase("content-type");
        headers.add(Map.entry(key, String.valueOf(m.get("value"))));
      }
    }
    String body = null;
    if (p.get("jsonBody") != null) {
      try {
        body = JSON.writeValueAsString(p.get("jsonBody"));
      } catch (JsonProcessingException e) {
        return new Observation.Error("web: jsonBody cannot be written as JSON: " + e.getOriginalMessage());
      }
      if (!contentType) headers.add(Map.entry("Content-Type", "application/json"));
    } else if (p.get("body") != null) {
      body = String.valueOf(p.get("body"));
    }
    OutboundHttp.Response response;
    try {
      response = http.send(new OutboundHttp.Request(method, URI.create(url), headers,
          body == null ? null : body.getBytes(StandardCharsets.UTF_8), timeout));
    } catch (OutboundHttp.FetchException e) {
      return new Observation.Error("web: " + method + " " + url + ": " + e.getMessage());
    }
    Answer answer = new Answer(response.status(), response.text());
    if (answer.statusCode() < 200 || answer.statusCode() >= 300) {
      return new Observation.Error("web: " + method + " " + url + " answered " + answer.statusCode() + ": " + abbreviate(answer.body()));
    }
    return answer(p.get("jsonPath") == null ? null : String.valueOf(p.get("jsonPath")), answer.body());
  }

  /**
   * A 2xx answer's body as Argo's web provider hands it on: decoded as Go's encoding/json decodes it, the
   * first match of {@code jsonPath} (default {@code {$}}, the whole document) is {@code result}, and the
   * stored value is that match as Go's json.Marshal writes it. A body that is not JSON is the string
   * {@code result} (Argo stores it and calls the measurement Successful without evaluating the conditions;
   * Okra evaluates them: see docs/analysis.md).
   */
  public static Observation answer(String jsonPath, String body) {
    Optional<GoJson.Decoded> doc = GoJson.decode(body);
    if (doc.isEmpty()) return new Observation.Value(GoValue.json(body), body);
    Object value;
    try {
      value = JsonPaths.first(doc.get().value(), JsonPaths.parse(jsonPath == null ? "{$}" : jsonPath));
    } catch (IllegalArgumentException e) {
      return new Observation.Error("web: jsonPath " + (jsonPath == null ? "{$}" : jsonPath) + ": " + e.getMessage());
    }
    if (value == null && doc.get().value() == null) {
      // The whole answer is null: Argo's provider panics on it (its controller crashes); Okra records an error.
      return new Observation.Error("web: the answer is null, jsonPath " + (jsonPath == null ? "{$}" : jsonPath) + " has nothing to match");
    }
    return Observation.Value.json(value);
  }

  /** The status and text of the answer, in the shape the decoding below reads. */
  private record Answer(int statusCode, String body) {}

  static String abbreviate(String s) {
    return OutboundHttp.abbreviate(s);
  }
}
