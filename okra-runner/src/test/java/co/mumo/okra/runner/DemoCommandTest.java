package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo, run in-process as `okra-runner demo` would be: the story it tells, and its pacing. */
class DemoCommandTest {
  private static final Pattern ALB_WRITE = Pattern.compile("^\\s+ALB (CreateRule|ModifyRule): (.+)$", Pattern.MULTILINE);

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ReconcileCommand.Sleeper realSleeper = ReconcileCommand.sleeper;

  @AfterEach
  void restoreSleeper() {
    ReconcileCommand.sleeper = realSleeper;
  }

  private int run(String... args) {
    return OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void tellsTheWholeStoryThroughTheEngine() {
    int code = run("demo", "--fast");

    assertThat(code).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text).contains("SIMULATED").contains("No AWS account and no cluster");
    List<String> writes = new ArrayList<>();
    Matcher m = ALB_WRITE.matcher(text);
    while (m.find()) writes.add(m.group(1) + " " + m.group(2).trim());
    assertThat(writes).containsExactly(
        "CreateRule 1.0.0 100%",
        "ModifyRule 1.0.0 100% | 2.0.0 0%",
        "ModifyRule 1.0.0 80% | 2.0.0 20%",
        "ModifyRule 1.0.0 50% | 2.0.0 50%",
        "ModifyRule 2.0.0 100%",
        "ModifyRule 2.0.0 100% | 3.0.0 0%",
        "ModifyRule 2.0.0 80% | 3.0.0 20%",
        "ModifyRule 2.0.0 100%");
    // The setHeaderRoute step: a rule of its own for the testers, created for each new version and deleted when its rollout ends.
    assertThat(text).contains("ALB CreateRule (header route testers, priority 9, X-Okra-Preview: yes): 2.0.0 100%",
        "ALB CreateRule (header route testers, priority 9, X-Okra-Preview: yes): 3.0.0 100%");
    assertThat(text.split("ALB DeleteRule: the header route's rule", -1)).as("deleted on success and on rollback").hasSize(3);
    assertThat(text).contains("AnalysisRun").contains("with {cluster-version=2.0.0}").contains("with {cluster-version=3.0.0}");
    // The rollback is recorded, applied, and said to be done once the listener is read again and carries it (the same command).
    assertThat(text).containsPattern("Failed: rollout of 3\\.0\\.0 failed: AnalysisRun web-\\w+-step3 Failed: .*traffic rolled back to 2\\.0\\.0, which has 100%");
    assertThat(text).contains("== done");
    // One bar per version while two versions share the traffic: 80% of 40 columns filled.
    assertThat(text).containsPattern("1\\.0\\.0  [#\u2588]{32}[.\u2591]{8}  80%  web-1-0-0-a 40, web-1-0-0-b 40");
  }

  @Test
  void wavesTakeEachVersionThroughTheFirstCellBeforeTheSecondAndStopAFailedOne() {
    int code = run("demo", "--waves", "--fast");

    assertThat(code).as(err.toString()).isZero();
    String text = out.toString();
    List<String> writes = new ArrayList<>();
    Matcher m = Pattern.compile("^\\s+ALB (CreateRule|ModifyRule) \\((web-\\w+)\\): (.+)$", Pattern.MULTILINE).matcher(text);
    while (m.find()) writes.add(m.group(2) + " " + m.group(3).trim());
    assertThat(writes).containsExactly(
        "web-eu 1.0.0 100%",
        "web-us 1.0.0 100%",
        "web-eu 1.0.0 50% | 2.0.0 50%",
        "web-eu 2.0.0 100%",
        "web-us 1.0.0 50% | 2.0.0 50%",
        "web-us 2.0.0 100%",
        "web-eu 2.0.0 50% | 3.0.0 50%",
        "web-eu 2.0.0 100%");
    assertThat(text).contains("web-us  Succeeded: waiting to start 2.0.0 until it is the stable version of the earlier wave demo/web-eu "
        + "(it has 1.0.0, Progressing)");
    assertThat(text).contains("web-us  Succeeded: 3.0.0 failed in the earlier wave demo/web-eu (AnalysisRun web-eu-");
    assertThat(text).contains("== done");
  }

  @Test
  void pausesCountDownInSimulatedTime() {
    run("demo", "--fast");

    assertThat(out.toString()).contains("(pause 2m): waiting until ").contains("(2m left)", "(1m30s left)", "(30s left)");
  }

  @Test
  void takesTenToTwentySecondsAtTheDefaultSpeed() {
    List<Duration> slept = new ArrayList<>();
    ReconcileCommand.sleeper = slept::add;

    assertThat(run("demo", "--ascii")).isZero();

    Duration total = slept.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(total).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(18));
    assertThat(out.toString()).doesNotContain("\u2588");
  }

  @Test
  void fastDoesNotSleep() {
    List<Duration> slept = new ArrayList<>();
    ReconcileCommand.sleeper = slept::add;

    run("demo", "--fast");

    assertThat(slept).isEmpty();
  }

  @Test
  void rejectsANonPositiveSpeed() {
    assertThat(run("demo", "--speed", "0")).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("--speed must be a positive number");
  }
}
