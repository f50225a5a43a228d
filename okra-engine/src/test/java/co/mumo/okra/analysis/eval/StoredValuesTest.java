package co.mumo.okra.analysis.eval;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.MetricSummary;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.StoredText;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Measured values, and messages made from them, are kept and printed at most 4 KiB long, marked when cut. */
class StoredValuesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String MARK = " bytes in all, at most 4 KiB are kept]";

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void textThatFitsIsKeptAndLongerTextIsCutAndMarked() {
    assertThat(StoredText.cap(null)).isNull();
    String fits = "é".repeat(2048); // exactly 4096 bytes
    assertThat(StoredText.cap(fits)).isSameAs(fits);
    String ascii = StoredText.cap("a".repeat(10_240));
    assertThat(utf8(ascii)).isLessThanOrEqualTo(StoredText.LIMIT_BYTES).isGreaterThan(StoredText.LIMIT_BYTES - 100);
    assertThat(ascii).startsWith("aaaa").endsWith("... [truncated by Okra: 10240" + MARK);
    // A cut never splits a character: 4-byte emoji (surrogate pairs in Java) stay whole.
    String emoji = StoredText.cap("😀".repeat(2_000));
    assertThat(utf8(emoji)).isLessThanOrEqualTo(StoredText.LIMIT_BYTES);
    assertThat(emoji.substring(0, emoji.indexOf("..."))).matches("(😀)+");
    assertThat(emoji).endsWith("[truncated by Okra: 8000" + MARK);
  }

  @Test
  void aMeasurementKeepsAtMost4KiBOfItsValueAndMessage() {
    AnalysisDefinition def = AnalysisDefinition.of("spec", spec("""
        metrics:
        - name: page
          successCondition: len(result) > 0
          provider: {web: {url: "http://x/page"}}
        """), ArgSource.NONE, AnalysisDefinition.Mode.STEP);
    Metric m = def.metrics().get(0);
    String page = "<html>" + "x".repeat(100_000);
    // a web answer that is not JSON: the text itself is the value (as Argo stores it)
    Measurement measured = AnalysisEvaluator.measure(def, m, new Observation.Value(GoValue.json(page), page), T0);
    assertThat(measured.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(utf8(measured.value())).isLessThanOrEqualTo(StoredText.LIMIT_BYTES);
    assertThat(measured.value()).startsWith("<html>xxx").endsWith("[truncated by Okra: 100006" + MARK);
    assertThat(utf8(measured.message())).isLessThanOrEqualTo(StoredText.LIMIT_BYTES);
    assertThat(measured.message()).endsWith(MARK);
    Measurement error = AnalysisEvaluator.measure(def, m, new Observation.Error("web: " + "e".repeat(9_000)), T0);
    assertThat(utf8(error.message())).isLessThanOrEqualTo(StoredText.LIMIT_BYTES);
  }

  @Test
  void secretsAreMaskedBeforeTheCutSoNoneIsLeftHalfShown() {
    String secret = "S".repeat(300);
    ArgSource source = new ArgSource() {
      @Override
      public Optional<String> secret(String name, String key) {
        return Optional.of(secret);
      }

      @Override
      public Optional<String> field(String fieldPath) {
        return Optional.empty();
      }
    };
    AnalysisDefinition def = AnalysisDefinition.of("spec", spec("""
        args: [{name: token, valueFrom: {secretKeyRef: {name: creds, key: token}}}]
        metrics:
        - name: page
          provider: {web: {url: "http://x/page", headers: [{key: Authorization, value: "{{args.token}}"}]}}
        """), source, AnalysisDefinition.Mode.STEP);
    // The secret straddles the 4 KiB boundary: masked first, nothing of it can survive the cut.
    Measurement m = AnalysisEvaluator.measure(def, def.metrics().get(0), Observation.Value.json("a".repeat(3_950) + secret + "b".repeat(1_000)), T0);
    assertThat(m.value()).doesNotContain("SSSS").contains("a*****b").endsWith(MARK);
  }

  @Test
  void whatTheCellReportsIsCappedWhoeverJudgedTheRun() {
    String huge = "v".repeat(50_000);
    MetricSummary s = new MetricSummary("m", RunPhase.RUNNING, 1, 1, 0, 0, 0, Optional.of(huge), Optional.of(huge), Optional.of(huge));
    for (Optional<String> field : List.of(s.lastValue(), s.lastReason(), s.message())) {
      assertThat(utf8(field.orElseThrow())).isLessThanOrEqualTo(StoredText.LIMIT_BYTES);
      assertThat(field.orElseThrow()).endsWith("[truncated by Okra: 50000" + MARK);
    }
    assertThat(utf8(new ChildRun("r", "AnalysisRun", RunPhase.FAILED, huge).message())).isLessThanOrEqualTo(StoredText.LIMIT_BYTES);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(String yaml) {
    return Serialization.unmarshal(yaml, Map.class);
  }
}
