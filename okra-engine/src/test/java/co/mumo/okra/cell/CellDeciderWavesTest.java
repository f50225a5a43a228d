package co.mumo.okra.cell;

import static co.mumo.okra.testsupport.CellScenario.actions;
import static co.mumo.okra.testsupport.CellScenario.cell;
import static co.mumo.okra.testsupport.CellScenario.earlierAt;
import static co.mumo.okra.testsupport.CellScenario.earlierFailed;
import static co.mumo.okra.testsupport.CellScenario.earlierRollingOut;
import static co.mumo.okra.testsupport.CellScenario.pause;
import static co.mumo.okra.testsupport.CellScenario.setWeight;
import static co.mumo.okra.testsupport.CellScenario.weightsByVersion;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.Version;
import co.mumo.okra.testsupport.CellScenario;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Waves (spec.rolloutAfter), one pass at a time: the earlier waves hold back the start of a version
 * until it is their stable version; a failure of it there stops it here; in-flight rollouts, fall-backs
 * and manual rollbacks never wait; a cycle or a wait the owner policy refuses is Invalid.
 */
class CellDeciderWavesTest {
  static final String EU = "team-eu/web-eu";
  static final String US = "team-us/web-us";

  /** This Cell: 1.0.0 stable with all the traffic, 2.0.0's target group just appeared. */
  static CellScenario secondWave() {
    return cell().steps(setWeight(50), pause()).targetGroups("1.0.0", 1).targetGroups("2.0.0", 1).stable("1.0.0").ruleForwardingTo("1.0.0");
  }

