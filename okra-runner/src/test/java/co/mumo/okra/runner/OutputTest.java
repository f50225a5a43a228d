package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.CellReconciler.Outcome;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.Phase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void eachRunAndMetricGetsALineWithItsVerdictAndReason() {
    CellStatus s = new CellStatus();
    s.analysisRuns = List.of(run("web-1a2b-step1", "Running", null, NOW.plusSeconds(25),
        metric("errors", "Running", 2, 2, 0, 0, "result 0.01: successCondition \"result < 0.05\" is true", null)),
        run("web-1a2b-bg", "Failed", "Metric \"latency\" assessed Failed due to failed (1) > failureLimit (0)", null,
            metric("latency", "Failed", 3, 2, 1, 1, "result 900: successCondition \"result < 500\" is false",
                "failed (1) > failureLimit (0): result 900: successCondition \"result < 500\" is false")));

    assertThat(Output.analysisLines(s, NOW)).containsExactly(
        "AnalysisRun web-1a2b-step1: Running; next measurement in 25s",
        "  metric errors: Running, 2 of 2 successful: result 0.01: successCondition \"result < 0.05\" is true",
        "AnalysisRun web-1a2b-bg: Failed (Metric \"latency\" assessed Failed due to failed (1) > failureLimit (0))",
        "  metric latency: Failed, 2 of 3 successful, 1 failed, 1 errors: failed (1) > failureLimit (0): result 900: successCondition"
            + " \"result < 500\" is false");
    assertThat(Output.analysisLines(s, NOW.plusSeconds(30)).get(0)).endsWith("; next measurement due now");
    assertThat(Output.analysisLines(new CellStatus(), NOW)).isEmpty();
  }

  @Test
  void aWaitLoopPrintsAgainWhenAMeasurementIsTaken() {
    CellStatus before = new CellStatus();
    before.analysisRuns = List.of(run("r", "Running", null, null, metric("errors", "Running", 1, 1, 0, 0, "x", null)));
    CellStatus after = new CellStatus();
    after.analysisRuns = List.of(run("r", "Running", null, null, metric("errors", "Running", 2, 2, 0, 0, "x", null)));
    assertThat(Output.analysisKey(before)).isNotEqualTo(Output.analysisKey(after));
    assertThat(Output.analysisKey(before)).isEqualTo(Output.analysisKey(before));
  }

  @Test
  void aCellWhosePassFailedIsShownAsAnErrorAndMakesTheExitCodeOne() {
    CellStatus failed = new CellStatus();
    failed.phase = "Progressing";
    failed.message = "this pass failed, nothing more was written: AWS: One or more listeners not found";
    CellStatus fine = new CellStatus();
    fine.phase = "Succeeded";
    fine.message = "2.0.0 is stable";
    var error = new PassResult("shop/a", Outcome.ERROR, Phase.Progressing, failed, Optional.empty(), List.of());
    var ok = new PassResult("shop/b", Outcome.UNCHANGED, Phase.Succeeded, fine, Optional.empty(), List.of());
    StringWriter text = new StringWriter();
    new Output(Output.Format.text, new PrintWriter(text), Clock.fixed(NOW, ZoneOffset.UTC)).pass(error);
    assertThat(text.toString()).startsWith("[shop/a] Progressing (ERROR): this pass failed, nothing more was written: AWS: One or more");
    assertThat(ReconcileCommand.exitCode(List.of(error, ok), false)).isEqualTo(ExitCodes.ERROR);
    assertThat(error.settled()).isFalse();
    assertThat(Output.passJson(error)).containsEntry("outcome", "ERROR");
  }

  private static CellStatus.AnalysisRunSummary run(String name, String phase, String message, Instant next, CellStatus.MetricSummary... metrics) {
    CellStatus.AnalysisRunSummary r = new CellStatus.AnalysisRunSummary();
    r.name = name;
    r.kind = "AnalysisRun";
    r.phase = phase;
    r.message = message;
    r.nextMeasurementAt = next == null ? null : next.toString();
    r.metrics = List.of(metrics);
    return r;
  }

  private static CellStatus.MetricSummary metric(String name, String phase, int count, int ok, int failed, int errors, String reason,
                                                 String message) {
    CellStatus.MetricSummary m = new CellStatus.MetricSummary();
    m.name = name;
    m.phase = phase;
    m.count = count;
    m.successful = ok;
    m.failed = failed;
    m.inconclusive = 0;
    m.error = errors;
    m.lastReason = reason;
    m.message = message;
    return m;
  }
}
