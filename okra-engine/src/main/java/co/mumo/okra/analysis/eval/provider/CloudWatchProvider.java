package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.GoDurations;
import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.GoType;
import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.analysis.eval.expr.Runtime;
import co.mumo.okra.analysis.eval.expr.Runtime.GoNamed;
import co.mumo.okra.analysis.eval.expr.Strings;
import co.mumo.okra.aws.AwsClients;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Argo's {@code cloudWatch} provider: one GetMetricData call over the last {@code interval} (default 5m)
 * with the template's {@code metricDataQueries} (a list, or a string holding a JSON/YAML list, as Argo
 * allows). {@code result} is the list of results with the SDK's field names, as Argo hands them to the
 * conditions: {@code result[0].Values}, {@code result[0].Id}, {@code Label}, {@code StatusCode},
 * {@code Timestamps}; values oldest first.
 */
public final class CloudWatchProvider implements MetricProvider {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  /** GetMetricData pages on for as long as a template's queries have points: this bounds the runner's memory. */
  static final int MAX_DATA_POINTS = 100_000;
  private final Supplier<CloudWatchClient> client;

  public CloudWatchProvider(CloudWatchClient client) {
    this.client = () -> client;
  }

  /** Builds the client on the first measurement, so that runs without CloudWatch metrics need no AWS configuration. */
  public CloudWatchProvider(Supplier<CloudWatchClient> client) {
    this.client = client;
  }

  /** A client as the runner configures AWS: region, profile and endpoint override when given, the SDK's retries, both timeouts. */
  public static CloudWatchClient client(AwsClients.Settings settings) {
    return AwsClients.build(CloudWatchClient.builder(), settings);
  }

  @Override
  public String type() {
    return "cloudWatch";
  }

  @Override
  public List<String> check(Metric metric) {
    try {
      List<Map<String, Object>> queries = queries(metric.provider());
      if (queries.isEmpty()) return List.of("metricDataQueries is required");
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < queries.size(); i++) {
        Map<String, Object> q = queries.get(i);
        if (q.get("id") == null) problems.add("metricDataQueries[" + i + "].id is required");
        if ((q.get("expression") == null) == (q.get("metricStat") == null)) {
          problems.add("metricDataQueries[" + i + "] needs exactly one of expression and metricStat");
        }
      }
      window(metric.provider());
      return problems;
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }

