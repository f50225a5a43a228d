package co.mumo.okra.analysis.eval;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.ConditionGenerator.G;
import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.analysis.eval.expr.Strings;
import co.mumo.okra.analysis.eval.provider.CloudWatchProvider;
import co.mumo.okra.analysis.eval.provider.PrometheusProvider;
import co.mumo.okra.analysis.eval.provider.WebProvider;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.testsupport.ArgoOracle;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Okra's evaluator judged by Argo Rollouts itself (tools/argo-oracle: Argo's utils/evaluate and its web,
 * prometheus and cloudwatch providers). Every case is a measurement of some shape with a success and
 * maybe a failure condition; Okra's verdict (Successful, Failed, Inconclusive, Error) and stored value
 * must be Argo's. A condition Okra refuses when reading the template counts as its Error.
 *
 * <p>Generated cases are seeded ({@code -Dokra.differential.seed}, default fixed) and their number is
 * {@code -Dokra.differential.pairs} (default 12,000). A disagreement is shrunk to a small case and printed.
 * The counts go to {@code target/argo-differential.md} (the table in docs/analysis.md is made from it).
 */
class ArgoOracleDifferentialTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final long SEED = Long.getLong("okra.differential.seed", 20260101L);
  private static final int PAIRS = Integer.getInteger("okra.differential.pairs", 12_000);
  private static final Map<String, Map<String, Integer>> SUMMARY = new TreeMap<>();

  private static ArgoOracle oracle;

  @BeforeAll
  static void startOracle() {
    oracle = ArgoOracle.start();
  }

  @AfterAll
  static void stopOracle() throws IOException {
    if (oracle != null) {
      Map<?, ?> version = oracle.version();
      oracle.close();
      StringBuilder b = new StringBuilder("Argo Rollouts " + version.get("argoRollouts") + " (expr " + version.get("expr") + ")\n\n");
      b.append("| cases | kind | judged | Successful | Failed | Inconclusive | Error | Argo crashes | refused up front "
          + "| of which unreliable in Argo | disagreements |\n");
      b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      SUMMARY.forEach((k, m) -> b.append("| ").append(k.replace("/", " | ")).append(" | ").append(m.getOrDefault("judged", 0))
          .append(" | ").append(m.getOrDefault("Successful", 0)).append(" | ").append(m.getOrDefault("Failed", 0))
          .append(" | ").append(m.getOrDefault("Inconclusive", 0)).append(" | ").append(m.getOrDefault("Error", 0))
          .append(" | ").append(m.getOrDefault("Panic", 0))
          .append(" | ").append(m.getOrDefault("refused", 0)).append(" | ").append(m.getOrDefault("known", 0))
          .append(" | ").append(m.getOrDefault("disagreements", 0)).append(" |\n"));
      Path out = Path.of("target", "argo-differential.md");
      Files.createDirectories(out.getParent());
      Files.writeString(out, b.toString());
      System.out.println(b);
    }
  }

  // ------------------------------------------------------------------ cases

  /** How a measurement reaches the conditions. */
  sealed interface Shape {}

  /** A JSON document handed on as Go decodes it (what the web and job providers give). */
  record JsonResult(Object doc) implements Shape {}

  record Float64(double value) implements Shape {}

  record Float64s(List<Double> values) implements Shape {}

  record NilFloat64() implements Shape {}

  /** Through the web provider: a 2xx answer's body and the metric's jsonPath. */
  record Web(String jsonPath, Object doc) implements Shape {}

  /** Through the web provider, a body as written (spacing, escapes, repeated keys, big and tiny numbers). */
  record RawWeb(String jsonPath, String body) implements Shape {}

  /** Through the prometheus provider: the query's resultType and its series' sample values. */
  record Prometheus(String type, List<List<String>> series) implements Shape {}

  /** Through the cloudwatch provider: each result's values. */
  record CloudWatch(List<List<Double>> values) implements Shape {}

  record Case(G success, G failure, Shape shape) {
    String successText() {
      return success == null ? "" : success.render();
    }

    String failureText() {
      return failure == null ? "" : failure.render();
    }

    String kind() {
      if (shape instanceof JsonResult) return "json";
      if (shape instanceof Float64) return "float64";
      if (shape instanceof Float64s) return "[]float64";
      if (shape instanceof NilFloat64) return "nil *float64";
      if (shape instanceof Web || shape instanceof RawWeb) return "web";
      if (shape instanceof Prometheus) return "prometheus";
      return "cloudwatch";
    }

    @Override
    public String toString() {
      return kind() + " " + shape + "\n    successCondition: " + successText() + "\n    failureCondition: " + failureText();
    }
  }

  record Verdict(String phase, String value, String message, boolean refused) {}

  private static Map<String, Object> request(Case c) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("success", c.successText());
    r.put("failure", c.failureText());
    Shape shape = c.shape();
    if (shape instanceof JsonResult j) {
      r.put("kind", "result");
      r.put("result", Map.of("type", "json", "json", Strings.json(GoValue.json(j.doc()).value())));
    } else if (shape instanceof Float64 f) {
      r.put("kind", "result");
      r.put("result", Map.of("type", "float64", "value", Strings.formatFloatF(f.value())));
    } else if (shape instanceof Float64s f) {
      r.put("kind", "result");
      r.put("result", Map.of("type", "float64s", "values", f.values().stream().map(Strings::formatFloatF).toList()));
    } else if (shape instanceof NilFloat64) {
      r.put("kind", "result");
      r.put("result", Map.of("type", "nilFloat64"));
    } else if (shape instanceof Web w) {
      r.put("kind", "web");
      r.put("body", webBody(w));
      r.put("jsonPath", w.jsonPath() == null ? "" : w.jsonPath());
    } else if (shape instanceof RawWeb w) {
      r.put("kind", "web");
      r.put("body", w.body());
      r.put("jsonPath", w.jsonPath() == null ? "" : w.jsonPath());
    } else if (shape instanceof Prometheus p) {
      r.put("kind", "prometheus");
      r.put("body", prometheusBody(p));
    } else if (shape instanceof CloudWatch cw) {
      {
        r.put("kind", "cloudwatch");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < cw.values().size(); i++) {
          rows.add(Map.of("id", "q" + i, "label", "l" + i, "statusCode", "Complete",
              "values", cw.values().get(i).stream().map(Strings::formatFloatF).toList(), "timestamps", List.of()));
        }
        r.put("results", rows);
      }
    }
    return r;
  }

  private static String webBody(Web w) {
    return Strings.json(GoValue.json(w.doc()).value());
  }

  private static String prometheusBody(Prometheus p) {
    List<Object> result = new ArrayList<>();
    Object data;
    if (p.type().equals("scalar")) {
      data = Map.of("resultType", "scalar", "result", List.of(1767225600, p.series().get(0).get(0)));
    } else {
      for (List<String> s : p.series()) {
        if (p.type().equals("vector")) {
          result.add(Map.of("metric", Map.of(), "value", List.of(1767225600, s.get(0))));
        } else {
          List<Object> values = new ArrayList<>();
          for (String v : s) values.add(List.of(1767225600, v));
          result.add(Map.of("metric", Map.of(), "values", values));
        }
      }
      data = Map.of("resultType", p.type(), "result", result);
    }
    try {
      return JSON.writeValueAsString(Map.of("status", "success", "data", data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Okra's verdict through its production path: the template's conditions read, the provider's answer measured. */
  private static Verdict okra(Case c) {
    Optional<Condition> success;
    Optional<Condition> failure;
    try {
      // as AnalysisDefinition reads a template: an empty condition is no condition, as in Argo
      success = c.successText().isEmpty() ? Optional.empty() : Optional.of(Condition.parse(c.successText()));
      failure = c.failureText().isEmpty() ? Optional.empty() : Optional.of(Condition.parse(c.failureText()));
    } catch (Condition.ConditionSyntaxException e) {
      return new Verdict("Error", null, e.getMessage(), true);
    }
    Observation o;
    Shape shape = c.shape();
    if (shape instanceof JsonResult j) {
      o = new Observation.Value(GoValue.json(j.doc()), "");
    } else if (shape instanceof Float64 f) {
      o = new Observation.Value(GoValue.float64(f.value()), "");
    } else if (shape instanceof Float64s f) {
      o = new Observation.Value(GoValue.float64s(f.values()), "");
    } else if (shape instanceof NilFloat64) {
      o = new Observation.Value(GoValue.nilFloat64(), "");
    } else if (shape instanceof Web w) {
      o = WebProvider.answer(w.jsonPath(), webBody(w));
    } else if (shape instanceof RawWeb w) {
      o = WebProvider.answer(w.jsonPath(), w.body());
    } else if (shape instanceof Prometheus p) {
      o = PrometheusProvider.answer(prometheusData(p));
    } else {
      CloudWatch cw = (CloudWatch) shape;
      {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < cw.values().size(); i++) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("Id", "q" + i);
          row.put("Label", "l" + i);
          row.put("Messages", List.of());
          row.put("StatusCode", "Complete");
          row.put("Timestamps", List.of());
          row.put("Values", new ArrayList<Object>(cw.values().get(i)));
          rows.add(row);
        }
        o = CloudWatchProvider.results(rows);
      }
    }
    Metric m = new Metric("m", Optional.empty(), Optional.empty(), Optional.empty(), success, failure, 0, 0, 4, false, 10,
        "web", Map.of(), Map.of());
    Measurement measured = AnalysisEvaluator.measure(new AnalysisDefinition(List.of(m), Map.of(), Set.of()), m, o, NOW);
    return new Verdict(measured.phase().argoName(), measured.value(), measured.message(), false);
  }

  private static Map<?, ?> prometheusData(Prometheus p) {
    try {
      return (Map<?, ?>) JSON.readValue(prometheusBody(p), Map.class).get("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Both judges' verdicts agree: the phase, and the stored value where the provider stores one. */
  /** A condition Okra refuses on purpose because Argo's own result for it is unreliable (docs/analysis.md). */
  private static boolean knownDifference(Verdict okra) {
    return okra.refused() && okra.message().contains(co.mumo.okra.analysis.eval.expr.Expr.BACKWARD_LOOP);
  }

  private static boolean agree(Case c, ArgoOracle.Answer argo, Verdict okra) {
    if (knownDifference(okra)) return true;
    // Where Argo's controller would crash (a provider panics in its goroutine), Okra records an Error.
    if (argo.phase().equals("Panic")) return okra.phase().equals("Error");
    if (!argo.phase().equals(okra.phase())) return false;
    if (argo.phase().equals("Error") || c.shape() instanceof JsonResult || c.shape() instanceof Float64
        || c.shape() instanceof Float64s || c.shape() instanceof NilFloat64) {
      return true;
    }
    return argo.value().equals(okra.value() == null ? "" : okra.value());
  }

  // ------------------------------------------------------------------ generation

  private static Case generate(ConditionGenerator g, Random random) {
    Shape shape = shape(g, random);
    g.hint(hint(shape));
    G success = random.nextInt(10) < 9 ? g.condition() : null;
    G failure = random.nextInt(10) < 3 ? g.condition() : null;
    return new Case(success, failure, shape);
  }

  private static ConditionGenerator.Hint hint(Shape shape) {
    if (shape instanceof JsonResult j) return ConditionGenerator.hintOf(j.doc());
    if (shape instanceof Float64) return ConditionGenerator.Hint.NUMBER;
    if (shape instanceof Float64s) return ConditionGenerator.Hint.NUMBERS;
    if (shape instanceof NilFloat64) return ConditionGenerator.Hint.NIL;
    if (shape instanceof Web w) return w.jsonPath() == null ? ConditionGenerator.hintOf(w.doc()) : ConditionGenerator.Hint.ANY;
    if (shape instanceof Prometheus p) return p.type().equals("scalar") ? ConditionGenerator.Hint.NUMBER : ConditionGenerator.Hint.NUMBERS;
    return ConditionGenerator.Hint.CLOUDWATCH;
  }

  private static Shape shape(ConditionGenerator g, Random random) {
    int k = random.nextInt(100);
    Shape shape;
    if (k < 40) {
      shape = new JsonResult(g.json(3));
    } else if (k < 50) {
      shape = new Float64(g.float64());
    } else if (k < 62) {
      shape = new Float64s(g.float64s());
    } else if (k < 65) {
      shape = new NilFloat64();
    } else if (k < 82) {
      Object doc = g.json(3);
      if (random.nextBoolean()) {
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("a", g.json(2));
        wrapped.put("data", Map.of("ok", random.nextBoolean()));
        wrapped.put("items", java.util.Arrays.asList(g.json(1), g.json(1)));
        wrapped.put("value", g.json(1));
        doc = wrapped;
      }
      shape = new Web(g.jsonPath(), doc);
    } else if (k < 95) {
      String type = List.of("vector", "vector", "matrix", "scalar", "string").get(random.nextInt(5));
      List<List<String>> series = new ArrayList<>();
      int n = type.equals("scalar") || type.equals("string") ? 1 : random.nextInt(3);
      for (int i = 0; i < n; i++) {
        List<String> values = new ArrayList<>();
        int points = type.equals("matrix") ? 1 + random.nextInt(3) : 1;
        for (int j = 0; j < points; j++) values.add(g.sampleText());
        series.add(values);
      }
      shape = new Prometheus(type, series);
    } else {
      List<List<Double>> values = new ArrayList<>();
      int n = random.nextInt(3);
      for (int i = 0; i < n; i++) values.add(g.float64s());
      shape = new CloudWatch(values);
    }
    return shape;
  }

  @Test
  void generatedCasesAgreeWithArgo() {
    Random random = new Random(SEED);
    ConditionGenerator g = new ConditionGenerator(random);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) cases.add(generate(g, random));
    List<String> disagreements = judgeAll("generated (seed " + SEED + ")", cases);
    assertThat(disagreements).as("cases where Okra's verdict is not Argo's, shrunk").isEmpty();
  }

  @Test
  void corpusAgreesWithArgo() {
    List<Case> cases = new ArrayList<>();
    for (String condition : ConditionCorpus.CONDITIONS) {
      G c = G.leaf(condition);
      for (Shape shape : ConditionCorpus.shapes()) {
        cases.add(new Case(c, null, shape));
      }
      cases.add(new Case(null, c, ConditionCorpus.shapes().get(0)));
    }
    List<String> disagreements = judgeAll("corpus", cases);
    assertThat(disagreements).as("corpus cases where Okra's verdict is not Argo's").isEmpty();
  }

  /**
   * The one difference kept on purpose: a web answer that is not JSON. Argo stores it and calls the
   * measurement Successful without evaluating the conditions; Okra evaluates them on the text.
   */
  @Test
  void aNonJsonWebAnswerIsJudgedByOkraWhereArgoPassesIt() {
    Case c = new Case(G.leaf("result == 'OK'"), null, new Web(null, null));
    Map<String, Object> request = new LinkedHashMap<>(request(c));
    request.put("body", "<html>proxy error</html>");
    ArgoOracle.Answer argo = oracle.judge(List.of(request)).get(0);
    assertThat(argo.phase()).isEqualTo("Successful");
    assertThat(argo.value()).isEqualTo("<html>proxy error</html>");
    Observation o = WebProvider.answer(null, "<html>proxy error</html>");
    Metric m = new Metric("m", Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Condition.parse("result == 'OK'")),
        Optional.empty(), 0, 0, 4, false, 10, "web", Map.of(), Map.of());
    Measurement measured = AnalysisEvaluator.measure(new AnalysisDefinition(List.of(m), Map.of(), Set.of()), m, o, NOW);
    assertThat(measured.phase()).isEqualTo(RunPhase.FAILED);
    assertThat(measured.value()).isEqualTo("<html>proxy error</html>");
  }

  private List<String> judgeAll(String label, List<Case> cases) {
    List<Map<String, Object>> requests = new ArrayList<>();
    for (Case c : cases) requests.add(request(c));
    List<ArgoOracle.Answer> answers = oracle.judge(requests);
    List<String> disagreements = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      ArgoOracle.Answer argo = answers.get(i);
      Verdict okra = okra(c);
      Map<String, Integer> counts = SUMMARY.computeIfAbsent(label + "/" + c.kind(), k -> new TreeMap<>());
      counts.merge("judged", 1, Integer::sum);
      counts.merge(argo.phase(), 1, Integer::sum);
      if (knownDifference(okra)) counts.merge("known", 1, Integer::sum);
      if (okra.refused()) {
        counts.merge("refused", 1, Integer::sum);
        if (Boolean.getBoolean("okra.differential.showRefusals") && i % 50 == 0) System.out.println("REFUSED " + okra.message());
      }
      if (!agree(c, argo, okra)) {
        counts.merge("disagreements", 1, Integer::sum);
        if (disagreements.size() < 20) {
          Case small = shrink(c);
          String key = small.toString();
          if (seen.merge(key, 1, Integer::sum) == 1) {
            ArgoOracle.Answer a = oracle.judge(List.of(request(small))).get(0);
            Verdict o = okra(small);
            disagreements.add("\n  " + small + "\n    Argo: " + a.phase() + " value=" + a.value() + " " + a.message()
                + "\n    Okra: " + o.phase() + " value=" + o.value() + " " + o.message() + "\n    (found as: " + c.successText() + " | "
                + c.failureText() + " on " + c.shape() + ")");
          }
        }
      }
    }
    return disagreements;
  }

  // ------------------------------------------------------------------ shrinking

  private boolean disagrees(Case c) {
    try {
      return !agree(c, oracle.judge(List.of(request(c))).get(0), okra(c));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Greedy: take any smaller case that still disagrees, until none does (bounded). */
  private Case shrink(Case c) {
    int budget = 400;
    boolean progress = true;
    while (progress && budget > 0) {
      progress = false;
      for (Case candidate : smaller(c)) {
        if (--budget <= 0) break;
        if (disagrees(candidate)) {
          c = candidate;
          progress = true;
          break;
        }
      }
    }
    return c;
  }

  private static List<Case> smaller(Case c) {
    List<Case> out = new ArrayList<>();
    if (c.failure() != null) out.add(new Case(c.success(), null, c.shape()));
    if (c.success() != null && c.failure() != null) out.add(new Case(null, c.failure(), c.shape()));
    if (c.success() != null) for (G s : smaller(c.success())) out.add(new Case(s, c.failure(), c.shape()));
    if (c.failure() != null) for (G f : smaller(c.failure())) out.add(new Case(c.success(), f, c.shape()));
    for (Shape s : smaller(c.shape())) out.add(new Case(c.success(), c.failure(), s));
    return out;
  }

  private static List<G> smaller(G g) {
    List<G> out = new ArrayList<>(g.kids());
    if (!g.op().equals("leaf") || !Set.of("result", "true", "1").contains(g.text())) {
      for (String leaf : List.of("result", "true", "1")) out.add(G.leaf(leaf));
    }
    for (int i = 0; i < g.kids().size(); i++) {
      for (G k : smaller(g.kids().get(i))) {
        List<G> kids = new ArrayList<>(g.kids());
        kids.set(i, k);
        out.add(new G(g.op(), g.text(), kids));
      }
    }
    out.removeIf(x -> x.size() >= g.size() && x.render().length() >= g.render().length());
    return out;
  }

  private static List<Shape> smaller(Shape s) {
    List<Shape> out = new ArrayList<>();
    if (s instanceof JsonResult j) {
      smallerJson(j.doc()).forEach(d -> out.add(new JsonResult(d)));
    } else if (s instanceof Web w) {
      smallerJson(w.doc()).forEach(d -> out.add(new Web(w.jsonPath(), d)));
      if (w.jsonPath() != null) out.add(new Web(null, w.doc()));
    } else if (s instanceof Float64s f) {
      for (int i = 0; i < f.values().size(); i++) {
        List<Double> l = new ArrayList<>(f.values());
        l.remove(i);
        out.add(new Float64s(l));
      }
    } else if (s instanceof Prometheus p) {
      for (int i = 0; i < p.series().size() && p.series().size() > 1; i++) {
        List<List<String>> l = new ArrayList<>(p.series());
        l.remove(i);
        out.add(new Prometheus(p.type(), l));
      }
    } else if (s instanceof CloudWatch c) {
      for (int i = 0; i < c.values().size(); i++) {
        List<List<Double>> l = new ArrayList<>(c.values());
        l.remove(i);
        out.add(new CloudWatch(l));
      }
    }
    return out;
  }

  private static List<Object> smallerJson(Object v) {
    List<Object> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      out.addAll(l);
      for (int i = 0; i < l.size(); i++) {
        List<Object> c = new ArrayList<>(l);
        c.remove(i);
        out.add(c);
        for (Object s : smallerJson(l.get(i))) {
          List<Object> d = new ArrayList<>(l);
          d.set(i, s);
          out.add(d);
        }
      }
    } else if (v instanceof Map<?, ?> m) {
      out.addAll(m.values());
      for (Object k : m.keySet()) {
        Map<Object, Object> c = new LinkedHashMap<>(m);
        c.remove(k);
        out.add(c);
        for (Object s : smallerJson(m.get(k))) {
          Map<Object, Object> d = new LinkedHashMap<>(m);
          d.put(k, s);
          out.add(d);
        }
      }
    }
    return out;
  }
}