  /**
   * One row: the earlier waves as read, then what this Cell does: its phase, the version it wants, the
   * WaveReady condition's reason, and whether it is settled (nothing happens until something else changes).
   */
  record Row(String name, UnaryOperator<CellScenario> earlier, Phase phase, String desired, String reason, boolean settled) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> gate() {
    return Stream.of(
        new Row("the earlier wave has the version as its stable one: this Cell starts it",
            sc -> sc.waitsFor(EU, earlierAt("2.0.0", Phase.Succeeded)), Phase.Progressing, "2.0.0", Reasons.EARLIER_WAVES_DONE, false),
        new Row("the earlier wave is already past it: this Cell starts it",
            sc -> sc.waitsFor(EU, earlierAt("3.0.0", Phase.Succeeded)), Phase.Progressing, "2.0.0", Reasons.EARLIER_WAVES_DONE, false),
        new Row("the earlier wave has it stable, a later rollout of its own failed since: this Cell starts it",
            sc -> sc.waitsFor(EU, earlierFailed("2.0.0", "3.0.0", "analysis failed"), "3.0.0"), Phase.Progressing, "2.0.0",
            Reasons.EARLIER_WAVES_DONE, false),
        new Row("the earlier wave is rolling it out: wait, and look again",
            sc -> sc.waitsFor(EU, earlierRollingOut("1.0.0", "2.0.0")), Phase.Succeeded, "1.0.0", Reasons.WAITING_FOR_EARLIER_WAVE, false),
        new Row("the earlier wave's ALB is not yet seen carrying it (Promoting): wait",
            sc -> sc.waitsFor(EU, earlierAt("2.0.0", Phase.Promoting)), Phase.Succeeded, "1.0.0", Reasons.WAITING_FOR_EARLIER_WAVE, false),
        new Row("the earlier wave has not started it (its clusters are not up): wait, settled",
            sc -> sc.waitsFor(EU, earlierAt("1.0.0", Phase.Succeeded)), Phase.Succeeded, "1.0.0", Reasons.EARLIER_WAVE_NOT_STARTED, true),
        new Row("the earlier wave is paused in its rollout: wait for the human there, settled",
            sc -> sc.waitsFor(EU, earlierRollingOut("1.0.0", "2.0.0").withPhase(Phase.Paused)), Phase.Succeeded, "1.0.0",
            Reasons.EARLIER_WAVE_NOT_STARTED, true),
        new Row("the earlier wave does not exist: wait, settled",
            sc -> sc.waitsForMissing(EU), Phase.Succeeded, "1.0.0", Reasons.EARLIER_WAVE_NOT_STARTED, true),
        new Row("the version failed in the earlier wave: stopped here",
            sc -> sc.waitsFor(EU, earlierFailed("1.0.0", "2.0.0", "AnalysisRun web-eu-1-step1 Failed"), "2.0.0"), Phase.Succeeded, "1.0.0",
            Reasons.EARLIER_WAVE_FAILED, true),
        new Row("the version is in the earlier wave's blocklist (its failure since forgotten): stopped here",
            sc -> sc.waitsFor(EU, earlierAt("1.0.0", Phase.Succeeded), "2.0.0"), Phase.Succeeded, "1.0.0", Reasons.EARLIER_WAVE_FAILED, true),
        new Row("a retry of it is recorded in the earlier wave: no longer failed, waiting",
            sc -> sc.waitsFor(EU, earlierFailed("1.0.0", "2.0.0", "x").withFailure(Optional.of(
                new RolloutState.Failure(Version.parse("2.0.0"), "x", CellScenario.T0, true, true)))),
            Phase.Succeeded, "1.0.0", Reasons.EARLIER_WAVE_NOT_STARTED, true),
        new Row("two earlier waves, one has it, the other is rolling it out: wait",
            sc -> sc.waitsFor(EU, earlierAt("2.0.0", Phase.Succeeded)).waitsFor(US, earlierRollingOut("1.0.0", "2.0.0")),
            Phase.Succeeded, "1.0.0", Reasons.WAITING_FOR_EARLIER_WAVE, false),
        new Row("two earlier waves, one waits, the other failed it: the failure is what the Cell says",
            sc -> sc.waitsFor(EU, earlierRollingOut("1.0.0", "2.0.0")).waitsFor(US, earlierFailed("1.0.0", "2.0.0", "x")),
            Phase.Succeeded, "1.0.0", Reasons.EARLIER_WAVE_FAILED, true),
        new Row("two earlier waves, both have it: this Cell starts it",
            sc -> sc.waitsFor(EU, earlierAt("2.0.0", Phase.Succeeded)).waitsFor(US, earlierAt("2.0.0", Phase.Failed)),
            Phase.Progressing, "2.0.0", Reasons.EARLIER_WAVES_DONE, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gate")
  void theEarlierWavesGateTheStartOfAVersion(Row row) {
    Plan p = row.earlier().apply(secondWave()).decide();

    assertThat(p.state().phase()).isEqualTo(row.phase());
    assertThat(p.state().desired()).contains(Version.parse(row.desired()));
    CellCondition wave = p.conditions().stream().filter(c -> c.type().equals(Reasons.WAVE_READY)).findFirst().orElseThrow();
    assertThat(wave.reason()).isEqualTo(row.reason());
    assertThat(wave.status()).isEqualTo(row.reason().equals(Reasons.EARLIER_WAVES_DONE));
    if (!wave.status()) {
      assertThat(p.message()).as("the status says which Cell it waits for").contains(row.name().contains("two") ? "team-" : EU);
      assertThat(p.message()).contains("2.0.0");
      assertThat(weightsByVersion(p)).as("the stable version keeps all the traffic").isEqualTo(Map.of("1.0.0", 100));
      assertThat(actions(p, Action.ApplyRule.class)).as("the rule already forwards to the stable version").isEmpty();
      assertThat(p.conditions()).filteredOn(c -> c.type().equals(Reasons.READY)).singleElement()
          .satisfies(c -> assertThat(c.message()).isEqualTo(p.message()));
    }
    CellReconciler.PassResult unchanged = new CellReconciler.PassResult(CellScenario.KEY, CellReconciler.Outcome.UNCHANGED,
        p.state().phase(), new co.mumo.okra.api.CellStatus(), Optional.of(p), java.util.List.of());
    assertThat(unchanged.settled()).as("settled").isEqualTo(row.settled());
    if (row.reason().equals(Reasons.WAITING_FOR_EARLIER_WAVE)) assertThat(p.requeueAfter()).contains(WaveGate.POLL);
    if (row.settled()) assertThat(p.requeueAfter()).isEmpty();
  }

  @Test
  void aFailureInTheEarlierWaveIsNamedWithItsCause() {
    Plan p = secondWave().waitsFor(EU, earlierFailed("1.0.0", "2.0.0", "AnalysisRun web-eu-1-step1 Failed: success-rate 0.91"), "2.0.0")
        .decide();
    assertThat(p.message()).startsWith("2.0.0 failed in the earlier wave team-eu/web-eu (AnalysisRun web-eu-1-step1 Failed: success-rate 0.91)")
        .contains("not starting it here");
  }

  @Test
  void aFirstVersionWaitsTooAndTheCellStaysIdleWithNoRule() {
    Plan p = cell().targetGroups("2.0.0", 1).waitsFor(EU, earlierRollingOut("1.0.0", "2.0.0")).decide();
    assertThat(p.state().phase()).isEqualTo(Phase.Idle);
    assertThat(p.rule()).isEmpty();
    assertThat(p.message()).contains("waiting to start 2.0.0 until it is the stable version of the earlier wave team-eu/web-eu (it has 1.0.0, Progressing)");

    Plan started = cell().targetGroups("2.0.0", 1).waitsFor(EU, earlierAt("2.0.0", Phase.Succeeded)).decide();
    assertThat(weightsByVersion(started)).isEqualTo(Map.of("2.0.0", 100));
  }

  @Test
  void aRolloutInFlightCarriesOnWhateverTheEarlierWaveDoesSince() {
    Plan p = secondWave().rollingOut("1.0.0", "2.0.0", 1).ruleSplit("1.0.0", "2.0.0", 50)
        .waitsFor(EU, earlierFailed("1.0.0", "2.0.0", "failed after this Cell had started"), "2.0.0").decide();
    assertThat(p.state().phase()).isEqualTo(Phase.Paused);
    assertThat(p.state().desired()).contains(Version.parse("2.0.0"));
    assertThat(p.conditions()).filteredOn(c -> c.type().equals(Reasons.WAVE_READY)).singleElement()
        .satisfies(c -> assertThat(c.status()).isTrue());
  }

  @Test
  void aNewerVersionHeldBackLeavesTheCellToRollOutTheOneTheEarlierWaveHas() {
    Plan p = secondWave().targetGroups("3.0.0", 1).waitsFor(EU, earlierAt("2.0.0", Phase.Succeeded)).decide();
    assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
    assertThat(p.state().desired()).contains(Version.parse("2.0.0"));
    assertThat(p.message()).startsWith("waiting to start 3.0.0 until it is the stable version of the earlier wave team-eu/web-eu (it has 2.0.0, Succeeded)");
  }

  @Test
  void fallingBackNeverWaits() {
    // The stable version's target groups are gone: the only complete version takes the traffic, wave or no wave.
    Plan p = secondWave().withoutTargetGroups("1.0.0").waitsFor(EU, earlierRollingOut("1.0.0", "2.0.0")).decide();
    assertThat(weightsByVersion(p)).isEqualTo(Map.of("2.0.0", 100));
    assertThat(p.state().stable()).contains(Version.parse("2.0.0"));
  }

  @Test
  void aManualRollbackNeverWaits() {
    Plan p = cell().targetGroups("1.0.0", 1).targetGroups("2.0.0", 1).stable("2.0.0").ruleForwardingTo("2.0.0").pinned("1.0.0")
        .waitsFor(EU, earlierAt("2.0.0", Phase.Succeeded)).decide();
    assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
  }

  @Test
  void aCycleThroughTheCellIsInvalidNamingTheFieldAndTheCycle() {
    Plan p = secondWave().waitsFor(EU, earlierAt("1.0.0", Phase.Succeeded)).waveEdge(EU, US).waveEdge(US, CellScenario.KEY).decide();
    assertThat(p.state().phase()).isEqualTo(Phase.Invalid);
    assertThat(p.errors()).singleElement().satisfies(e -> {
      assertThat(e.path()).isEqualTo("spec.rolloutAfter[0]");
      assertThat(e.message()).contains("default/cell1 -> team-eu/web-eu -> team-us/web-us -> default/cell1");
    });
    assertThat(p.rule()).isEmpty();
  }

  @Test
  void aCycleElsewhereIsNotThisCellsFault() {
    Plan p = secondWave().waitsFor(EU, earlierAt("1.0.0", Phase.Succeeded)).waveEdge(EU, US).waveEdge(US, EU).decide();
    assertThat(p.state().phase()).isEqualTo(Phase.Succeeded);
  }

  @Test
  void aWaitTheOwnerPolicyRefusesIsInvalidAndNothingOfTheOtherCellIsShown() {
    Plan p = secondWave().waveRefused("spec.rolloutAfter[0].namespace", "the policy does not let Cells in namespace default wait for Cells in team-eu")
        .decide();
    assertThat(p.state().phase()).isEqualTo(Phase.Invalid);
    assertThat(p.errors()).extracting(FieldError::path).containsExactly("spec.rolloutAfter[0].namespace");
    assertThat(p.conditions()).noneMatch(c -> c.type().equals(Reasons.WAVE_READY));
  }

  @Test
  void withoutRolloutAfterThereIsNoWaveCondition() {
    Plan p = secondWave().decide();
    assertThat(p.conditions()).noneMatch(c -> c.type().equals(Reasons.WAVE_READY));
    assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
  }

  @Test
  void waitingWritesNothingNewOnTheNextPass() {
    CellScenario sc = secondWave().waitsFor(EU, earlierRollingOut("1.0.0", "2.0.0"));
    Plan first = sc.decide();
    Plan again = sc.state(first.state()).after(Duration.ofSeconds(30)).decide();
    assertThat(again).isEqualTo(first);
  }
}