  @Override
  public Observation measure(Metric metric, Instant now) {
    List<MetricDataQuery> queries = new ArrayList<>();
    for (Map<String, Object> q : queries(metric.provider())) queries.add(query(q));
    GetMetricDataRequest request = GetMetricDataRequest.builder()
        .startTime(now.minus(window(metric.provider()))).endTime(now)
        .scanBy(ScanBy.TIMESTAMP_ASCENDING).metricDataQueries(queries).build();
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    int points = 0;
    try {
      for (GetMetricDataResponse page : client.get().getMetricDataPaginator(request)) {
        for (MetricDataResult r : page.metricDataResults()) {
          points += r.values().size();
          if (points > MAX_DATA_POINTS) {
            return new Observation.Error("cloudWatch: GetMetricData returned more than " + MAX_DATA_POINTS + " data points, the most"
                + " Okra reads for one measurement (fewer queries, a shorter interval or a longer period)");
          }
          Map<String, Object> out = byId.computeIfAbsent(r.id(), id -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Id", id);
            m.put("Label", r.label());
            m.put("StatusCode", r.statusCodeAsString());
            m.put("Messages", new ArrayList<Object>());
            m.put("Timestamps", new ArrayList<Instant>());
            m.put("Values", new ArrayList<Double>());
            return m;
          });
          @SuppressWarnings("unchecked")
          List<Instant> ts = (List<Instant>) out.get("Timestamps");
          @SuppressWarnings("unchecked")
          List<Double> vs = (List<Double>) out.get("Values");
          ts.addAll(r.timestamps());
          vs.addAll(r.values());
          out.put("StatusCode", r.statusCodeAsString());
        }
      }
    } catch (SdkException e) {
      return new Observation.Error("cloudWatch: GetMetricData: " + e.getMessage());
    }
    return results(new ArrayList<>(byId.values()));
  }

  /** GetMetricData's results as Argo hands them to the conditions: a []types.MetricDataResult of the SDK's structs. */
  static final GoType RESULTS = GoType.sliceOf(GoType.struct("types.MetricDataResult", Map.of(
      "Id", GoType.pointerTo(GoType.STRING),
      "Label", GoType.pointerTo(GoType.STRING),
      "Messages", GoType.sliceOf(GoType.struct("types.MessageData",
          Map.of("Code", GoType.pointerTo(GoType.STRING), "Value", GoType.pointerTo(GoType.STRING)))),
      "StatusCode", GoType.named("types.StatusCode", GoType.Kind.STRING),
      "Timestamps", GoType.sliceOf(GoType.struct("time.Time", Map.of())),
      "Values", GoType.FLOAT64_SLICE)));

  /** The results (maps with the SDK's field names), stored as Argo stores them: each result's values, {@code [[0.1 0.2] [3]]}. */
  public static Observation results(List<Map<String, Object>> results) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < results.size(); i++) {
      if (i > 0) text.append(' ');
      text.append('[');
      List<?> values = (List<?>) results.get(i).get("Values");
      for (int j = 0; j < values.size(); j++) text.append(j > 0 ? " " : "").append(Strings.formatFloatG((Double) values.get(j)));
      text.append(']');
    }
    List<Object> typed = new ArrayList<>();
    for (Map<String, Object> r : results) {
      Map<String, Object> t = new LinkedHashMap<>(r);
      t.put("StatusCode", new GoNamed("types.StatusCode", String.valueOf(r.get("StatusCode"))));
      typed.add(t);
    }
    return new Observation.Value(GoValue.of(new Runtime.StructSlice(typed), RESULTS), text.append(']').toString());
  }

  private static MetricDataQuery query(Map<String, Object> q) {
    MetricDataQuery.Builder b = MetricDataQuery.builder().id(str(q.get("id")));
    if (q.get("label") != null) b.label(str(q.get("label")));
    if (q.get("returnData") != null) b.returnData(Boolean.parseBoolean(str(q.get("returnData"))));
    if (q.get("period") != null) b.period(Integer.parseInt(str(q.get("period"))));
    if (q.get("expression") != null) b.expression(str(q.get("expression")));
    if (q.get("metricStat") instanceof Map<?, ?> stat) {
      Map<?, ?> metric = stat.get("metric") instanceof Map<?, ?> m ? m : Map.of();
      List<Dimension> dims = new ArrayList<>();
      if (metric.get("dimensions") instanceof List<?> ds) {
        for (Object d : ds) {
          if (d instanceof Map<?, ?> dm) dims.add(Dimension.builder().name(str(dm.get("name"))).value(str(dm.get("value"))).build());
        }
      }
      MetricStat.Builder s = MetricStat.builder()
          .metric(x -> x.namespace(str(metric.get("namespace"))).metricName(str(metric.get("metricName"))).dimensions(dims))
          .stat(str(stat.get("stat")));
      if (stat.get("period") != null) s.period(Integer.parseInt(str(stat.get("period"))));
      if (stat.get("unit") != null) s.unit(str(stat.get("unit")));
      b.metricStat(s.build());
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> queries(Map<String, Object> provider) {
    Object raw = provider.get("metricDataQueries");
    if (raw instanceof String s) {
      try {
        raw = YAML.readValue(s, Object.class);
      } catch (IOException e) {
        throw new IllegalArgumentException("metricDataQueries is a string but not a JSON or YAML list: " + e.getMessage());
      }
    }
    if (raw == null) return List.of();
    if (!(raw instanceof List<?> l)) throw new IllegalArgumentException("metricDataQueries must be a list");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof Map<?, ?>)) throw new IllegalArgumentException("metricDataQueries must be a list of queries");
      out.add((Map<String, Object>) o);
    }
    return out;
  }

  private static Duration window(Map<String, Object> provider) {
    Object w = provider.get("interval");
    if (w == null) return DEFAULT_WINDOW;
    try {
      return GoDurations.parse(str(w));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("interval: " + e.getMessage());
    }
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
