package co.mumo.okra.analysis.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        // expr-lang basics users write
        row("!(result[0] < 0.5)", List.of(0.7), true),
        row("result > 1 and not (result > 5)", 3L, true),
        row("result in [200, 204]", 204L, true),
        row("result[-1] == 3", List.of(1L, 2L, 3L), true),
        row("len(filter(result, # > 1)) == 2", List.of(1L, 2L, 3L), true),
        row("count(result, # > 1) == 2", List.of(1L, 2L, 3L), true),
        row("result.status == \"UP\" ? true : false", Map.of("status", "UP"), true),
        row("result.a?.b == nil", Map.of(), true),
        row("(result[0] + result[1]) / 2 >= 1.5", List.of(1L, 2L), true),
        row("result % 2 == 1", 3L, true),
        row("result matches '^v[0-9]+'", "v12", true),
        row("result startsWith 'ok'", "okay", true),
        row("result contains 'err'", "no errors", true),
        row("abs(result) < 1 && max(1, 2.5) == 2.5 && min(3, 2) == 2", -0.5, true),
        row("result not in [500, 503]", 200L, true),
        row("none(result, # > 3) && one(result, # == 2)", List.of(1L, 2L), true),
        row("map(result, # * 2)[1] == 4", List.of(1L, 2L), true),
        row("1 == 1.0", null, true));
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
    assertThat(Condition.parse("result < 1").test(Double.NaN)).isFalse();
    assertThat(Condition.parse("result >= 1").test(Double.NaN)).isFalse();
    assertThat(Condition.parse("result == result").test(Double.NaN)).isFalse();
  }

  @Test
  void defaultCoversAnIndexIntoAnEmptyResult() {
    assertThat(Condition.parse("default(result[0], 0) < 0.05").test(List.of())).isTrue();
  }

  @Test
  void aConditionMustBeABoolean() {
    assertThatThrownBy(() -> Condition.parse("result[0]").test(List.of(0.5)))
        .isInstanceOf(Condition.ConditionException.class).hasMessage("expected bool, but got float (0.5)");
  }

  @Test
  void evaluationErrorsSayWhatWasWrong() {
    assertThatThrownBy(() -> Condition.parse("result[0] > 1").test(List.of()))
        .hasMessage("index out of range: 0 (array of length 0)");
    assertThatThrownBy(() -> Condition.parse("result.x > 1").test(null)).hasMessageContaining("from nil");
    assertThatThrownBy(() -> Condition.parse("result > 1").test("abc")).hasMessageContaining("invalid operation: string > int");
    assertThatThrownBy(() -> Condition.parse("asInt(result) > 1").test("x")).hasMessageContaining("not an integer");
  }

  @Test
  void syntaxErrorsNameThePosition() {
    assertThatThrownBy(() -> Condition.parse("result[0] >= "))
        .isInstanceOf(Condition.ConditionSyntaxException.class)
        .hasMessage("condition \"result[0] >= \": unexpected the end of the condition at position 14");
    assertThatThrownBy(() -> Condition.parse("result >= 0.95)")).hasMessageContaining("unexpected \")\" at position 15");
    assertThatThrownBy(() -> Condition.parse("reslt > 1")).hasMessageContaining("unknown name reslt");
    assertThatThrownBy(() -> Condition.parse("lenn(result) > 1")).hasMessageContaining("unknown function lenn()");
    assertThatThrownBy(() -> Condition.parse("len(result, 1) > 1")).hasMessageContaining("len() takes 1 argument, got 2");
    assertThatThrownBy(() -> Condition.parse("# > 1")).hasMessageContaining("only allowed inside a predicate");
    assertThatThrownBy(() -> Condition.parse("result == 'x")).hasMessageContaining("unterminated string");
    assertThatThrownBy(() -> Condition.parse("result @ 1")).hasMessageContaining("unexpected character '@'");
    assertThatThrownBy(() -> Condition.parse("  ")).hasMessageContaining("empty");
  }

  @Test
  void numbersKeepGoTypes() {
    assertThat(Condition.parse("result").evaluate(3)).isEqualTo(3L);
    assertThat(Condition.parse("7 / 2").evaluate(null)).isEqualTo(3.5);
    assertThat(Condition.parse("7 % 2 + 1").evaluate(null)).isEqualTo(2L);
    assertThat(Condition.parse("1e3 + .5").evaluate(null)).isEqualTo(1000.5);
    assertThat(Condition.parse("-result[0] * 2").evaluate(List.of(2L))).isEqualTo(-4L);
    assertThat(Condition.parse("2 ** 3").evaluate(null)).isEqualTo(8.0);
  }
}
