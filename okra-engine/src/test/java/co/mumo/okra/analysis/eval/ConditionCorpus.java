package co.mumo.okra.analysis.eval;

import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.CloudWatch;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.Float64;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.Float64s;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.JsonResult;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.NilFloat64;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.Prometheus;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.RawWeb;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.Shape;
import co.mumo.okra.analysis.eval.ArgoOracleDifferentialTest.Web;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed corpus: every condition in Argo Rollouts' docs and examples (v1.10, {@code {{args.x}}}
 * filled in), the conditions of its providers' tests, and the kinds of conditions people write for
 * Prometheus, Datadog, CloudWatch and web metrics. Each is judged on every shape below.
 */
final class ConditionCorpus {
  private ConditionCorpus() {}

  static final List<String> CONDITIONS = List.of(
      // docs/analysis, docs/features, examples
      "all(result, # < 1000)",
      "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})",
      "len(result[0].Values) >= 5 and all(result[0].Values, {# <= 0.01})",
      "result.ok && result.successPercent >= 0.90",
      "default(result, 0) < 0.05",
      "default(result, 0) < 10",
      "default(result, 0) > 3",
      "isInf(result)",
      "isNaN(result) || result >= 0.95",
      "len(result) == 0 || result[0] >= 0.95",
      "len(result) > 0 && result[0] >= 0.95",
      "result < 0.95",
      "result <= 0.01",
      "result == 'It worked!'",
      "result == 'true'",
      "result == true",
      "result >= 0.95",
      "result.Status == -1",
      "result.major == '1'",
      "result.successRate >= 0.95",
      "result[0] < 0.50",
      "result[0] <= 0.01",
      "result[0] >= 0.90",
      "result[0] >= 0.99",
      "result[0] >= 10",
      "results[0] >= 90.000000",
      // the providers' and the evaluator's tests
      "10 in result",
      "10.000000 in result",
      "10.000000 not in result",
      "all(result, # < 10)",
      "all(result, # > 10)",
      "any(result, {# > 5})",
      "asFloat(result) < 1.3",
      "asFloat(result) > 1.1",
      "asInt(result) <= 0",
      "asInt(result) > 0",
      "default(result, 1) < 0.05",
      "false",
      "true",
      "invalidVar == true",
      "len(result) != 2",
      "result != 10",
      "result < 0.001",
      "result >= 0.9 || isNaN(result)",
      "result.a > 0 && result.b && all(result.c, {# < 5}) && result.d == nil",
      "result.count != 10 or result['average.duration'] >= 15.0",
      "result.count == 10 and result['average.duration'] < 15.0",
      "result[0] != 1",
      "result[0] 10.000000",
      "result[0] == 10",
      "result[0].Values[0] == 0.1",
      "result[0].count == 10",
      "result[1] <  20",
      "result[2].count < 20",
      "any(result.slos, {any(.overall_status, {.state == 'breached'})})",
      // issue 13's cases
      "max(result) > 1",
      "min(result) < 1",
      "asFloat(result) == \"1.1\"",
      "len(result) == 0 || result[0] > 0.5",
      "result == 1",
      // what people write
      "result[0] < 0.01 || isNaN(result[0])",
      "all(result, {# >= 0.99})",
      "all(result, isNaN(#) || # < 0.05)",
      "len(result) > 0 && all(result, # < 500)",
      "default(result, 0) <= 0.01",
      "result <= 0.05 && result >= 0",
      "result.status == 'UP'",
      "result.status in ['UP', 'OK']",
      "result.code in [200, 204]",
      "result.data.ok == true",
      "result.items[0].value > 5",
      "count(result.items, {.healthy}) >= 2",
      "len(filter(result, # > 0.5)) == 0",
      "result matches '^v[0-9]+'",
      "result contains 'ok'",
      "string(result) startsWith 'v1'",
      "result?.data?.ok ?? false",
      "(result[0] + result[1]) / 2 < 0.1",
      "abs(result - 1) < 0.1",
      "mean(result) < 0.5",
      "sum(result) > 10",
      "result[-1] < 1",
      "int(result) % 2 == 0",
      "float(result.value) > 0.5",
      "result > 0 ? result < 10 : false",
      "1 < result < 3",
      "result.values == [1, 2]",
      "result == {a: 1}",
      "not (result > 5)",
      "!isNil(result) && result > 0",
      "isNil(result)",
      "upper(result) == 'OK'",
      "result['a'] == nil",
      "one(result, # > 1)",
      "none(result, # > 1)",
      "map(result, # * 2)[0] > 1",
      "first(result) > 0",
      "last(result) > 0",
      "filter(result, # > 0)[0] > 0",
      "result[0:1] == [1]",
      "result ?? 0 > 1",
      "all(result[0].Values, {# <= 0.01}) && result[0].StatusCode == 'Complete'",
      "result[0].Id == 'q0'",
      "len(result[0].Timestamps) == 0",
      "result == nil",
      "(.*a){12}x",
      "result" + " + 1".repeat(4_000) + " > 4000",
      "(".repeat(3_000) + "result" + ")".repeat(3_000) + " > 0",
      "1" + " + 1".repeat(10_000) + " > 0",
      "let x = result; x > 1",
      "let n = len(result); n > 0 && result[n - 1] > 0.5",
      "result | len() > 0",
      "result in 1..10",
      "len(result) in 0..2",
      "if result > 1 { true } else { false }",
      "result > 0 // a comment",
      "result /* why */ > 0",
      "result?.[0] > 0",
      "result.a?.b ?? 'none' == 'none'",
      "result?.a?.b == nil",
      "all(result, {# > 0; # < 1})",
      "count(result) > 0",
      "not (result.ok)",
      "result.ok and not result.b",
      "result.status not in ['DOWN']",
      "result.status not matches '^D'",
      "'a' + 'b' == 'ab'",
      "1 % 0 == 0",
      "-result[0] < 0",
      "+result > 0",
      "result ** 2 >= 0",
      "result ^ 0.5 > 0",
      "0x1F > result",
      "1_000 > result",
      "result == .5",
      "result[0:2] == [1, 2]",
      "result[:1] == [1]",
      "type(result) == 'float'",
      "string(result) == '0.5'",
      "int('1') + float('0.5') == 1.5",
      "asInt('08') == 8",
      "asFloat('1e400') > 0",
      "asFloat('Inf') > 0",
      "result matches '(?<v>v[0-9]+)'",
      "result matches '(?P<v>v[0-9]+)'",
      "result matches 'd\\\\z'",
      "result matches '[[:alpha:]]+'",
      "result matches '\\\\Qa.b\\\\E'",
      "result matches '(?s)^.+$'",
      "result matches 'x{1001}'",
      "result matches '\\\\p{Greek}'",
      "result matches '\\\\bworked'",
      "result matches 'a++'",
      "result matches '(a)\\\\1'",
      "result matches '(.*a){12}x'",
      "");

