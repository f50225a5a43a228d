package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.analysis.eval.GoDurations;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Argo's {@code datadog} provider. {@code apiVersion: v1} (the default) GETs {@code /api/v1/query} with
 * {@code query} over the last {@code interval} (default 5m) and takes the last point of the first series;
 * {@code v2} POSTs a scalar request to {@code /api/v2/query/scalar} with {@code query}, or {@code queries}
 * and a {@code formula}, reduced by {@code aggregator} (default last). {@code result} is the number, an
 * array when the query is grouped, or nil when there is no data (hence {@code default(result, 0)}).
 *
 * <p>Keys come from a Secret (as with Argo: {@code datadog} unless {@code secretRef.name} says otherwise)
 * with {@code api-key}, {@code app-key} and optionally {@code address}. A 429 is Datadog saying "not
 * now": the measurement is taken again when {@code X-RateLimit-Reset} says, and is not an error.
 */
public final class DatadogProvider implements MetricProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_ADDRESS = "https://api.datadoghq.com";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_RESET = Duration.ofSeconds(60);

  /** Reads a Secret's data (decoded) by name, in the namespace of the run (null: the reader's default namespace). */
  public interface Secrets {
    Optional<Map<String, String>> read(String namespace, String name);
  }

  private final OutboundHttp http;
  private final Secrets secrets;

  public DatadogProvider(OutboundHttp http, Secrets secrets) {
    this.http = http;
    this.secrets = secrets;
  }

  @Override
  public String type() {
    return "datadog";
  }

  @Override
  public List<String> check(Metric metric) {
    Map<String, Object> p = metric.provider();
    List<String> problems = new ArrayList<>();
    String version = String.valueOf(p.getOrDefault("apiVersion", "v1"));
    if (!version.equals("v1") && !version.equals("v2")) problems.add("apiVersion must be v1 or v2, got " + version);
    boolean hasQueries = p.get("queries") instanceof Map<?, ?> q && !q.isEmpty();
    if (p.get("query") == null && !hasQueries) problems.add("query (or, with v2, queries and formula) is required");
    if (version.equals("v1") && (hasQueries || p.get("formula") != null)) problems.add("queries and formula need apiVersion v2");
    if (hasQueries && p.get("formula") == null) problems.add("queries need a formula, e.g. formula: a / b");
    if (p.get("interval") != null) {
      try {
        GoDurations.parse(String.valueOf(p.get("interval")));
      } catch (IllegalArgumentException e) {
        problems.add("interval: " + e.getMessage());
      }
    }
    return problems;
  }

  @Override
  public Observation measure(Metric metric, Instant now) {
    return measure(metric, now, null);
  }

  /** The keys come from the run's namespace, as Argo reads them from the Rollout's. */
  @Override
  public Observation measure(Metric metric, Instant now, String namespace) {
    Map<String, Object> p = metric.provider();
    String secretName = p.get("secretRef") instanceof Map<?, ?> ref && ref.get("name") != null ? String.valueOf(ref.get("name")) : "datadog";
    Optional<Map<String, String>> keys = secrets.read(namespace, secretName);
    if (keys.isEmpty() || keys.get().get("api-key") == null || keys.get().get("app-key") == null) {
      return new Observation.Error("datadog: Secret " + secretName + " with api-key and app-key not found");
    }
    String address = Optional.ofNullable(keys.get().get("address")).filter(a -> !a.isBlank()).orElse(DEFAULT_ADDRESS)
        .replaceAll("/+$", "");
    Duration window = p.get("interval") == null ? Duration.ofMinutes(5) : GoDurations.parse(String.valueOf(p.get("interval")));
    boolean v2 = "v2".equals(String.valueOf(p.getOrDefault("apiVersion", "v1")));
    if (Limits.urlProblem("address", address).isPresent()) {
      return new Observation.Error("datadog: Secret " + secretName + ": " + Limits.urlProblem("address", address).get());
    }
    URI uri;
    byte[] body = null;
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (v2) {
      uri = URI.create(address + "/api/v2/query/scalar");
      headers.add(Map.entry("Content-Type", "application/json"));
      body = v2Body(p, now.minus(window), now).getBytes(StandardCharsets.UTF_8);
    } else {
      String q = "from=" + now.minus(window).getEpochSecond() + "&to=" + now.getEpochSecond() + "&query="
          + URLEncoder.encode(String.valueOf(p.get("query")), StandardCharsets.UTF_8);
      uri = URI.create(address + "/api/v1/query?" + q);
    }
    headers.add(Map.entry("Accept", "application/json"));
    headers.add(Map.entry("DD-API-KEY", keys.get().get("api-key")));
    headers.add(Map.entry("DD-APPLICATION-KEY", keys.get().get("app-key")));
    OutboundHttp.Response answer;
    try {
      answer = http.send(new OutboundHttp.Request(v2 ? "POST" : "GET", uri, headers, body, TIMEOUT));
    } catch (OutboundHttp.FetchException e) {
      return new Observation.Error("datadog: " + address + ": " + e.getMessage());
    }
    if (answer.status() == 429) {
      Duration wait = answer.header("X-RateLimit-Reset").filter(v -> v.trim().matches("\\d+"))
          .map(v -> Duration.ofSeconds(Math.max(1, Long.parseLong(v.trim())))).orElse(DEFAULT_RESET);
      Instant at = now.plus(wait);
      return new Observation.Later(at, "datadog: rate limited (429, limit "
          + answer.header("X-RateLimit-Limit").orElse("?") + " per "
          + answer.header("X-RateLimit-Period").orElse("?") + "s); measuring again at " + at);
    }
    if (answer.status() / 100 != 2) {
      return new Observation.Error("datadog: " + (v2 ? "v2 scalar query" : "v1 query") + " answered " + answer.status() + ": "
          + WebProvider.abbreviate(answer.text()));
    }
    try {
      Map<?, ?> doc = JSON.readValue(answer.text(), Map.class);
      return v2 ? v2Result(doc) : v1Result(doc);
    } catch (IOException | ClassCastException e) {
      return new Observation.Error("datadog: cannot read the answer: " + WebProvider.abbreviate(answer.text()));
    }
  }

  private static String v2Body(Map<String, Object> p, Instant from, Instant to) {
    String aggregator = String.valueOf(p.getOrDefault("aggregator", "last"));
    List<Map<String, Object>> queries = new ArrayList<>();
    List<Map<String, Object>> formulas = new ArrayList<>();
    if (p.get("queries") instanceof Map<?, ?> named && !named.isEmpty()) {
      named.forEach((name, q) -> queries.add(query(String.valueOf(name), String.valueOf(q), aggregator)));
      formulas.add(Map.of("formula", String.valueOf(p.get("formula"))));
    } else {
      queries.add(query("query1", String.valueOf(p.get("query")), aggregator));
      formulas.add(Map.of("formula", "query1"));
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("from", from.toEpochMilli());
    attributes.put("to", to.toEpochMilli());
    attributes.put("queries", queries);
    attributes.put("formulas", formulas);
    try {
      return JSON.writeValueAsString(Map.of("data", Map.of("type", "scalar_request", "attributes", attributes)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> query(String name, String query, String aggregator) {
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("data_source", "metrics");
    q.put("name", name);
    q.put("query", query);
    q.put("aggregator", aggregator);
    return q;
  }

  private static Observation v1Result(Map<?, ?> doc) {
    if (doc.get("status") != null && !"ok".equals(doc.get("status"))) {
      return new Observation.Error("datadog: query status " + doc.get("status") + ": " + doc.get("error"));
    }
    List<?> series = doc.get("series") instanceof List<?> l ? l : List.of();
    if (series.isEmpty()) return noData("[]");
    List<?> points = ((Map<?, ?>) series.get(0)).get("pointlist") instanceof List<?> l ? l : List.of();
    if (points.isEmpty()) return noData("[{\"pointlist\":[]}]");
    List<?> last = (List<?>) points.get(points.size() - 1);
    if (last.size() != 2) return new Observation.Error("datadog: Datapoint does not have 2 values");
    return point(asDouble(last.get(1)));
  }

  private static Observation v2Result(Map<?, ?> doc) {
    if (doc.get("errors") != null) return new Observation.Error("datadog: " + doc.get("errors"));
    Map<?, ?> data = (Map<?, ?>) doc.get("data");
    Map<?, ?> attributes = data == null ? Map.of() : (Map<?, ?>) data.get("attributes");
    List<?> columns = attributes != null && attributes.get("columns") instanceof List<?> l ? l : List.of();
    for (Object c : columns) {
      Map<?, ?> column = (Map<?, ?>) c;
      if (column.get("type") != null && !"number".equals(column.get("type"))) continue;
      List<?> values = column.get("values") instanceof List<?> v ? v : List.of();
      // Argo takes the first value of the first column, and stores the column's values when there is none.
      if (values.isEmpty() || values.get(0) == null) return noData(Strings.json(GoValue.json(values).value()));
      return point(asDouble(values.get(0)));
    }
    return noData("[]");
  }

  /** No data: a nil *float64 for the conditions ({@code default(result, 0)}), as in Argo. */
  private static Observation noData(String stored) {
    return new Observation.Value(GoValue.nilFloat64(), stored);
  }

  private static Observation point(Double v) {
    if (v == null) return noData("null");
    return new Observation.Value(GoValue.float64(v), Strings.formatFloatF(v));
  }

  private static Double asDouble(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }
}
