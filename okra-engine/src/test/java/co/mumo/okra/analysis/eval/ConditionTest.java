package co.mumo.okra.analysis.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import co.mumo.okra.analysis.eval.expr.GoValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility table of docs/analysis.md: one row per construct, each condition taken from Argo
 * Rollouts' documentation and tests (analysis, prometheus, datadog, cloudwatch, web, skywalking pages),
 * evaluated on the result shape that provider produces.
 */
class ConditionTest {

  static Stream<Arguments> argoExamples() {
    return Stream.of(
        // prometheus.md: a vector result is an array of floats
        row("result[0] >= 0.95", List.of(0.97), true),
        row("result[0] >= 0.95", List.of(0.5), false),
        // analysis.md: success and failure conditions together, len
        row("len(result) == 0 || result[0] >= 0.95", List.of(), true),
        row("result[0] <= 0.01 && result[0] >= 0.0", List.of(0.005), true),
        // datadog.md / analysis.md: nil (no data) handled with default()
        row("default(result, 0) < 0.05", null, true),
        row("default(result, 0) < 0.05", 0.2, false),
        row("default(result, 0) >= 0.95", 0.99, true),
        // analysis.md: NaN and Inf handled explicitly
        row("isNaN(result) || result >= 0.95", Double.NaN, true),
        row("isNaN(result) || result >= 0.95", 0.5, false),
        row("isInf(result)", Double.POSITIVE_INFINITY, true),
        row("isNil(result)", null, true),
        row("isNil(result)", List.of(1), false),
        // prometheus tests: all/any with # and a bare predicate
        row("all(result, # > 10)", List.of(11.0, 12.0), true),
        row("all(result, # > 10)", List.of(11.0, 9.0), false),
        row("all(result, # < 0.05)", List.of(0.01, 0.02, 0.03), true),
        row("any(result, # > 10)", List.of(1.0, 12.0), true),
        // cloudwatch.md: the GetMetricData results, fields as the SDK names them, a braced predicate
        row("all(result[0].Values, {# <= 0.01})", List.of(Map.of("Id", "rate", "Values", List.of(0.001, 0.01))), true),
        row("all(result[0].Values, {# <= 0.01})", List.of(Map.of("Id", "rate", "Values", List.of(0.001, 0.2))), false),
        // web.md: a JSON answer, fields and booleans
        row("result == true", true, true),
        row("result.ok && result.successPercent >= 0.90", Map.of("ok", true, "successPercent", 0.95), true),
        row("asInt(result) >= 4", "5", true),
        row("asFloat(result) > 0.5", "0.75", true),
        // skywalking.md: .field inside a predicate, asFloat on a string field
        row("all(result.service_apdex.values.values, {asFloat(.value) >= 9900})",
            Map.of("service_apdex", Map.of("values", Map.of("values", List.of(Map.of("value", "9950"), Map.of("value", "9999"))))), true),
        // datadog tests: nested predicates, single-quoted strings
        row("any(result.slos, {any(.overall_status, {.state == 'breached'})})",
            Map.of("slos", List.of(Map.of("overall_status", List.of(Map.of("state", "ok"), Map.of("state", "breached"))))), true),
        row("all(result.slos, {all(.overall_status, {.state != 'breached'})})",
            Map.of("slos", List.of(Map.of("overall_status", List.of(Map.of("state", "ok"))))), true),
        // expr-lang basics users write (JSON numbers are float64, as Go decodes them)
        row("!(result[0] < 0.5)", List.of(0.7), true),
        row("result > 1 and not (result > 5)", 3L, true),
        row("result in [200, 204]", 204L, true),
        row("result[-1] == 3", List.of(1L, 2L, 3L), true),
        row("len(filter(result, # > 1)) == 2", List.of(1L, 2L, 3L), true),
        row("count(result, # > 1) == 2", List.of(1L, 2L, 3L), true),
        row("result.status == \"UP\" ? true : false", Map.of("status", "UP"), true),
        row("result.a?.b == nil", Map.of(), true),
        row("(result[0] + result[1]) / 2 >= 1.5", List.of(1L, 2L), true),
        row("int(result) % 2 == 1", 3L, true),
        row("result matches '^v[0-9]+'", "v12", true),
        row("result startsWith 'ok'", "okay", true),
        row("result contains 'err'", "no errors", true),
        row("abs(result) < 1 && max(1, 2.5) == 2.5 && min(3, 2) == 2", -0.5, true),
        row("result not in [500, 503]", 200L, true),
        row("none(result, # > 3) && one(result, # == 2)", List.of(1L, 2L), true),
        row("map(result, # * 2)[1] == 4", List.of(1L, 2L), true),
        row("1 == 1.0", null, true),
        // issue 13: where Okra's hand-written language differed from Argo
        row("max(result) > 2", List.of(1L, 3L), true),
        row("min(result) < 2", List.of(1L, 3L), true),
        row("(result ?? 0) < 1", null, true));
  }

