package co.mumo.okra.cell;

import static co.mumo.okra.testsupport.CellScenario.T0;
import static co.mumo.okra.testsupport.CellScenario.actions;
import static co.mumo.okra.testsupport.CellScenario.cell;
import static co.mumo.okra.testsupport.CellScenario.conditionReason;
import static co.mumo.okra.testsupport.CellScenario.experiment;
import static co.mumo.okra.testsupport.CellScenario.pause;
import static co.mumo.okra.testsupport.CellScenario.setWeight;
import static co.mumo.okra.testsupport.CellScenario.weightOf;
import static co.mumo.okra.testsupport.CellScenario.weightsByVersion;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.Version;
import co.mumo.okra.testsupport.CellScenario;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Failures, the blocklist, fall-backs and rollbacks. */
class CellDeciderRollbackTest {
  static final String S = "1.0.0";
  static final String C = "2.0.0";

  static Version v(String s) {
    return Version.parse(s);
  }

  static CellScenario readme() {
    return cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2);
  }

  /** 2.0.0 is at the analysis (step 1) with 20%. */
  static CellScenario atAnalysis() {
    return readme().rollingOut(S, C, 1, T0).ruleSplit(S, C, 20);
  }

  static void assertRolledBackTo(Plan p, String stable) {
    assertThat(weightsByVersion(p)).as("100% stable at once, canary out of the rule").isEqualTo(Map.of(v(stable).canonical(), 100));
    assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
    assertThat(p.state().phase()).as("Failed once the ALB carries the rollback").isEqualTo(Phase.RollingBack);
    assertThat(p.message()).contains("rolling traffic back to").endsWith("Failed once the listener rule carries the rollback");
    assertThat(p.state().rollingOut()).isFalse();
    assertThat(p.state().stable()).contains(v(stable));
  }

  // ================================================================ a failed step

  @Nested
  class FailedStep {

    @ParameterizedTest
    @ValueSource(strings = {"FAILED", "ERROR"})
    void aFailedAnalysisRollsBackBlocksAndFails(RunPhase phase) {
      Plan p = atAnalysis().stepRun(1, phase).at(T0.plusSeconds(40)).decide();

      assertRolledBackTo(p, S);
      assertThat(actions(p, Action.BlockVersion.class)).singleElement().satisfies(b -> {
        assertThat(b.version()).isEqualTo(v(C));
        assertThat(b.cause()).contains(CellDecider.runName(CellScenario.NAME, CellScenario.ROLLOUT_ID, 1)).contains(phase.argoName());
      });
      assertThat(p.state().failure()).hasValueSatisfying(f -> {
        assertThat(f.version()).isEqualTo(v(C));
        assertThat(f.at()).isEqualTo(T0.plusSeconds(40));
        assertThat(f.blocklisted()).isFalse();
        assertThat(f.cause()).isNotBlank();
      });
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.ROLLED_BACK);
      assertThat(p.message()).contains("rollout of 2.0.0 failed").contains("rolling traffic back to 1.0.0").contains("blocked");
      assertThat(actions(p, Action.StartAnalysis.class)).isEmpty();
    }

    @Test
    void theRunsMessageIsPartOfTheCause() {
      Plan p = atAnalysis().stepRun(1, RunPhase.FAILED).decide();
      assertThat(actions(p, Action.BlockVersion.class).get(0).cause()).contains("success-rate below 0.95");
    }

    @Test
    void aFailedExperimentRollsBackToo() {
      Plan p = cell().steps(setWeight(10), experiment("baseline"), setWeight(50)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 1).ruleSplit(S, C, 10).stepRun(1, RunPhase.FAILED).decide();
      assertRolledBackTo(p, S);
      assertThat(actions(p, Action.BlockVersion.class)).singleElement()
          .satisfies(b -> assertThat(b.cause()).contains("Experiment"));
    }

    @Test
    void aFailedBackgroundAnalysisRollsBackFromAnyLaterStep() {
      Plan p = cell().steps(setWeight(10), pause("1h"), setWeight(50)).background(0, "error-rate").targetGroups(S, 1)
          .targetGroups(C, 1).rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).stepRun(-1, RunPhase.FAILED)
          .at(T0.plusSeconds(5)).decide();
      assertRolledBackTo(p, S);
      assertThat(actions(p, Action.BlockVersion.class)).singleElement()
          .satisfies(b -> assertThat(b.cause()).contains("background analysis").contains("-bg"));
    }

    @Test
    void anAbortRollsBackAndBlocks() {
      Plan p = readme().rollingOut(S, C, 2, T0).ruleSplit(S, C, 20).abortRequested("latency looks bad").decide();
      assertRolledBackTo(p, S);
      assertThat(actions(p, Action.BlockVersion.class)).singleElement().satisfies(b -> {
        assertThat(b.version()).isEqualTo(v(C));
        assertThat(b.cause()).contains("aborted by user").contains("latency looks bad");
      });
      assertThat(p.state().abortRequested()).isEmpty();
    }

    @Test
    void aFailureWhileTheRuleIsMidChangeStillGoesToStable() {
      // The rule does not show the step's weights yet (someone changed it): the rollback does not wait.
      Plan p = atAnalysis().observedWeights(CellScenario.tgName(S, 0), 50, CellScenario.tgName(C, 0), 50)
          .stepRun(1, RunPhase.FAILED).decide();
      assertRolledBackTo(p, S);
    }
  }

  // ================================================================ the blocklist

  @Nested
  class Blocklist {

    @Test
    void onceTheBlocklistEntryIsSeenTheFailureIsComplete() {
      Plan p = readme().failed(S, C, "AnalysisRun failed", false).blocked(C, "AnalysisRun failed").ruleForwardingTo(S).decide();

      assertThat(p.actions()).isEmpty();
      assertThat(p.state().phase()).isEqualTo(Phase.Failed);
      assertThat(p.state().failure()).hasValueSatisfying(f -> assertThat(f.blocklisted()).isTrue());
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.ROLLED_BACK);
      assertThat(p.message()).contains("2.0.0").contains("blocked").contains("retry");
    }

    @Test
    void aFailureWhoseEntryIsNotWrittenCountsAsBlockedAndIsCompleted() {
      // The runner died between the status write and the blocklist write.
      Plan p = readme().failed(S, C, "AnalysisRun failed", false).ruleForwardingTo(S).decide();

      assertThat(p.state().rollingOut()).as("2.0.0 is not tried again").isFalse();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(actions(p, Action.BlockVersion.class)).singleElement().satisfies(b -> {
        assertThat(b.version()).isEqualTo(v(C));
        assertThat(b.cause()).isEqualTo("AnalysisRun failed");
      });
      assertThat(p.state().phase()).isEqualTo(Phase.Failed);
      assertThat(p.state().failure()).hasValueSatisfying(f -> assertThat(f.blocklisted()).isFalse());
    }

    @Test
    void aBlockedVersionIsNotTriedAgain() {
      Plan p = readme().failed(S, C, "x", true).blocked(C, "x").ruleForwardingTo(S).at(T0.plusSeconds(86_400)).decide();
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(p.actions()).isEmpty();
      assertThat(weightOf(p, C)).isZero();
    }

    @Test
    void aBlockedVersionThatWasNeverTriedIsSkippedForTheNextHighest() {
      Plan p = cell().readmeSteps().targetGroups(S, 1).targetGroups("1.5.0", 1).targetGroups(C, 1).blocked(C, "known bad")
          .stable(S).ruleForwardingTo(S).decide();
      assertThat(p.state().desired()).contains(v("1.5.0"));
    }

    @Test
    void aBlockedVersionIsNotTheFirstVersionEither() {
      Plan p = cell().targetGroups(S, 1).targetGroups(C, 1).blocked(C, "known bad").decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
    }

    @Test
    void aNewerVersionRollsOutAfterAFailure() {
      Plan p = readme().targetGroups("3.0.0", 2).failed(S, C, "x", true).blocked(C, "x").ruleForwardingTo(S).decide();
      assertThat(p.state().desired()).contains(v("3.0.0"));
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 80, "3.0.0", 20));
      assertThat(p.actions()).noneMatch(a -> a instanceof Action.BlockVersion);
    }

    @Test
    void anUnwrittenFailureIsStillCompletedWhenANewerVersionRollsOut() {
      CellScenario sc = readme().targetGroups("3.0.0", 2).failed(S, C, "AnalysisRun failed", false).ruleForwardingTo(S);
      Plan p = sc.decide();
      assertThat(p.state().desired()).contains(v("3.0.0"));
      assertThat(actions(p, Action.BlockVersion.class)).singleElement().satisfies(b -> assertThat(b.version()).isEqualTo(v(C)));

      // The blocklist write is lost again: the next pass must still know to write it.
      Plan next = sc.state(p.state()).applied(p).at(T0.plusSeconds(2)).decide();
      assertThat(actions(next, Action.BlockVersion.class)).as("BlockVersion re-emitted").singleElement()
          .satisfies(b -> assertThat(b.version()).isEqualTo(v(C)));
      assertThat(next.state().desired()).contains(v("3.0.0"));
      assertThat(next.state().stepIndex()).as("the new rollout goes on").contains(1);
    }

    @Test
    void removingTheBlocklistEntryLetsTheVersionBeTriedAgain() {
      Plan p = readme().failed(S, C, "x", true).ruleForwardingTo(S).at(T0.plusSeconds(3600)).decide();
      assertThat(p.state().desired()).contains(v(C));
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(p.state().failure()).isEmpty();
      assertThat(p.state().rolloutId()).isPresent();
      assertThat(weightOf(p, C)).isEqualTo(20);
    }

    @Test
    void aRetryGetsNewRunNames() {
      CellScenario failedOnce = readme().failed(S, C, "x", true).ruleForwardingTo(S);
      Plan first = readme().stable(S).ruleForwardingTo(S).decide();
      Plan retry = failedOnce.at(T0.plusSeconds(3600)).decide();
      assertThat(retry.state().rolloutId()).isNotEqualTo(first.state().rolloutId());
    }

    @Test
    void cellRetryClearsTheFailureAndTheEntryAndStartsOver() {
      // What `cell retry` leaves behind: CellControl.retry's state, and the blocklist entry removed.
      Plan p = readme().failed(S, C, "x", true).tweakState(CellControl::retry).ruleForwardingTo(S).decide();
      assertThat(p.state().desired()).contains(v(C));
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(p.state().failure()).isEmpty();
      assertThat(weightOf(p, C)).isEqualTo(20);
    }

    @Test
    void aRecordedRetryRollsTheVersionOutAgainAndRemovesItsEntry() {
      // cell retry records first, then removes the entry; if it could not, the pass removes it.
      Plan p = readme().failed(S, C, "x", true).blocked(C, "x").tweakState(CellControl::retry).ruleForwardingTo(S).decide();
      assertThat(p.state().rollingOut()).isTrue();
      assertThat(p.state().desired()).contains(v(C));
      assertThat(actions(p, Action.UnblockVersion.class)).singleElement().satisfies(a -> assertThat(a.version()).isEqualTo(v(C)));
    }

    @Test
    void onceTheRetriedEntryIsGoneTheFailureIsForgotten() {
      Plan p = readme().failed(S, C, "x", true).tweakState(CellControl::retry).ruleForwardingTo(S).decide();
      assertThat(p.state().failure()).isEmpty();
      assertThat(actions(p, Action.UnblockVersion.class)).isEmpty();
    }

    @Test
    void aBlockedPinnedVersionKeepsTheStable() {
      Plan p = cell().pinned(C).readmeSteps().targetGroups(S, 1).targetGroups(C, 1).blocked(C, "x").stable(S)
          .ruleForwardingTo(S).decide();
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.message()).contains("2.0.0 x1 (blocked)");
    }
  }

  // ================================================================ target groups disappear

  @Nested
  class FallBack {

    @Test
    void whenTheCanarysGroupsDisappearTrafficFallsBackToStableAtOnce() {
      Plan p = readme().rollingOut(S, C, 2, T0).ruleSplit(S, C, 20).withoutTargetGroups(C).decide();

      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.state().phase()).as("Succeeded once the ALB carries the fall-back").isEqualTo(Phase.Promoting);
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(p.state().stable()).contains(v(S));
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.FELL_BACK);
      assertThat(actions(p, Action.BlockVersion.class)).as("a vanished version is not a failed one").isEmpty();
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
    }

    @Test
    void whenTheCanaryDropsBelowReplicasTrafficFallsBackToo() {
      Plan p = readme().rollingOut(S, C, 2, T0).ruleSplit(S, C, 20).withoutTargetGroup(CellScenario.tgName(C, 1)).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.message()).contains("1 of 2");
    }

    @Test
    void theCanaryComingBackStartsItsStepsAgain() {
      CellScenario sc = readme().rollingOut(S, C, 3, T0).ruleSplit(S, C, 40).withoutTargetGroups(C);
      Plan gone = sc.decide();
      Plan back = sc.state(gone.state()).applied(gone).targetGroups(C, 2).at(T0.plusSeconds(60)).decide();
      assertThat(back.state().stepIndex()).contains(0);
      assertThat(weightOf(back, C)).isEqualTo(20);
    }

    @Test
    void whenTheStablesGroupsVanishMidRolloutTheCanaryTakesEverything() {
      Plan p = readme().rollingOut(S, C, 2, T0).ruleSplit(S, C, 20).withoutTargetGroups(S).decide();

      assertThat(weightsByVersion(p)).isEqualTo(Map.of("2.0.0", 100));
      assertThat(p.state().stable()).contains(v(C));
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.FELL_BACK);
      assertThat(p.rule().orElseThrow().forwards()).isNotEmpty();
    }

    @Test
    void whenTheStablesGroupsVanishAtARolloutsStartTheCanaryTakesEverything() {
      Plan p = readme().stable(S).ruleForwardingTo(S).withoutTargetGroups(S).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("2.0.0", 100));
    }

    @Test
    void whenTheStableVanishesTrafficFallsBackToTheNewestCompleteOlderVersion() {
      Plan p = cell().readmeSteps().targetGroups("0.9.0", 1).targetGroups(S, 1).stable(S).ruleForwardingTo(S)
          .withoutTargetGroups(S).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("0.9.0", 100));
      assertThat(p.state().stable()).contains(v("0.9.0"));
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.FELL_BACK);
    }

    @Test
    void anIncompleteStableKeepsWhatIsLeftWhenNothingElseIsComplete() {
      Plan p = readme().stable(S).ruleForwardingTo(S).withoutTargetGroups(C).withoutTargetGroup(CellScenario.tgName(S, 1)).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.rule().orElseThrow().forwards()).hasSize(1);
    }

    @Test
    void withNoTargetGroupsLeftTheRuleIsLeftAlone() {
      Plan p = readme().stable(S).ruleForwardingTo(S).withoutTargetGroups(S).withoutTargetGroups(C).decide();
      assertThat(p.rule()).as("never forward to nothing").isEmpty();
      assertThat(p.actions()).isEmpty();
      assertThat(p.state().stable()).contains(v(S));
    }

    @Test
    void aRollbackAfterAFailureWithTheStableGoneGoesToTheCanaryRatherThanNothing() {
      // The stable vanished in the same pass as the abort: the rule keeps forwarding somewhere.
      Plan p = readme().rollingOut(S, C, 2, T0).ruleSplit(S, C, 20).withoutTargetGroups(S).abortRequested("stop").decide();
      assertThat(p.rule()).isPresent();
      assertThat(p.rule().orElseThrow().forwards()).isNotEmpty();
    }

    @Test
    void theBlocklistAppliesToFallBacksToo() {
      Plan p = cell().readmeSteps().targetGroups("0.8.0", 1).targetGroups("0.9.0", 1).targetGroups(S, 1).blocked("0.9.0", "bad")
          .stable(S).ruleForwardingTo(S).withoutTargetGroups(S).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("0.8.0", 100));
    }
  }

  @Test
  void aFailedRolloutEndsWithTheStableVersionAndOneBlockVersion() {
    CellScenario.Simulation sim = readme().stable(S).ruleForwardingTo(S).simulate()
        .outcome(name -> RunPhase.FAILED).runningFor(2).run(50);

    assertThat(sim.versionSplits()).containsExactly(
        Map.of("1.0.0", 80, "2.0.0", 20),
        Map.of("1.0.0", 100));
    assertThat(sim.allActions()).filteredOn(a -> a instanceof Action.BlockVersion).singleElement()
        .satisfies(a -> assertThat(((Action.BlockVersion) a).version()).isEqualTo(v(C)));
    Plan last = sim.last().plan();
    assertThat(last.state().phase()).isEqualTo(Phase.Failed);
    assertThat(last.state().failure()).hasValueSatisfying(f -> assertThat(f.blocklisted()).isTrue());
    assertThat(last.actions()).isEmpty();
    assertThat(sim.allActions()).filteredOn(a -> a instanceof Action.StartAnalysis).hasSize(1);
    assertThat(sim.plans()).extracting(p -> p.state().phase())
        .containsSubsequence(Phase.Progressing, Phase.Failed);
    assertThat(sim.plans().stream().map(p -> p.state().stepIndex()).flatMap(Optional::stream).toList())
        .as("never past the failed step").allMatch(i -> i <= 1);
    assertThat(List.of(last.state().stable())).containsExactly(Optional.of(v(S)));
  }
}
