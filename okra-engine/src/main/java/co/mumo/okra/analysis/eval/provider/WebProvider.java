package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * as JSON and narrowed by {@code jsonPath}. A non-2xx answer, a timeout or an undecodable answer under a
 * jsonPath is an error measurement. Without a jsonPath a non-JSON answer is the string {@code result}.
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
    Object doc;
    try {
      doc = JSON.readValue(answer.body(), Object.class);
    } catch (IOException notJson) {
      if (p.get("jsonPath") != null) return new Observation.Error("web: the answer is not JSON: " + abbreviate(answer.body()));
      return Observation.Value.of(answer.body());
    }
    if (p.get("jsonPath") == null) return Observation.Value.of(doc);
    String path = String.valueOf(p.get("jsonPath"));
    Optional<Object> value = JsonPaths.read(doc, JsonPaths.parse(path));
    if (value.isEmpty()) return new Observation.Error("web: jsonPath " + path + " found nothing in " + abbreviate(answer.body()));
    return Observation.Value.of(value.get());
  }

  /** The status and text of the answer, in the shape the decoding below reads. */
  private record Answer(int statusCode, String body) {}

  static String abbreviate(String s) {
    String t = s == null ? "" : s.strip().replaceAll("\\s+", " ");
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