  private static Arguments row(String condition, Object result, boolean expected) {
    return Arguments.of(condition, result, expected);
  }

  @ParameterizedTest(name = "{0} on {1} is {2}")
  @MethodSource("argoExamples")
  void argoDocumentedConditions(String condition, Object result, boolean expected) {
    assertThat(Condition.parse(condition).test(result)).isEqualTo(expected);
  }

  @Test
  void comparisonsWithNaNAreFalseAsInGo() {
    assertThat(Condition.parse("result < 1").test(GoValue.float64(Double.NaN))).isFalse();
    assertThat(Condition.parse("result >= 1").test(GoValue.float64(Double.NaN))).isFalse();
    assertThat(Condition.parse("result == result").test(GoValue.float64(Double.NaN))).isFalse();
  }

  @Test
  void argosFunctionsLookAtTheResultNotTheirArgument() {
    // Argo registers isNil and default as closures over result: their argument is evaluated, then ignored
    assertThat(Condition.parse("default(result.x, 0) == result").test(Map.of("x", 1))).isTrue();
    assertThat(Condition.parse("isNil(1)").test((Object) null)).isTrue();
    assertThatThrownBy(() -> Condition.parse("default(result[0], 0) < 0.05").test(List.of()))
        .isInstanceOf(Condition.ConditionException.class).hasMessage("index out of range: 0 (array length is 0)");
  }

  @Test
  void aConditionMustBeABoolean() {
    assertThatThrownBy(() -> Condition.parse("result[0]").test(List.of(0.5)))
        .isInstanceOf(Condition.ConditionException.class).hasMessage("expected bool, but got float64");
  }

  @Test
  void typesAreCheckedAgainstTheResultAsExprDoes() {
    // the result's Go type is known when the condition is compiled: a mismatch is an error, not false
    assertThatThrownBy(() -> Condition.parse("asFloat(result) == \"1.1\"").test("1.1"))
        .hasMessageContaining("invalid operation: == (mismatched types float64 and string)");
    assertThatThrownBy(() -> Condition.parse("result == 'true'").test(true))
        .hasMessageContaining("mismatched types bool and string");
    // a nil result has no fields nor elements, even in a branch || would skip
    assertThatThrownBy(() -> Condition.parse("len(result) == 0 || result[0] > 0.5").test((Object) null))
        .hasMessageContaining("invalid argument for len");
    assertThatThrownBy(() -> Condition.parse("true || result.x > 1").test((Object) null)).hasMessageContaining("type nil has no field x");
    // inside a JSON document nothing is known: the same comparison is false, and + of a number and a string fails when run
    assertThat(Condition.parse("result.v == 'true'").test(Map.of("v", true))).isFalse();
    assertThatThrownBy(() -> Condition.parse("result.v + 'a' == 'x'").test(Map.of("v", 1))).hasMessage("invalid operation: float64 + string");
  }

  @Test
  void typedResultsAsTheProvidersHandThemOn() {
    assertThat(Condition.parse("all(result, # > 10)").test(GoValue.float64s(List.of(11.0, 12.0)))).isTrue();
    assertThat(Condition.parse("isNaN(result[0])").test(GoValue.float64s(List.of(Double.NaN)))).isTrue();
    assertThatThrownBy(() -> Condition.parse("result == '1'").test(GoValue.float64(1))).hasMessageContaining("mismatched types float64 and string");
    assertThat(Condition.parse("default(result, 0) < 0.05").test(GoValue.nilFloat64())).isTrue();
    assertThat(Condition.parse("isNil(result)").test(GoValue.nilFloat64())).isTrue();
  }

  @Test
  void evaluationErrorsSayWhatWasWrong() {
    assertThatThrownBy(() -> Condition.parse("result[0] > 1").test(List.of()))
        .hasMessage("index out of range: 0 (array length is 0)");
    assertThatThrownBy(() -> Condition.parse("result > 1").test("abc")).hasMessageContaining("mismatched types string and int");
    assertThatThrownBy(() -> Condition.parse("asInt(result) > 1").test("x"))
        .hasMessage("strconv.ParseInt: parsing \"x\": invalid syntax");
  }

