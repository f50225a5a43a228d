package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.analysis.eval.expr.Strings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Argo's {@code prometheus} provider: an instant query ({@code /api/v1/query}) of {@code query} at the
 * pass's time against {@code address}, with optional {@code headers} (key/value) and {@code timeout}
 * (seconds, default 30). {@code result} is what Argo hands the conditions ({@link #answer}): a []float64
 * of the samples' values for a vector or a matrix ({@code result[0]}), a float64 for a scalar. NaN and ±Inf
 * arrive as such ({@code isNaN(result[0])}).
 */
public final class PrometheusProvider implements MetricProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private final OutboundHttp http;

  public PrometheusProvider(OutboundHttp http) {
    this.http = http;
  }

  @Override
  public String type() {
    return "prometheus";
  }

  @Override
  public List<String> check(Metric metric) {
    List<String> problems = new ArrayList<>();
    Object address = metric.provider().get("address");
    if (address == null || String.valueOf(address).isBlank()) {
      problems.add("address is required (e.g. http://prometheus.monitoring:9090)");
    } else {
      Limits.urlProblem("address", address).ifPresent(problems::add);
    }
    if (metric.provider().get("query") == null || String.valueOf(metric.provider().get("query")).isBlank()) problems.add("query is required");
    problems.addAll(Limits.headerProblems(metric.provider().get("headers")));
    Limits.timeoutProblem("timeout", metric.provider().get("timeout")).ifPresent(problems::add);
    if (metric.provider().get("authentication") != null) problems.add("authentication (SigV4, OAuth2) is not supported by Okra's evaluator yet");
    return problems;
  }

  @Override
  public Observation measure(Metric metric, Instant now) {
    Map<String, Object> p = metric.provider();
    String address = String.valueOf(p.get("address")).replaceAll("/+$", "");
    Duration timeout = p.get("timeout") == null ? DEFAULT_TIMEOUT : Limits.timeout(p.get("timeout"));
    String url = address + "/api/v1/query?query=" + URLEncoder.encode(String.valueOf(p.get("query")), StandardCharsets.UTF_8)
        + "&time=" + now.getEpochSecond() + "." + String.format("%03d", now.getNano() / 1_000_000);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Accept", "application/json"));
    for (Object h : p.get("headers") instanceof List<?> l ? l : List.of()) {
      if (h instanceof Map<?, ?> m && m.get("key") != null) headers.add(Map.entry(String.valueOf(m.get("key")), String.valueOf(m.get("value"))));
    }
    OutboundHttp.Response response;
    try {
      response = http.send(new OutboundHttp.Request("GET", URI.create(url), headers, null, timeout));
    } catch (OutboundHttp.FetchException e) {
      return new Observation.Error("prometheus: " + address + ": " + e.getMessage());
    }
    Answer answer = new Answer(response.status(), response.text());
    Map<?, ?> doc;
    try {
      doc = JSON.readValue(answer.body(), Map.class);
    } catch (IOException e) {
      return new Observation.Error("prometheus: answered " + answer.statusCode() + ": " + WebProvider.abbreviate(answer.body()));
    }
    if (!"success".equals(doc.get("status"))) {
      return new Observation.Error("prometheus: " + doc.get("errorType") + ": " + doc.get("error"));
    }
    return answer(doc.get("data") instanceof Map<?, ?> d ? d : Map.of());
  }

  /**
   * The {@code data} of a successful query as Argo's provider hands it on: a scalar is a float64, a vector
   * or a matrix a []float64 of every sample's value (a matrix flattened, series after series), stored as
   * {@code [v1,v2]} with Go's formatting (NaN, +Inf); a string result is an error, as in Argo.
   */
  public static Observation answer(Map<?, ?> data) {
    Object result = data.get("result");
    String type = String.valueOf(data.get("resultType"));
    try {
      switch (type) {
        case "scalar": {
          double v = sampleValue(result);
          return new Observation.Value(GoValue.float64(v), Strings.formatFloatF(v));
        }
        case "vector", "matrix": {
          List<Double> values = new ArrayList<>();
          for (Object sample : result instanceof List<?> l ? l : List.of()) {
            if (!(sample instanceof Map<?, ?> m)) continue;
            if (type.equals("vector")) {
              values.add(sampleValue(m.get("value")));
            } else {
              for (Object v : m.get("values") instanceof List<?> vs ? vs : List.of()) values.add(sampleValue(v));
            }
          }
          StringBuilder text = new StringBuilder("[");
          for (int i = 0; i < values.size(); i++) text.append(i > 0 ? "," : "").append(Strings.formatFloatF(values.get(i)));
          return new Observation.Value(GoValue.float64s(values), text.append(']').toString());
        }
        default:
          return new Observation.Error("prometheus: Prometheus metric type not supported (" + type + ")");
      }
    } catch (NumberFormatException e) {
      return new Observation.Error("prometheus: a sample value is not a number: " + e.getMessage());
    }
  }

  /** The status and text of the answer, in the shape the decoding below reads. */
  private record Answer(int statusCode, String body) {}

  /** A sample {@code [timestamp, "value"]}; Prometheus writes values as strings (NaN, +Inf), read as Go's ParseFloat reads them. */
  private static double sampleValue(Object sample) {
    if (!(sample instanceof List<?> pair) || pair.size() < 2) throw new NumberFormatException("no value in " + sample);
    return Strings.parseFloat(String.valueOf(pair.get(1)));
  }
}
