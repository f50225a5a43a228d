package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The Events and the history a status write stands for, transition by transition. */
class CellEventsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void aWriteThatChangesNothingTellsNothing() {
    CellStatus s = progressing("r1", 1, "step 2/3 (pause 5m): 4m left");
    assertThat(CellEvents.between(s, copy(s))).isEmpty();
    assertThat(RolloutHistory.next(s, copy(s), NOW)).isEqualTo(s.history);
  }

  @Test
  void theFirstVersionTakesTheTrafficAtOnce() {
    CellStatus after = settled("1.0.0", Reasons.FIRST_VERSION, "1.0.0 is the first version: 100% at once");
    weights(after, "web-1", "1.0.0", 100);

    assertThat(events(null, after)).containsExactly(
        "Normal FirstVersion 1.0.0 is the first version: 100% at once",
        "Normal SettingWeights setting traffic to 1.0.0 100% (web-1 100)");
    assertThat(RolloutHistory.next(null, after, NOW)).singleElement().satisfies(r -> {
      assertThat(r.version).isEqualTo("1.0.0");
      assertThat(r.outcome).isEqualTo(Reasons.FIRST_VERSION);
      assertThat(r.endedAt).isEqualTo(NOW.toString());
    });
  }

  @Test
  void aRolloutStartsWalksStepsAndCompletes() {
    CellStatus idle = settled("1.0.0", Reasons.ROLLOUT_COMPLETE, "1.0.0 has 100% of the traffic");
    CellStatus step1 = progressing("r1", 0, "step 1/3 (setWeight 20): setting 2.0.0 to 20%");
    weights(step1, "web-1", "1.0.0", 80);
    weights(step1, "web-2", "2.0.0", 20);
    assertThat(events(idle, step1)).containsExactly(
        "Normal RolloutStarted rolling out 2.0.0 over 1.0.0",
        "Normal StepStarted step 1/3 (setWeight 20) started for 2.0.0",
        "Normal SettingWeights setting traffic to 1.0.0 80% (web-1 80) | 2.0.0 20% (web-2 20)");
    step1.history = RolloutHistory.next(idle, step1, NOW);
    assertThat(step1.history).singleElement().satisfies(r -> {
      assertThat(r.outcome).isEqualTo(RolloutHistory.PROGRESSING);
      assertThat(r.from).isEqualTo("1.0.0");
      assertThat(r.endedAt).isNull();
    });

    // One pass may walk several steps: each done step is told.
    CellStatus step3 = progressing("r1", 2, "step 3/3 (pause 5m): 5m left");
    step3.targetGroups = step1.targetGroups;
    step3.history = step1.history;
    assertThat(events(step1, step3)).containsExactly("Normal StepCompleted step 1 done for 2.0.0",
        "Normal StepCompleted step 2 done for 2.0.0", "Normal StepStarted step 3/3 (pause 5m) started for 2.0.0");

    CellStatus done = settled("2.0.0", Reasons.ROLLOUT_COMPLETE, "all 3 steps passed: 2.0.0 is stable");
    weights(done, "web-2", "2.0.0", 100);
    assertThat(events(step3, done)).containsExactly("Normal StepCompleted step 3/3 (pause 5m) done for 2.0.0",
        "Normal RolloutCompleted all 3 steps passed: 2.0.0 is stable", "Normal SettingWeights setting traffic to 2.0.0 100% (web-2 100)");
    assertThat(RolloutHistory.next(step3, done, NOW)).singleElement().satisfies(r -> {
      assertThat(r.outcome).isEqualTo(RolloutHistory.SUCCEEDED);
      assertThat(r.endedAt).isEqualTo(NOW.toString());
    });
  }

  @Test
  void whatIsDecidedIsToldWhenDecidedAndTheAlbCarryingItWhenSeen() {
    CellStatus step = progressing("r1", 2, "step 3/3 (pause 5m): 1s left");
    step.history = RolloutHistory.next(null, progressing("r1", 0, "step 1/3"), NOW);
    CellStatus promoting = settled("2.0.0", Reasons.ROLLOUT_COMPLETE,
        "all 3 steps passed: 2.0.0 is stable; applying, Succeeded once the listener rule carries it");
    promoting.phase = "Promoting";
    weights(promoting, "web-2", "2.0.0", 100);
    assertThat(events(step, promoting)).containsExactly("Normal StepCompleted step 3/3 (pause 5m) done for 2.0.0",
        "Normal RolloutCompleted all 3 steps passed: 2.0.0 is stable; applying, Succeeded once the listener rule carries it",
        "Normal SettingWeights setting traffic to 2.0.0 100% (web-2 100)");
    promoting.history = RolloutHistory.next(step, promoting, NOW);
    assertThat(promoting.history).singleElement().satisfies(r -> assertThat(r.outcome).isEqualTo(RolloutHistory.SUCCEEDED));

    CellStatus succeeded = settled("2.0.0", Reasons.ROLLOUT_COMPLETE, "all 3 steps passed: 2.0.0 is stable");
    succeeded.targetGroups = promoting.targetGroups;
    assertThat(events(promoting, succeeded)).containsExactly("Normal WeightsApplied the listener rule carries 2.0.0 100% (web-2 100)");
    assertThat(RolloutHistory.next(promoting, succeeded, NOW)).as("seeing it changes no rollout")
        .usingRecursiveFieldByFieldElementComparator().isEqualTo(promoting.history);

    CellStatus rollingBack = failed("rollout of 2.0.0 failed: x; rolling traffic back to 1.0.0 and 2.0.0 blocked");
    rollingBack.phase = "RollingBack";
    CellStatus done = failed("rollout of 2.0.0 failed: x; traffic rolled back to 1.0.0 and 2.0.0 blocked");
    assertThat(events(step, rollingBack)).extracting(e -> e.split(" ")[1]).containsExactly("RolloutRolledBack");
    assertThat(events(rollingBack, done)).extracting(e -> e.split(" ")[1]).containsExactly("WeightsApplied");
  }

  @Test
  void pausesAndWhatHumansDoAreTold() {
    CellStatus running = progressing("r1", 1, "step 2/3 (analysis): waiting for AnalysisRun web-r1-step1 (Running)");
    CellStatus paused = progressing("r1", 1, "step 2/3 (analysis): paused by user; `okra-runner cell resume` continues");
    paused.phase = "Paused";
    paused.pausedByUser = true;
    assertThat(events(running, paused)).containsExactly(
        "Normal RolloutPaused step 2/3 (analysis): paused by user; `okra-runner cell resume` continues");

    CellStatus resumed = progressing("r1", 1, "resumed");
    assertThat(events(paused, resumed)).containsExactly("Normal RolloutResumed the rollout of 2.0.0 goes on");

    CellStatus waiting = progressing("r1", 2, "step 3/3 (pause until promoted): waiting for `okra-runner cell promote`");
    waiting.phase = "Paused";
    CellStatus promoted = progressing("r1", 3, "promoted past the current step");
    assertThat(events(waiting, promoted)).containsExactly("Normal StepCompleted step 3 done for 2.0.0",
        "Normal StepStarted step 4 started for 2.0.0", "Normal RolloutPromoted promoted: the rollout of 2.0.0 goes on");
  }

  @Test
  void anAbortIsRequestedThenCarriedOut() {
    CellStatus running = progressing("r1", 1, "step 2/3 (pause 5m): 4m left");
    CellStatus requested = progressing("r1", 1, "abort requested (bad latency)");
    requested.abortRequested = "bad latency";
    assertThat(events(running, requested)).containsExactly("Warning RolloutAbortRequested abort of 2.0.0 requested: bad latency");

    CellStatus failed = failed("rollout of 2.0.0 failed: aborted: bad latency; traffic rolled back to 1.0.0 and 2.0.0 blocked");
    assertThat(events(requested, failed)).containsExactly(
        "Warning RolloutAborted rollout of 2.0.0 failed: aborted: bad latency; traffic rolled back to 1.0.0 and 2.0.0 blocked");
    requested.history = RolloutHistory.next(null, progressing("r1", 0, "step 1/3"), NOW);
    assertThat(RolloutHistory.next(requested, failed, NOW)).singleElement()
        .satisfies(r -> assertThat(r.outcome).isEqualTo(RolloutHistory.ABORTED));
  }

  @Test
  void aFailedAnalysisRollsBackWithItsVerdict() {
    CellStatus waiting = progressing("r1", 1, "step 2/3 (analysis): waiting for AnalysisRun web-r1-step1 (Running)");
    run(waiting, "web-r1-step1", "Running", null);
    CellStatus failed = failed("rollout of 2.0.0 failed: AnalysisRun web-r1-step1 Failed: errors too high; traffic rolled back");
    run(failed, "web-r1-step1", "Failed", "errors too high");

    assertThat(events(waiting, failed)).containsExactly(
        "Warning RolloutRolledBack rollout of 2.0.0 failed: AnalysisRun web-r1-step1 Failed: errors too high; traffic rolled back",
        "Warning AnalysisFailed AnalysisRun web-r1-step1 Failed: errors too high");
    waiting.history = RolloutHistory.next(null, progressing("r1", 0, "step 1/3"), NOW);
    assertThat(RolloutHistory.next(waiting, failed, NOW)).singleElement().satisfies(r -> {
      assertThat(r.outcome).isEqualTo(RolloutHistory.FAILED);
      assertThat(r.message).isEqualTo("AnalysisRun web-r1-step1 Failed: errors too high");
    });
  }

  @Test
  void anAnalysisFirstSeenIsStartedAndItsVerdictFollows() {
    CellStatus starting = progressing("r1", 1, "step 2/3 (analysis): starting AnalysisRun web-r1-step1");
    CellStatus running = progressing("r1", 1, "step 2/3 (analysis): waiting for AnalysisRun web-r1-step1 (Running)");
    run(running, "web-r1-step1", "Running", null);
    assertThat(events(starting, running)).containsExactly("Normal AnalysisStarted AnalysisRun web-r1-step1 started for 2.0.0");

    CellStatus next = progressing("r1", 2, "step 3/3 (setWeight 50): setting 2.0.0 to 50%");
    run(next, "web-r1-step1", "Successful", null);
    assertThat(events(running, next)).containsExactly("Normal StepCompleted step 2 done for 2.0.0",
        "Normal StepStarted step 3/3 (setWeight 50) started for 2.0.0", "Normal AnalysisSuccessful AnalysisRun web-r1-step1 Successful");
  }

  @Test
  void aNewerVersionSupersedesTheRolloutInFlight() {
    CellStatus old = progressing("r1", 1, "step 2/3 (pause 5m): 4m left");
    old.history = RolloutHistory.next(null, progressing("r1", 0, "step 1/3"), NOW);
    CellStatus newer = progressing("r2", 0, "newer version 3.0.0 replaces the rollout of 2.0.0; step 1/3 (setWeight 20): setting 3.0.0 to 20%");
    newer.desiredVersion = "3.0.0";

    assertThat(events(old, newer)).containsExactly("Normal RolloutSuperseded the rollout of 2.0.0 was replaced by one of 3.0.0",
        "Normal RolloutStarted rolling out 3.0.0 over 1.0.0", "Normal StepStarted step 1/3 (setWeight 20) started for 3.0.0");
    assertThat(RolloutHistory.next(old, newer, NOW)).extracting(r -> r.version + " " + r.outcome)
        .containsExactly("2.0.0 Superseded", "3.0.0 Progressing");
  }

  @Test
  void fallingBackAndPinnedRollbacksAreWarnings() {
    CellStatus old = progressing("r1", 1, "step 2/3 (pause 5m): 4m left");
    old.history = RolloutHistory.next(null, progressing("r1", 0, "step 1/3"), NOW);
    CellStatus back = settled("1.0.0", Reasons.FELL_BACK, "version 2.0.0 is no longer complete (0 of 1 target groups): back to 1.0.0");

    assertThat(events(old, back)).containsExactly("Warning FellBack version 2.0.0 is no longer complete (0 of 1 target groups): back to 1.0.0");
    assertThat(RolloutHistory.next(old, back, NOW)).singleElement().satisfies(r -> assertThat(r.outcome).isEqualTo(Reasons.FELL_BACK));

    CellStatus v2 = settled("2.0.0", Reasons.ROLLOUT_COMPLETE, "2.0.0 has 100% of the traffic");
    CellStatus pinned = settled("1.0.0", Reasons.MANUAL_ROLLBACK, "spec.version pins 1.0.0: 100% at once");
    assertThat(events(v2, pinned)).containsExactly("Warning ManualRollback spec.version pins 1.0.0: 100% at once");
  }

  @Test
  void anInvalidCellIsToldOnceUntilItsMessageChanges() {
    CellStatus invalid = new CellStatus();
    invalid.phase = "Invalid";
    invalid.message = "Cell default/web is invalid: spec.updateStrategy.canary.steps[1].pause.duration: \"2d\" is not a duration";
    assertThat(events(null, invalid)).containsExactly("Warning InvalidSpec " + invalid.message);
    assertThat(events(invalid, copy(invalid))).isEmpty();
    CellStatus other = copy(invalid);
    other.message = "Cell default/web is invalid: something else";
    assertThat(events(invalid, other)).containsExactly("Warning InvalidSpec Cell default/web is invalid: something else");
  }

  @Test
  void driftIsAWarningAndARetryIsTold() {
    CellStatus synced = settled("1.0.0", Reasons.ROLLOUT_COMPLETE, "1.0.0 has 100% of the traffic");
    CellStatus drifted = copy(synced);
    drifted.conditions = new ArrayList<>(drifted.conditions);
    drifted.conditions.add(new Condition(Reasons.TRAFFIC_SYNCED, "False", Reasons.DRIFT, "the rule was changed outside Okra", null, 1L));
    assertThat(events(synced, drifted)).containsExactly("Warning TrafficDrift the rule was changed outside Okra");

    CellStatus failed = failed("rollout of 2.0.0 failed");
    CellStatus retried = copy(failed);
    retried.failure.retryRequested = true;
    retried.phase = "Idle";
    retried.message = "retrying 2.0.0 (removed from the blocklist)";
    assertThat(events(failed, retried)).containsExactly("Normal RetryRequested retry of 2.0.0 requested: it is no longer blocked");
  }

  @Test
  void theHistoryKeepsTheLatestTen() {
    CellStatus s = settled("1.0.0", Reasons.FIRST_VERSION, "first");
    s.history = RolloutHistory.next(null, s, NOW);
    for (int v = 2; v <= 14; v++) {
      CellStatus next = settled(v + ".0.0", Reasons.ROLLOUT_COMPLETE, v + ".0.0 is stable");
      next.history = RolloutHistory.next(s, next, NOW);
      s = next;
    }
    assertThat(s.history).hasSize(RolloutHistory.KEPT).extracting(r -> r.version).startsWith("5.0.0").endsWith("14.0.0");
  }

  // ------------------------------------------------------------------ helpers

  private static List<String> events(CellStatus before, CellStatus after) {
    return CellEvents.between(before, after).stream().map(e -> e.type() + " " + e.reason() + " " + e.message()).toList();
  }

  private static CellStatus progressing(String rolloutId, int step, String message) {
    return status(s -> {
      s.phase = "Progressing";
      s.stableVersion = "1.0.0";
      s.desiredVersion = "2.0.0";
      s.rolloutId = rolloutId;
      s.currentStepIndex = step;
      s.currentStepStartedAt = "2026-03-01T09:00:00Z";
      s.message = message;
      s.conditions = List.of(new Condition(Reasons.PROGRESSING, "True", Reasons.STEP_IN_PROGRESS, message, null, 1L));
    });
  }

  private static CellStatus settled(String version, String reason, String message) {
    return status(s -> {
      s.phase = "Succeeded";
      s.stableVersion = version;
      s.desiredVersion = version;
      s.message = message;
      s.conditions = List.of(new Condition(Reasons.READY, "True", reason, message, null, 1L));
    });
  }

  private static CellStatus failed(String message) {
    return status(s -> {
      s.phase = "Failed";
      s.stableVersion = "1.0.0";
      s.desiredVersion = "2.0.0";
      s.rolloutId = "r1";
      s.message = message;
      s.failure = new CellStatus.Failure();
      s.failure.version = "2.0.0";
      s.failure.cause = message.replaceFirst("^rollout of 2.0.0 failed: ", "").replaceFirst("; traffic rolled back.*$", "");
      s.conditions = List.of(new Condition(Reasons.READY, "False", Reasons.ROLLED_BACK, message, null, 1L));
    });
  }

  private static void weights(CellStatus s, String name, String version, int weight) {
    CellStatus.TargetGroupWeight w = new CellStatus.TargetGroupWeight();
    w.name = name;
    w.version = version;
    w.weight = weight;
    s.targetGroups = s.targetGroups == null ? new ArrayList<>() : new ArrayList<>(s.targetGroups);
    s.targetGroups.add(w);
  }

  private static void run(CellStatus s, String name, String phase, String message) {
    CellStatus.AnalysisRunSummary r = new CellStatus.AnalysisRunSummary();
    r.name = name;
    r.kind = "AnalysisRun";
    r.phase = phase;
    r.message = message;
    s.analysisRuns = List.of(r);
  }

  private static CellStatus status(Consumer<CellStatus> fill) {
    CellStatus s = new CellStatus();
    fill.accept(s);
    return s;
  }

  private static CellStatus copy(CellStatus s) {
    return io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().convertValue(s, CellStatus.class);
  }
}