  static List<Shape> shapes() {
    Map<String, Object> web = new LinkedHashMap<>();
    web.put("ok", true);
    web.put("successPercent", 0.95);
    web.put("status", "UP");
    web.put("code", 200.0);
    web.put("data", Map.of("ok", true));
    web.put("items", List.of(Map.of("value", 7.0, "healthy", true), Map.of("value", 1.0, "healthy", false)));
    web.put("values", List.of(1.0, 2.0));
    web.put("count", 10.0);
    web.put("average.duration", 12.5);
    web.put("a", 1.0);
    web.put("b", true);
    web.put("c", List.of(1.0, 2.0));
    web.put("d", null);
    return List.of(
        new JsonResult(null),
        new JsonResult(1.0),
        new JsonResult(0.04),
        new JsonResult(10.0),
        new JsonResult("1.1"),
        new JsonResult("true"),
        new JsonResult("It worked!"),
        new JsonResult("v12"),
        new JsonResult(true),
        new JsonResult(List.of()),
        new JsonResult(List.of(1.0, 2.0, 3.0)),
        new JsonResult(List.of(0.97)),
        new JsonResult(web),
        new JsonResult(Map.of("service_apdex", Map.of("values", Map.of("values", List.of(Map.of("value", "9950")))))),
        new JsonResult(Map.of("slos", List.of(Map.of("overall_status", List.of(Map.of("state", "breached")))))),
        new JsonResult(Arrays.asList(Map.of("count", 10.0), Map.of("count", 11.0), Map.of("count", 5.0))),
        new Float64(0.5),
        new Float64(Double.NaN),
        new Float64(Double.POSITIVE_INFINITY),
        new Float64(1.2),
        new Float64s(List.of()),
        new Float64s(List.of(0.97)),
        new Float64s(List.of(11.0, 12.0)),
        new Float64s(List.of(Double.NaN, 0.01)),
        new NilFloat64(),
        new Web(null, web),
        new Web("{$.data.ok}", web),
        new Web("{$.items[0].value}", web),
        new Web("{$.status}", web),
        new Web("{$.missing}", web),
        new Web(null, List.of(1.0, 2.5)),
        new RawWeb(null, " {\"b\": 1, \"a\": \"<&>\", \"a\": 2, \"c\": [1e21, 1e-7, 100, 0.1, -0, 12345678901234567890]}\n"),
        new RawWeb(null, "{\"s\": \"caf\\u00e9 \\ud83d\\ude00 \\n\\t\\b\\f\\u2028\", \"ok\": true}"),
        new RawWeb("{$.data[1].v}", "{\"data\": [{\"v\": 1}, {\"v\": 0.99}]}"),
        new RawWeb("{.status}", "{\"status\": \"UP\", \"count\": 10}"),
        new RawWeb(null, "[]"),
        new RawWeb(null, "\"It worked!\""),
        new RawWeb(null, "  0.04  "),
        new RawWeb(null, "true"),
        new RawWeb("{$.d}", "{\"d\": null}"),
        new Prometheus("vector", List.of(List.of("0.97"))),
        new Prometheus("vector", List.of()),
        new Prometheus("vector", List.of(List.of("NaN"), List.of("0.000333"))),
        new Prometheus("matrix", List.of(List.of("1", "2"), List.of("+Inf"))),
        new Prometheus("scalar", List.of(List.of("0.04"))),
        new Prometheus("string", List.of(List.of("x"))),
        new CloudWatch(List.of(List.of(0.001, 0.01), List.of(5.0))),
        new CloudWatch(List.of()));
  }
}
