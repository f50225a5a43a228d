package co.mumo.okra.cell;

import static co.mumo.okra.testsupport.CellScenario.T0;
import static co.mumo.okra.testsupport.CellScenario.actions;
import static co.mumo.okra.testsupport.CellScenario.analysis;
import static co.mumo.okra.testsupport.CellScenario.cell;
import static co.mumo.okra.testsupport.CellScenario.condition;
import static co.mumo.okra.testsupport.CellScenario.conditionReason;
import static co.mumo.okra.testsupport.CellScenario.experiment;
import static co.mumo.okra.testsupport.CellScenario.pause;
import static co.mumo.okra.testsupport.CellScenario.setWeight;
import static co.mumo.okra.testsupport.CellScenario.tgName;
import static co.mumo.okra.testsupport.CellScenario.weightOf;
import static co.mumo.okra.testsupport.CellScenario.weightsByName;
import static co.mumo.okra.testsupport.CellScenario.weightsByVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.Version;
import co.mumo.okra.testsupport.CellScenario;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The step machine, one pass at a time: which version, which weights, which step. */
class CellDeciderTest {
  static final String S = "1.0.0";
  static final String C = "2.0.0";

  static Version v(String s) {
    return Version.parse(s);
  }

  /** A settled 1.0.0 (x2) with 2.0.0 (x2) just appeared, README steps, replicas 2. */
  static CellScenario readmeRollout() {
    return cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).stable(S).ruleForwardingTo(S);
  }

  // ================================================================ the first version

  @Nested
  class FirstVersion {

    @Test
    void theVeryFirstVersionGoesStraightTo100Percent() {
      Plan p = cell().readmeSteps().targetGroups(S, 1).decide();

      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.state().phase()).as("Succeeded once the ALB carries it").isEqualTo(Phase.Promoting);
      assertThat(p.state().stable()).contains(v(S));
      assertThat(p.state().desired()).contains(v(S));
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(actions(p, Action.StartAnalysis.class)).as("no steps for the first version").isEmpty();
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.FIRST_VERSION);
      assertThat(p.rule()).hasValueSatisfying(r -> {
        assertThat(r.listenerArn()).isEqualTo(CellScenario.LISTENER_ARN);
        assertThat(r.priority()).isEqualTo(10);
        assertThat(r.owner()).isEqualTo(CellScenario.KEY);
        assertThat(r.conditions()).isEqualTo(CellScenario.CONDITIONS);
      });
    }

    @ParameterizedTest(name = "{0} target group(s) -> {1}")
    @MethodSource("co.mumo.okra.cell.CellDeciderTest#firstVersionSplits")
    void theFirstVersionIsSplitEvenlyOverItsGroups(int groups, List<Integer> weights) {
      Plan p = cell().targetGroups(S, groups).decide();
      assertThat(weightsByName(p).values()).containsExactlyElementsOf(weights);
    }

    @Test
    void firstAdoptionOfAnUntaggedRuleGoesStraightTo100Percent() {
      Plan p = cell().adoptUnownedRule().policyAllowsAdoption().readmeSteps().targetGroups(S, 2)
          .observedWeights("arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/legacy/1", 100).untaggedRule()
          .decide();

      assertThat(weightsByName(p)).isEqualTo(Map.of(tgName(S, 0), 50, tgName(S, 1), 50));
      assertThat(p.state().stable()).contains(v(S));
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(actions(p, Action.ApplyRule.class)).singleElement()
          .satisfies(a -> assertThat(a.rule().owner()).isEqualTo(CellScenario.KEY));
    }

    @Test
    void theNewestCompleteVersionIsTheFirstWhenSeveralExist() {
      Plan p = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).targetGroups("3.0.0", 1).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("2.0.0", 100));
      assertThat(p.state().stable()).contains(v(C));
    }

    @Test
    void onceSettledNothingMoreHappens() {
      CellScenario sc = cell().targetGroups(S, 2);
      Plan first = sc.decide();
      Plan second = sc.state(first.state()).applied(first).at(T0.plusSeconds(30)).decide();

      assertThat(second.actions()).isEmpty();
      assertThat(second.state()).isEqualTo(first.state().withPhase(Phase.Succeeded));
      assertThat(second.rule()).isEqualTo(first.rule());
      assertThat(condition(second, Reasons.READY)).contains(true);
      assertThat(condition(second, Reasons.TRAFFIC_SYNCED)).contains(true);
      assertThat(condition(second, Reasons.PROGRESSING)).contains(false);
      assertThat(second.requeueAfter()).isEmpty();
    }

    @Test
    void aSettledVersionHoldsTheStableRole() {
      Plan p = cell().targetGroups(S, 2).decide();
      assertThat(p.weights()).extracting(Weights.Share::role).containsOnly(Weights.Role.STABLE);
    }
  }

  static Stream<Arguments> firstVersionSplits() {
    return Stream.of(
        Arguments.of(1, List.of(100)),
        Arguments.of(2, List.of(50, 50)),
        Arguments.of(3, List.of(34, 33, 33)),
        Arguments.of(4, List.of(25, 25, 25, 25)),
        Arguments.of(5, List.of(20, 20, 20, 20, 20)));
  }

  // ================================================================ which version

  @Nested
  class DesiredVersion {

    @Test
    void nothingStartsBeforeReplicasTargetGroupsExist() {
      Plan p = cell().replicas(2).targetGroups(S, 1).decide();

      assertThat(p.rule()).isEmpty();
      assertThat(p.actions()).isEmpty();
      assertThat(p.state().phase()).isEqualTo(Phase.Idle);
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.WAITING_FOR_TARGET_GROUPS);
      assertThat(p.message()).contains("1.0.0 x1");
    }

    @Test
    void nothingAtAllIsAWaitNotAnError() {
      Plan p = cell().decide();
      assertThat(p.rule()).isEmpty();
      assertThat(p.actions()).isEmpty();
      assertThat(p.state().phase()).isEqualTo(Phase.Idle);
      assertThat(p.message()).contains("found none");
    }

    @Test
    void anIncompleteNewerVersionDoesNotStart() {
      Plan p = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 1).stable(S).ruleForwardingTo(S).decide();

      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(p.actions()).isEmpty();
    }

    @Test
    void theNewerVersionStartsOnceItsLastGroupAppears() {
      Plan p = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).stable(S).ruleForwardingTo(S).decide();
      assertThat(p.state().desired()).contains(v(C));
      assertThat(p.state().rollingOut()).isTrue();
    }

    @Test
    void moreGroupsThanReplicasStillRollOut() {
      Plan p = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 3).stable(S).ruleForwardingTo(S).decide();

      assertThat(p.state().desired()).contains(v(C));
      assertThat(weightsByName(p)).containsExactlyInAnyOrderEntriesOf(Map.of(
          tgName(S, 0), 40, tgName(S, 1), 40, tgName(C, 0), 7, tgName(C, 1), 7, tgName(C, 2), 6));
    }

    @Test
    void theHighestVersionWinsAndSkippedVersionsStayOutOfTheRule() {
      Plan p = cell().readmeSteps().targetGroups(S, 1).targetGroups("1.1.0", 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S)
          .decide();

      assertThat(p.state().desired()).contains(v(C));
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 80, "2.0.0", 20));
    }

    @Test
    void versionsCompareAsSemverNotAsText() {
      Plan p = cell().readmeSteps().targetGroups("1.9.0", 1).targetGroups("1.10.0", 1).stable("1.9.0").ruleForwardingTo("1.9.0").decide();
      assertThat(p.state().desired()).contains(v("1.10.0"));
    }

    @Test
    void aPreReleaseIsNewerThanTheLastReleaseButOlderThanItsOwn() {
      CellScenario sc = cell().readmeSteps().targetGroups("1.9.0", 1).targetGroups("2.0.0-rc.1", 1).stable("1.9.0")
          .ruleForwardingTo("1.9.0");
      assertThat(sc.decide().state().desired()).contains(v("2.0.0-rc.1"));
      assertThat(sc.targetGroups(C, 1).decide().state().desired()).contains(v(C));
    }

    @Test
    void twoSpellingsOfOneVersionAreOneVersion() {
      Plan p = cell().replicas(2).targetGroup("web-a", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, "v1.0.0"))
          .targetGroup("web-b", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, "1.0.0")).decide();
      assertThat(weightsByName(p)).isEqualTo(Map.of("web-a", 50, "web-b", 50));
    }

    @Test
    void theVersionIsReadFromTheFirstNonEmptyVersionLabel() {
      Plan p = cell().versionLabels("app.kubernetes.io/version", CellDefinition.DEFAULT_VERSION_LABEL)
          .targetGroup("web-a", Map.of("app.kubernetes.io/version", "3.0.0", CellDefinition.DEFAULT_VERSION_LABEL, "1.0.0"))
          .targetGroup("web-b", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, "1.0.0"))
          .decide();
      assertThat(p.state().stable()).contains(v("3.0.0"));
      assertThat(weightsByName(p)).isEqualTo(Map.of("web-a", 100));
    }

    @Test
    void aBadVersionLabelIsReportedAndIgnoredWithoutBreakingTheOthers() {
      Plan p = cell().targetGroups(S, 2)
          .targetGroup("web-latest", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, "latest"))
          .targetGroup("web-unlabelled", Map.of("role", "web"))
          .targetGroupWithoutArn("web-noarn", "9.0.0")
          .decide();

      assertThat(weightsByName(p)).isEqualTo(Map.of(tgName(S, 0), 50, tgName(S, 1), 50));
      assertThat(p.rejected()).extracting(TargetGroupInventory.Rejected::name)
          .containsExactlyInAnyOrder("web-latest", "web-unlabelled", "web-noarn");
      assertThat(condition(p, Reasons.TARGET_GROUPS_VALID)).contains(false);
      assertThat(conditionReason(p, Reasons.TARGET_GROUPS_VALID)).isEqualTo(Reasons.SOME_IGNORED);
      assertThat(p.conditions()).filteredOn(c -> c.type().equals(Reasons.TARGET_GROUPS_VALID)).singleElement()
          .satisfies(c -> assertThat(c.message()).contains("web-latest").contains("latest"));
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
    }

    @Test
    void aBadVersionLabelMidRolloutIsReportedAndTheRolloutGoesOn() {
      Plan p = readmeRollout().targetGroup("web-junk", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, "v3")).decide();
      assertThat(p.state().desired()).contains(v(C));
      assertThat(weightOf(p, C)).isEqualTo(20);
      assertThat(p.rejected()).extracting(TargetGroupInventory.Rejected::name).containsExactly("web-junk");
      assertThat(condition(p, Reasons.TARGET_GROUPS_VALID)).contains(false);
    }

    @Test
    void aBadVersionLabelIsReportedWhileWaitingToo() {
      Plan p = cell().targetGroup("web-latest", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, "latest")).decide();
      assertThat(p.rule()).isEmpty();
      assertThat(p.rejected()).hasSize(1);
      assertThat(condition(p, Reasons.TARGET_GROUPS_VALID)).contains(false);
    }

    @Test
    void allValidTargetGroupsSaySo() {
      Plan p = cell().targetGroups(S, 1).decide();
      assertThat(condition(p, Reasons.TARGET_GROUPS_VALID)).contains(true);
      assertThat(p.rejected()).isEmpty();
    }
  }

  // ================================================================ spec.version

  @Nested
  class PinnedVersion {

    @Test
    void specVersionPinsTheDesiredVersionEvenWhenANewerOneExists() {
      Plan p = cell().pinned("1.1.0").readmeSteps().targetGroups(S, 1).targetGroups("1.1.0", 1).targetGroups(C, 1).stable(S)
          .ruleForwardingTo(S).decide();
      assertThat(p.state().desired()).contains(v("1.1.0"));
      assertThat(weightsByVersion(p)).as("higher than stable: through the steps").isEqualTo(Map.of("1.0.0", 80, "1.1.0", 20));
    }

    @Test
    void aPinnedStableVersionIgnoresNewerOnes() {
      Plan p = cell().pinned(S).readmeSteps().targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S).decide();
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(p.actions()).isEmpty();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
    }

    @Test
    void aPinnedVersionWithTooFewGroupsDoesNotStart() {
      Plan p = cell().pinned(C).replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 1).stable(S).ruleForwardingTo(S)
          .decide();
      assertThat(p.state().rollingOut()).isFalse();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.message()).contains("spec.version pins 2.0.0");
    }

    @Test
    void aPinnedVersionCanBeTheFirstVersion() {
      Plan p = cell().pinned(S).targetGroups(S, 1).targetGroups(C, 1).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
    }

    @Test
    void aPinLowerThanStableIsAnImmediateManualRollback() {
      Plan p = cell().pinned(S).readmeSteps().targetGroups(S, 1).targetGroups(C, 1).stable(C).ruleForwardingTo(C).decide();

      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
      assertThat(p.state().stable()).contains(v(S));
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.MANUAL_ROLLBACK);
      assertThat(actions(p, Action.StartAnalysis.class)).isEmpty();
      assertThat(actions(p, Action.BlockVersion.class)).as("a manual rollback blocks nothing").isEmpty();
    }

    @Test
    void aPinLowerThanStableMidRolloutRollsBackAtOnce() {
      Plan p = cell().pinned("0.9.0").readmeSteps().targetGroups("0.9.0", 1).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 2).ruleSplit(S, C, 20).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("0.9.0", 100));
      assertThat(p.state().stable()).contains(v("0.9.0"));
      assertThat(p.state().rollingOut()).isFalse();
    }
  }

  // ================================================================ setWeight

  @Nested
  class SetWeight {

    @Test
    void aRolloutStartsAtStepZeroAndAppliesItsWeights() {
      Plan p = readmeRollout().at(T0.plusSeconds(7)).decide();

      RolloutState s = p.state();
      assertThat(s.phase()).isEqualTo(Phase.Progressing);
      assertThat(s.stable()).contains(v(S));
      assertThat(s.desired()).contains(v(C));
      assertThat(s.stepIndex()).contains(0);
      assertThat(s.stepStartedAt()).contains(T0.plusSeconds(7));
      assertThat(s.rolloutId()).isPresent();
      assertThat(s.stepsHash()).contains(readmeRollout().definition().stepsHash());
      assertThat(weightsByName(p)).containsExactlyInAnyOrderEntriesOf(Map.of(
          tgName(S, 0), 40, tgName(S, 1), 40, tgName(C, 0), 10, tgName(C, 1), 10));
      assertThat(p.weights()).filteredOn(w -> w.role() == Weights.Role.CANARY).extracting(w -> w.group().version().canonical())
          .containsOnly("2.0.0");
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(p.requeueAfter()).contains(CellDecider.VERIFY_AFTER);
      assertThat(condition(p, Reasons.PROGRESSING)).contains(true);
      assertThat(condition(p, Reasons.READY)).contains(false);
    }

    @Test
    void aSetWeightStepCompletesOnlyOnceTheRuleShowsItsWeights() {
      CellScenario sc = readmeRollout().rollingOut(S, C, 0).ruleForwardingTo(S);
      Plan notYet = sc.decide();
      assertThat(notYet.state().stepIndex()).contains(0);
      assertThat(actions(notYet, Action.ApplyRule.class)).as("applied again until it shows").hasSize(1);
      assertThat(actions(notYet, Action.StartAnalysis.class)).isEmpty();

      Plan done = sc.ruleSplit(S, C, 20).at(T0.plusSeconds(3)).decide();
      assertThat(done.state().stepIndex()).as("on to the analysis").contains(1);
      assertThat(done.state().stepStartedAt()).contains(T0.plusSeconds(3));
      assertThat(actions(done, Action.ApplyRule.class)).isEmpty();
      assertThat(actions(done, Action.StartAnalysis.class)).hasSize(1);
    }

    @Test
    void aRuleWithTheRightWeightsButOtherConditionsDoesNotCompleteTheStep() {
      Plan p = readmeRollout().rollingOut(S, C, 0).ruleSplit(S, C, 20)
          .observedConditions(new co.mumo.okra.rule.RuleConditions(List.of("other.example.com"), null, null, null, null, null))
          .decide();
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
    }

    @ParameterizedTest(name = "{0} stable + {1} canary at {2}%")
    @MethodSource("co.mumo.okra.cell.CellDeciderTest#canarySplits")
    void canaryWeightsAreAbsoluteAndSplitEvenly(int stable, int canary, int percent, List<Integer> stableW, List<Integer> canaryW) {
      Plan p = cell().steps(setWeight(percent), pause()).targetGroups(S, stable).targetGroups(C, canary).stable(S)
          .ruleForwardingTo(S).decide();
      Map<String, Integer> w = weightsByName(p);
      for (int i = 0; i < stable; i++) assertThat(w.get(tgName(S, i))).as(tgName(S, i)).isEqualTo(stableW.get(i));
      for (int i = 0; i < canary; i++) assertThat(w.get(tgName(C, i))).as(tgName(C, i)).isEqualTo(canaryW.get(i));
      assertThat(weightOf(p, C)).isEqualTo(percent);
    }

    @Test
    void stepsBeforeTheFirstSetWeightKeepTheCanaryAtZero() {
      Plan p = cell().steps(analysis("smoke"), setWeight(50)).targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S)
          .decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100, "2.0.0", 0));
      assertThat(p.rule().orElseThrow().forwards()).hasSize(2);
      assertThat(actions(p, Action.StartAnalysis.class)).hasSize(1);
    }

    @Test
    void setWeight100KeepsTheStableGroupsInTheRuleUntilTheEnd() {
      Plan p = cell().steps(setWeight(100), pause()).targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 0, "2.0.0", 100));
      assertThat(p.state().stable()).contains(v(S));
    }

    @Test
    void consecutiveSetWeightsEachWaitForTheRule() {
      CellScenario sc = cell().steps(setWeight(10), setWeight(30), setWeight(60)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 0).ruleSplit(S, C, 10);
      Plan p = sc.decide();
      assertThat(p.state().stepIndex()).contains(1);
      assertThat(weightOf(p, C)).isEqualTo(30);
    }
  }

  static Stream<Arguments> canarySplits() {
    return Stream.of(
        Arguments.of(1, 1, 20, List.of(80), List.of(20)),
        Arguments.of(3, 2, 20, List.of(27, 27, 26), List.of(10, 10)),
        Arguments.of(2, 3, 20, List.of(40, 40), List.of(7, 7, 6)),
        Arguments.of(2, 2, 33, List.of(34, 33), List.of(17, 16)),
        Arguments.of(1, 4, 10, List.of(90), List.of(3, 3, 2, 2)),
        Arguments.of(4, 1, 50, List.of(13, 13, 12, 12), List.of(50)),
        Arguments.of(2, 2, 0, List.of(50, 50), List.of(0, 0)),
        Arguments.of(3, 2, 100, List.of(0, 0, 0), List.of(50, 50)));
  }

  // ================================================================ pause

  @Nested
  class Pause {

    CellScenario atPause() {
      return readmeRollout().rollingOut(S, C, 2, T0).ruleSplit(S, C, 20);
    }

    @ParameterizedTest(name = "{0}s after the pause started: waits {1}s more")
    @CsvSource({"0, 5", "1, 4", "4, 1"})
    void aTimedPauseWaitsFromWhenTheStepStarted(long elapsed, long left) {
      Plan p = atPause().at(T0.plusSeconds(elapsed)).decide();

      assertThat(p.state().stepIndex()).contains(2);
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.pauseEndsAt()).contains(T0.plusSeconds(5));
      assertThat(p.requeueAfter()).contains(Duration.ofSeconds(left));
      assertThat(p.actions()).isEmpty();
      assertThat(weightOf(p, C)).isEqualTo(20);
      // The same words at every second of the pause, so a pass while waiting writes nothing; the countdown is shown, not stored.
      assertThat(p.message()).endsWith("waiting until " + T0.plusSeconds(5)).isEqualTo(atPause().at(T0).decide().message());
    }

    @ParameterizedTest(name = "{0}s after the pause started: on to setWeight 40")
    @ValueSource(longs = {5, 6, 3600})
    void aTimedPauseEndsAtStartPlusDuration(long elapsed) {
      Plan p = atPause().at(T0.plusSeconds(elapsed)).decide();
      assertThat(p.state().stepIndex()).contains(3);
      assertThat(p.state().stepStartedAt()).contains(T0.plusSeconds(elapsed));
      assertThat(weightOf(p, C)).isEqualTo(40);
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
    }

    @Test
    void aPauseReachedInThisPassStartsNow() {
      // The analysis (step 1) passed; the pause begins at this pass's time, not at the rollout's start.
      Plan p = readmeRollout().rollingOut(S, C, 1, T0).ruleSplit(S, C, 20).stepRun(1, RunPhase.SUCCESSFUL)
          .at(T0.plusSeconds(600)).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(p.state().stepStartedAt()).contains(T0.plusSeconds(600));
      assertThat(p.pauseEndsAt()).contains(T0.plusSeconds(605));
    }

    @Test
    void aZeroPauseDoesNotWait() {
      Plan p = cell().steps(setWeight(10), pause("0s"), setWeight(20)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 0).ruleSplit(S, C, 10).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(weightOf(p, C)).isEqualTo(20);
    }

    @Test
    void anIndefinitePauseWaitsForAHuman() {
      Plan p = cell().steps(setWeight(10), pause(), setWeight(50)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).at(T0.plus(Duration.ofDays(3))).decide();

      assertThat(p.state().phase()).isEqualTo(Phase.Paused);
      assertThat(p.state().stepIndex()).contains(1);
      assertThat(conditionReason(p, Reasons.PROGRESSING)).isEqualTo(Reasons.PAUSED_FOR_PROMOTION);
      assertThat(condition(p, Reasons.PROGRESSING)).contains(true);
      assertThat(p.actions()).isEmpty();
      assertThat(p.requeueAfter()).isEmpty();
      assertThat(weightOf(p, C)).isEqualTo(10);
    }

    @Test
    void aPromotedIndefinitePauseGoesOn() {
      CellScenario sc = cell().steps(setWeight(10), pause(), setWeight(50)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).recordedPhase(Phase.Paused)
          .tweakState(s -> CellControl.promote(s, 3, false, T0.plusSeconds(30)));
      Plan p = sc.at(T0.plusSeconds(31)).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(weightOf(p, C)).isEqualTo(50);
    }

    @Test
    void pausedByUserHoldsEvenAnElapsedPause() {
      Plan p = atPause().pausedByUser().at(T0.plusSeconds(60)).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Paused);
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(conditionReason(p, Reasons.PROGRESSING)).isEqualTo(Reasons.PAUSED_BY_USER);
      assertThat(weightOf(p, C)).isEqualTo(20);
      assertThat(p.actions()).isEmpty();
    }

    @Test
    void pausedByUserStillRepairsTheRule() {
      Plan p = atPause().pausedByUser().ruleForwardingTo(S).previousWeights().decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Paused);
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(weightOf(p, C)).isEqualTo(20);
    }

    @Test
    void afterAResumeThePhaseIsProgressingAgain() {
      Plan p = readmeRollout().rollingOut(S, C, 0).pausedByUser().recordedPhase(Phase.Paused).tweakState(CellControl::resume).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().pausedByUser()).isFalse();
    }

    @Test
    void thePhaseIsDecidedAfreshEvenWhenPausedByUserIsClearedWithoutIt() {
      // pausedByUser cleared by something other than `cell resume` (e.g. a status edit): the recorded
      // phase is still the Paused of the last pass, but nothing waits for a human any more.
      Plan p = readmeRollout().rollingOut(S, C, 0).recordedPhase(Phase.Paused).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(p.state().rolloutId()).contains(CellScenario.ROLLOUT_ID);
    }

    @Test
    void afterAResumeATimedPauseIsProgressing() {
      Plan p = atPause().recordedPhase(Phase.Paused).at(T0.plusSeconds(1)).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().stepIndex()).contains(2);
    }
  }

  // ================================================================ analysis and experiment

  @Nested
  class Runs {

    CellScenario atAnalysis() {
      return readmeRollout().rollingOut(S, C, 1, T0).ruleSplit(S, C, 20);
    }

    String runName(int step) {
      return CellDecider.runName(CellScenario.NAME, CellScenario.ROLLOUT_ID, step);
    }

    @Test
    void anAnalysisStepStartsItsRunWhenNoneExists() {
      Plan p = atAnalysis().decide();

      assertThat(actions(p, Action.StartAnalysis.class)).singleElement().satisfies(a -> {
        assertThat(a.runName()).isEqualTo(runName(1)).isEqualTo("cell1-" + CellScenario.ROLLOUT_ID + "-step1");
        assertThat(a.stepIndex()).isEqualTo(1);
        assertThat(a.version()).isEqualTo(v(C));
        assertThat(a.analysis()).isEqualTo(analysis("success-rate"));
      });
      assertThat(p.state().stepIndex()).contains(1);
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.requeueAfter()).contains(CellDecider.POLL_RUN_EVERY);
      assertThat(weightOf(p, C)).isEqualTo(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PENDING", "RUNNING"})
    void aRunningAnalysisIsWaitedForAndNotStartedAgain(RunPhase phase) {
      Plan p = atAnalysis().stepRun(1, phase).decide();
      assertThat(p.actions()).isEmpty();
      assertThat(p.state().stepIndex()).contains(1);
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.requeueAfter()).contains(CellDecider.POLL_RUN_EVERY);
      assertThat(p.message()).contains(phase.argoName());
    }

    @Test
    void aMeasurementThatIsDueIsAnActionNotSomethingObservingDid() {
      Plan due = atAnalysis().stepRun(1, RunPhase.RUNNING, List.of(), T0).at(T0).decide();
      assertThat(actions(due, Action.EvaluateRun.class)).containsExactly(new Action.EvaluateRun(runName(1), false));

      Plan notYet = atAnalysis().stepRun(1, RunPhase.RUNNING, List.of(), T0.plusSeconds(30)).at(T0).decide();
      assertThat(notYet.actions()).as("nothing due: nothing to do, nothing to write").isEmpty();
    }

    @Test
    void aRunOkraJudgesThatTheRolloutLeftBehindIsEnded() {
      Plan p = atAnalysis().stepRun(1, RunPhase.RUNNING, List.of(), T0.plusSeconds(30)).at(T0)
          .leftoverOkraRun("cell1-0ld0ld00-step3", RunPhase.RUNNING).leftoverOkraRun("cell1-0ld0ld00-step1", RunPhase.SUCCESSFUL).decide();
      assertThat(actions(p, Action.EvaluateRun.class)).containsExactly(new Action.EvaluateRun("cell1-0ld0ld00-step3", true));
    }

    @Test
    void anInvalidCellMeasuresNothing() {
      Plan p = atAnalysis().stepRun(1, RunPhase.RUNNING, List.of(), T0).at(T0).referenceError("spec.x", "missing").decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Invalid);
      assertThat(p.actions()).isEmpty();
    }

    @Test
    void aRunOkraMeasuresIsLookedAtAgainWhenItsNextMeasurementIsDue() {
      MetricSummary latency = new MetricSummary("latency", RunPhase.RUNNING, 1, 1, 0, 0, 0, Optional.of("42"),
          Optional.of("result 42: successCondition \"result < 100\" is true"), Optional.empty());
      Plan soon = atAnalysis().stepRun(1, RunPhase.RUNNING, List.of(latency), T0.plusSeconds(3)).at(T0).decide();
      assertThat(soon.requeueAfter()).contains(Duration.ofSeconds(3));
      assertThat(soon.runs()).singleElement().satisfies(r -> {
        assertThat(r.name()).isEqualTo(runName(1));
        assertThat(r.metrics()).containsExactly(latency);
        assertThat(r.nextMeasurementAt()).contains(T0.plusSeconds(3));
      });
      // Overdue: look again at once. Far off: no longer than the usual poll.
      assertThat(atAnalysis().stepRun(1, RunPhase.RUNNING, List.of(), T0.minusSeconds(5)).at(T0).decide().requeueAfter())
          .contains(Duration.ZERO);
      assertThat(atAnalysis().stepRun(1, RunPhase.RUNNING, List.of(), T0.plusSeconds(600)).at(T0).decide().requeueAfter())
          .contains(CellDecider.POLL_RUN_EVERY);
    }

    @Test
    void thePlanReportsTheRunsItWaitedOnAndThoseThatPassed() {
      Plan p = atAnalysis().stepRun(1, RunPhase.SUCCESSFUL).at(T0.plusSeconds(20)).decide();
      assertThat(p.runs()).extracting(ChildRun::name, ChildRun::phase).containsExactly(tuple(runName(1), RunPhase.SUCCESSFUL));
      assertThat(readmeRollout().rollingOut(S, C, 0, T0).decide().runs()).isEmpty();
    }

    @Test
    void aSuccessfulAnalysisPasses() {
      Plan p = atAnalysis().stepRun(1, RunPhase.SUCCESSFUL).at(T0.plusSeconds(20)).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(p.state().stepStartedAt()).contains(T0.plusSeconds(20));
      assertThat(actions(p, Action.StartAnalysis.class)).isEmpty();
    }

    @Test
    void anInconclusiveAnalysisPausesForAHuman() {
      Plan p = atAnalysis().stepRun(1, RunPhase.INCONCLUSIVE).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Paused);
      assertThat(p.state().stepIndex()).contains(1);
      assertThat(conditionReason(p, Reasons.PROGRESSING)).isEqualTo(Reasons.ANALYSIS_INCONCLUSIVE);
      assertThat(actions(p, Action.BlockVersion.class)).isEmpty();
      assertThat(p.actions()).isEmpty();
      assertThat(weightOf(p, C)).isEqualTo(20);
    }

    @Test
    void aRunOfAnotherRolloutAttemptDoesNotCount() {
      Plan p = atAnalysis().run(CellDecider.runName(CellScenario.NAME, "0ther1d0", 1), RunPhase.SUCCESSFUL).decide();
      assertThat(p.state().stepIndex()).contains(1);
      assertThat(actions(p, Action.StartAnalysis.class)).hasSize(1);
    }

    @Test
    void anExperimentStepStartsAnExperiment() {
      Plan p = cell().steps(setWeight(10), experiment("baseline"), setWeight(50)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 1).ruleSplit(S, C, 10).decide();
      assertThat(actions(p, Action.StartExperiment.class)).singleElement().satisfies(a -> {
        assertThat(a.experimentName()).isEqualTo(runName(1));
        assertThat(a.stepIndex()).isEqualTo(1);
        assertThat(a.version()).isEqualTo(v(C));
        assertThat(a.experiment()).isEqualTo(experiment("baseline"));
      });
    }

    @Test
    void aSuccessfulExperimentPasses() {
      Plan p = cell().steps(setWeight(10), experiment("baseline"), setWeight(50)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 1).ruleSplit(S, C, 10).stepRun(1, RunPhase.SUCCESSFUL).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(weightOf(p, C)).isEqualTo(50);
    }

    @Test
    void anInconclusiveExperimentPausesForAHuman() {
      Plan p = cell().steps(setWeight(10), experiment("baseline"), setWeight(50)).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 1).ruleSplit(S, C, 10).stepRun(1, RunPhase.INCONCLUSIVE).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Paused);
    }
  }

  // ================================================================ background analysis

  @Nested
  class BackgroundAnalysis {

    CellScenario withBackgroundFrom(int startingStep) {
      return cell().steps(setWeight(10), pause("1m"), setWeight(30), pause("1m"), setWeight(60))
          .background(startingStep, "error-rate").targetGroups(S, 1).targetGroups(C, 1);
    }

    String bg() {
      return CellDecider.runName(CellScenario.NAME, CellScenario.ROLLOUT_ID, -1);
    }

    @Test
    void theBackgroundRunIsNotStartedBeforeItsStartingStep() {
      Plan p = withBackgroundFrom(2).rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).decide();
      assertThat(actions(p, Action.StartAnalysis.class)).isEmpty();
    }

    @Test
    void theBackgroundRunStartsAtItsStartingStep() {
      Plan p = withBackgroundFrom(2).rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).at(T0.plusSeconds(60)).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(actions(p, Action.StartAnalysis.class)).singleElement().satisfies(a -> {
        assertThat(a.runName()).isEqualTo(bg()).endsWith("-bg");
        assertThat(a.stepIndex()).isEqualTo(-1);
        assertThat(a.version()).isEqualTo(v(C));
        assertThat(a.analysis()).isEqualTo(analysis("error-rate"));
      });
    }

    @Test
    void fromStepZeroTheBackgroundRunStartsWithTheRollout() {
      Plan p = withBackgroundFrom(0).stable(S).ruleForwardingTo(S).decide();
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(actions(p, Action.StartAnalysis.class)).singleElement()
          .satisfies(a -> assertThat(a.stepIndex()).isEqualTo(-1));
    }

    @Test
    void theBackgroundRunIsStartedOnceEvenWhenAPassCrossesSeveralSteps() {
      Plan p = cell().steps(setWeight(10), pause("0s"), pause("0s"), pause()).background(0, "error-rate").targetGroups(S, 1)
          .targetGroups(C, 1).rollingOut(S, C, 0).ruleSplit(S, C, 10).decide();
      assertThat(p.state().stepIndex()).contains(3);
      assertThat(actions(p, Action.StartAnalysis.class)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PENDING", "RUNNING", "SUCCESSFUL"})
    void aHealthyBackgroundRunLetsTheStepsGoOn(RunPhase phase) {
      Plan p = withBackgroundFrom(0).rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).stepRun(-1, phase)
          .at(T0.plusSeconds(60)).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(actions(p, Action.StartAnalysis.class)).isEmpty();
    }

    @Test
    void anInconclusiveBackgroundRunPausesForAHuman() {
      Plan p = withBackgroundFrom(0).rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).stepRun(-1, RunPhase.INCONCLUSIVE)
          .at(T0.plusSeconds(60)).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Paused);
      assertThat(p.state().stepIndex()).contains(1);
      assertThat(conditionReason(p, Reasons.PROGRESSING)).isEqualTo(Reasons.BACKGROUND_INCONCLUSIVE);
    }

    @Test
    void promotingPastAnInconclusiveBackgroundRunGoesOnWithoutSkippingSteps() {
      CellScenario sc = cell().steps(setWeight(10), pause("1m"), setWeight(50), pause("1h")).background(0, "error-rate")
          .targetGroups(S, 1).targetGroups(C, 1).rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).stepRun(-1, RunPhase.INCONCLUSIVE);
      Plan paused = sc.decide();
      assertThat(paused.state().phase()).isEqualTo(Phase.Paused);

      assertThat(conditionReason(paused, Reasons.PROGRESSING)).isEqualTo(Reasons.BACKGROUND_INCONCLUSIVE);

      RolloutState promoted = CellControl.promote(paused.state(), 4, false, T0.plusSeconds(10),
          conditionReason(paused, Reasons.PROGRESSING));
      assertThat(promoted.stepIndex()).as("no step is skipped").contains(1);
      Plan afterPromote = sc.state(promoted).applied(paused).at(T0.plusSeconds(10)).decide();
      assertThat(afterPromote.state().phase()).as("the human said go on").isEqualTo(Phase.Progressing);
      assertThat(afterPromote.state().stepIndex()).as("the 1m pause now runs its course").contains(1);
      assertThat(afterPromote.message()).contains("pause 1m");
    }

    @Test
    void aBackgroundRunBeforeItsStartingStepIsNotLookedAt() {
      Plan p = withBackgroundFrom(3).rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).stepRun(-1, RunPhase.FAILED)
          .at(T0.plusSeconds(30)).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
    }
  }

  // ================================================================ the end of the steps

  @Nested
  class Completion {

    @Test
    void afterTheLastStepTheCanaryGetsEverythingAndBecomesStable() {
      Plan p = readmeRollout().rollingOut(S, C, 3).ruleSplit(S, C, 40).decide();

      assertThat(weightsByName(p)).isEqualTo(Map.of(tgName(C, 0), 50, tgName(C, 1), 50));
      assertThat(p.rule().orElseThrow().forwards()).as("old target groups leave the rule").hasSize(2);
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(p.state().stable()).contains(v(C));
      assertThat(p.state().desired()).contains(v(C));
      assertThat(p.state().stepIndex()).isEmpty();
      assertThat(p.state().rolloutId()).isEmpty();
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.ROLLOUT_COMPLETE);
      assertThat(condition(p, Reasons.READY)).as("not until the rule shows it").contains(false);
      assertThat(p.weights()).extracting(Weights.Share::role).containsOnly(Weights.Role.STABLE);
    }

    @Test
    void aRecordedStepIndexPastTheEndCompletes() {
      Plan p = readmeRollout().rollingOut(S, C, 4).ruleSplit(S, C, 40).decide();
      assertThat(p.state().stable()).contains(v(C));
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("2.0.0", 100));
    }

    @Test
    void withoutStepsALaterVersionGoesStraightTo100Percent() {
      Plan p = cell().targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S).decide();
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("2.0.0", 100));
      assertThat(p.state().stable()).contains(v(C));
    }

    @Test
    void aCompletedRolloutSucceedsAndIsReadyOnceTheRuleShowsIt() {
      CellScenario sc = readmeRollout().rollingOut(S, C, 3).ruleSplit(S, C, 40);
      Plan done = sc.decide();
      assertThat(done.state().phase()).isEqualTo(Phase.Promoting);
      Plan next = sc.state(done.state()).applied(done).decide();
      assertThat(next.actions()).isEmpty();
      assertThat(next.state().phase()).isEqualTo(Phase.Succeeded);
      assertThat(condition(next, Reasons.READY)).contains(true);
      assertThat(next.state()).isEqualTo(done.state().withPhase(Phase.Succeeded));
      assertThat(sc.state(next.state()).decide().state()).as("and stays so").isEqualTo(next.state());
    }
  }

  // ================================================================ restarts

  @Nested
  class Restarts {

    @Test
    void aNewerVersionMidRolloutRestartsTheRolloutForIt() {
      Plan p = readmeRollout().targetGroups("3.0.0", 2).rollingOut(S, C, 2, T0).ruleSplit(S, C, 20).at(T0.plusSeconds(2))
          .decide();

      assertThat(p.state().desired()).contains(v("3.0.0"));
      assertThat(p.state().stable()).as("the stable version stays").contains(v(S));
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(p.state().stepStartedAt()).contains(T0.plusSeconds(2));
      assertThat(p.state().rolloutId()).isPresent().isNotEqualTo(Optional.of(CellScenario.ROLLOUT_ID));
      assertThat(weightsByVersion(p)).as("the replaced canary leaves the rule").isEqualTo(Map.of("1.0.0", 80, "3.0.0", 20));
      assertThat(p.message()).contains("3.0.0").contains("replaces");
    }

    @Test
    void aChangedStepListRestartsTheStepsAtZero() {
      CellScenario sc = readmeRollout().rollingOut(S, C, 3, T0).ruleSplit(S, C, 40)
          .tweakState(s -> new RolloutState(s.phase(), s.stable(), s.desired(), s.stepIndex(), s.stepStartedAt(),
              Optional.of("0ld57ep5ha"), s.rolloutId(), s.pausedByUser(), s.abortRequested(), s.failure(), false));
      Plan p = sc.at(T0.plusSeconds(9)).decide();

      assertThat(p.state().stepIndex()).contains(0);
      assertThat(p.state().stepStartedAt()).contains(T0.plusSeconds(9));
      assertThat(p.state().stepsHash()).contains(sc.definition().stepsHash());
      assertThat(p.state().desired()).contains(v(C));
      assertThat(weightOf(p, C)).isEqualTo(20);
      assertThat(p.message()).contains("steps changed");
    }

    @Test
    void aChangedStepListDoesNotReuseTheRunsOfTheOldSteps() {
      // Step 1 was an analysis of the old step list that already passed; the new step 1 is another analysis.
      CellScenario sc = cell().steps(setWeight(10), analysis("latency")).targetGroups(S, 1).targetGroups(C, 1)
          .rollingOut(S, C, 1, T0).ruleSplit(S, C, 10).stepRun(1, RunPhase.SUCCESSFUL)
          .tweakState(s -> new RolloutState(s.phase(), s.stable(), s.desired(), s.stepIndex(), s.stepStartedAt(),
              Optional.of("0ld57ep5ha"), s.rolloutId(), s.pausedByUser(), s.abortRequested(), s.failure(), false));
      Plan p = sc.decide();

      assertThat(p.state().stepIndex()).contains(1);
      assertThat(actions(p, Action.StartAnalysis.class)).as("the new analysis runs").singleElement()
          .satisfies(a -> assertThat(a.analysis()).isEqualTo(analysis("latency")));
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
    }

    @Test
    void theSameStepListDoesNotRestart() {
      Plan p = readmeRollout().rollingOut(S, C, 2, T0).ruleSplit(S, C, 20).at(T0.plusSeconds(1)).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(p.state().rolloutId()).contains(CellScenario.ROLLOUT_ID);
      assertThat(p.state().stepStartedAt()).contains(T0);
    }
  }
}