  @Test
  void syntaxErrorsNameThePosition() {
    assertThatThrownBy(() -> Condition.parse("result[0] >= "))
        .isInstanceOf(Condition.ConditionSyntaxException.class)
        .hasMessage("condition \"result[0] >= \": unexpected token EOF at position 14");
    assertThatThrownBy(() -> Condition.parse("result >= 0.95)")).hasMessageContaining("unexpected token Bracket(\")\") at position 15");
    assertThatThrownBy(() -> Condition.parse("reslt > 1")).hasMessageContaining("unknown name reslt at position 1");
    assertThatThrownBy(() -> Condition.parse("lenn(result) > 1")).hasMessageContaining("unknown name lenn");
    assertThatThrownBy(() -> Condition.parse("len(result, 1) > 1")).hasMessageContaining("invalid number of arguments (expected 1, got 2)");
    assertThatThrownBy(() -> Condition.parse("isNaN(result, 1)")).hasMessageContaining("too many arguments to call isNaN");
    assertThatThrownBy(() -> Condition.parse("# > 1")).hasMessageContaining("unexpected token Operator(\"#\")");
    assertThatThrownBy(() -> Condition.parse("result == 'x")).hasMessageContaining("literal not terminated");
    assertThatThrownBy(() -> Condition.parse("result @ 1")).hasMessageContaining("unrecognized character: U+0040 '@'");
    assertThatThrownBy(() -> Condition.parse("  ")).hasMessageContaining("unexpected token EOF");
    assertThatThrownBy(() -> Condition.parse("toJSON(result) == ''")).hasMessageContaining("does not support the builtin toJSON()");
    assertThatThrownBy(() -> Condition.parse("result matches '('")).hasMessageContaining("error parsing regexp");
  }

  @Test
  void expressBackwardLoopsAreRefusedBecauseArgosVerdictOnThemIsUnreliable() {
    for (String c : List.of("result >= last(filter([1, 2, 3], {true}))", "filter(result, # > 1)[-1] > 0", "findLast(result, # > 1) > 0")) {
      assertThatThrownBy(() -> Condition.parse(c)).isInstanceOf(Condition.ConditionSyntaxException.class)
          .hasMessageContaining("corrupts its stack");
    }
    // forward loops are fine: filter()[0] is a find that stops at the first match, as in expr
    assertThat(Condition.parse("filter(result, # > 1)[0] == 2").test(List.of(1, 2, 3))).isTrue();
  }

  @Test
  void numbersKeepGoTypes() {
    assertThat(Condition.parse("result").evaluate(3)).isEqualTo(3.0);
    assertThat(Condition.parse("7 / 2").evaluate(null)).isEqualTo(3.5);
    assertThat(Condition.parse("7 % 2 + 1").evaluate(null)).isEqualTo(2L);
    assertThat(Condition.parse("1e3 + .5").evaluate(null)).isEqualTo(1000.5);
    assertThat(Condition.parse("-result[0] * 2").evaluate(List.of(2L))).isEqualTo(-4.0);
    assertThat(Condition.parse("2 ** 3").evaluate(null)).isEqualTo(8.0);
  }

  /**
   * {@code matches} runs RE2 (RE2/J): linear in the input whatever the pattern, so a template author
   * cannot stall the runner. With a backtracking engine this pattern on 30 characters takes hours.
   */
  @Test
  void aCatastrophicPatternReturnsPromptly() {
    Condition c = Condition.parse("result matches '(.*a){12}x'");
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThat(c.test("a".repeat(30))).isFalse());
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThat(c.test("a".repeat(30) + "x")).isTrue());
  }

  @Test
  void hostileConditionsAreBoundedAsInExpr() {
    String tooBig = "1" + " + 1".repeat(10_000) + " > 0";
    assertThatThrownBy(() -> Condition.parse(tooBig)).satisfies(e -> assertThat(e.getMessage().endsWith(
        ": compilation failed: expression exceeds maximum allowed nodes")).as("the message's end").isTrue());
    // within expr's limit, however deep, it is judged as Argo judges it
    assertThat(Condition.parse("result" + " + 1".repeat(4_000) + " > 4000").test(1)).isTrue();
    String deep = "(".repeat(3_000) + "result" + ")".repeat(3_000) + " > 0";
    assertThat(Condition.parse(deep).test(1)).isTrue();
    assertThatThrownBy(() -> Condition.parse("len(0..2000000) > 0").test(1)).hasMessageContaining("memory budget exceeded");
  }

  @Test
  void regexesAreGoRegexes() {
    assertThat(Condition.parse("result matches '\\\\pL+'").test("été")).isTrue();
    assertThat(Condition.parse("result matches '(?i)^ok$'").test("OK")).isTrue();
    // Java-only syntax is refused as Go refuses it
    assertThatThrownBy(() -> Condition.parse("result matches 'a(?=b)'")).hasMessageContaining("error parsing regexp");
  }
}
