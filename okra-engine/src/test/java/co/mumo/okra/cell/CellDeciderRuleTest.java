package co.mumo.okra.cell;

import static co.mumo.okra.testsupport.CellScenario.T0;
import static co.mumo.okra.testsupport.CellScenario.actions;
import static co.mumo.okra.testsupport.CellScenario.cell;
import static co.mumo.okra.testsupport.CellScenario.condition;
import static co.mumo.okra.testsupport.CellScenario.conditionReason;
import static co.mumo.okra.testsupport.CellScenario.setWeight;
import static co.mumo.okra.testsupport.CellScenario.tgName;
import static co.mumo.okra.testsupport.CellScenario.weightOf;
import static co.mumo.okra.testsupport.CellScenario.weightsByVersion;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.Version;
import co.mumo.okra.policy.AnalysisPolicy;
import co.mumo.okra.policy.DiscoveryPolicy;
import co.mumo.okra.policy.ListenerGrant;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.policy.PriorityRange;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.testsupport.CellScenario;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The listener rule: ownership, adoption, ALB's limits, drift and invalid Cells. */
class CellDeciderRuleTest {
  static final String S = "1.0.0";
  static final String C = "2.0.0";
  static final String PRIORITY = "spec.ingress.awsApplicationLoadBalancer.listener.rule.priority";
  static final String SELECTOR = "spec.ingress.awsApplicationLoadBalancer.targetGroupSelector";

  static Version v(String s) {
    return Version.parse(s);
  }

  static void assertInvalid(Plan p, String reason, String path) {
    assertThat(p.state().phase()).isEqualTo(Phase.Invalid);
    assertThat(p.actions()).isEmpty();
    assertThat(p.rule()).isEmpty();
    assertThat(p.errors()).extracting(FieldError::path).contains(path);
    assertThat(condition(p, Reasons.READY)).contains(false);
    assertThat(condition(p, Reasons.SPEC_VALID)).contains(false);
    assertThat(conditionReason(p, Reasons.SPEC_VALID)).isEqualTo(reason);
    assertThat(p.message()).contains(path);
  }

  // ================================================================ ownership

  @Nested
  class Ownership {

    @Test
    void aRuleOwnedByAnotherCellIsAConflictNotATakeover() {
      Plan p = cell().targetGroups(S, 1).observedWeights("arn:other", 100).ruleOwnedBy("default/other").decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
      assertThat(p.message()).contains("default/other");
    }

    @Test
    void aRuleOwnedByTheSameNameInAnotherNamespaceIsAConflict() {
      Plan p = cell().targetGroups(S, 1).observedWeights("arn:other", 100).ruleOwnedBy("staging/cell1").decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
    }

    @Test
    void aConflictMidRolloutChangesNothingAtAll() {
      Plan p = cell().steps(setWeight(20)).targetGroups(S, 1).targetGroups(C, 1).rollingOut(S, C, 0)
          .observedWeights("arn:other", 100).ruleOwnedBy("default/other").decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(p.state().desired()).contains(v(C));
    }

    @Test
    void aConflictDoesNotEvenCompleteAPendingBlocklistEntry() {
      Plan p = cell().targetGroups(S, 1).targetGroups(C, 1).failed(S, C, "x", false)
          .observedWeights("arn:other", 100).ruleOwnedBy("default/other").decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
    }

    @Test
    void anUntaggedRuleIsAConflictWithoutTheAdoptAnnotation() {
      Plan p = cell().targetGroups(S, 1).observedWeights("arn:legacy", 100).untaggedRule().decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
      assertThat(p.message()).contains(CellValidator.ADOPT_ANNOTATION);
    }

    @Test
    void theAdoptAnnotationAloneAdoptsNothing() {
      // The annotation is the Cell author's wish; only the runner's owner can allow taking a rule over.
      Plan p = cell().adoptUnownedRule().targetGroups(S, 1).observedWeights("arn:legacy", 100).untaggedRule().decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, "metadata.annotations[" + CellValidator.ADOPT_ANNOTATION + "]");
      assertThat(p.message()).contains("adoptRules");
    }

    @Test
    void anUntaggedRuleIsAdoptedWithTheAnnotationWhereThePolicyAllowsIt() {
      Plan p = cell().adoptUnownedRule().policyAllowsAdoption().targetGroups(S, 1).observedWeights("arn:legacy", 100).untaggedRule().decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(actions(p, Action.ApplyRule.class)).singleElement()
          .satisfies(a -> assertThat(a.rule().owner()).isEqualTo(CellScenario.KEY));
    }

    @Test
    void anAdoptedRuleThatAlreadyMatchesStillGetsTheOwnershipTag() {
      Plan p = cell().adoptUnownedRule().policyAllowsAdoption().targetGroups(S, 1).stable(S).ruleForwardingTo(S).untaggedRule().decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(actions(p, Action.ApplyRule.class)).as("the tag is written once").singleElement()
          .satisfies(a -> assertThat(a.rule().owner()).isEqualTo(CellScenario.KEY));
    }

    @Test
    void theAdoptAnnotationDoesNotTakeARuleFromAnotherCell() {
      Plan p = cell().adoptUnownedRule().policyAllowsAdoption().targetGroups(S, 1).observedWeights("arn:other", 100).ruleOwnedBy("default/other")
          .decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
    }

    @Test
    void theDefaultRuleIsNeverTouched() {
      Plan p = cell().adoptUnownedRule().targetGroups(S, 1).observedWeights("arn:default", 100).defaultRule().decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
    }

    @Test
    void noRuleYetIsCreated() {
      Plan p = cell().targetGroups(S, 1).decide();
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(condition(p, Reasons.TRAFFIC_SYNCED)).contains(false);
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.APPLYING);
    }
  }

  // ================================================================ the owner policy and shadowing

  static RuleConditions hosts(String... hosts) {
    return new RuleConditions(List.of(hosts), null, null, null, null, null);
  }

  static OwnerPolicy grant(String namespaces, String priorities, boolean allowShadowing) {
    return new OwnerPolicy("policy p.yaml", Optional.of(List.of(new ListenerGrant("arn:aws:elasticloadbalancing:*",
        List.of(namespaces), List.of(PriorityRange.parse(priorities)), false, allowShadowing))), AnalysisPolicy.DEFAULT, DiscoveryPolicy.DEFAULT);
  }

  @Nested
  class PlacementOnTheListener {
    static final String RULE = "spec.ingress.awsApplicationLoadBalancer.listener.rule";
    static final String LISTENER = "spec.ingress.awsApplicationLoadBalancer.listenerARN";

    @Test
    void aNewRuleInFrontOfAnotherCellsRuleForTheSameHostIsRefused() {
      Plan p = cell().priority(5).targetGroups(S, 1).otherRule(20, Optional.of("team-a/web"), hosts("example.com")).decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, RULE);
      assertThat(p.message()).contains("Cell team-a/web", "priority 20", "host example.com", "above 20");
    }

    @Test
    void aWildcardHostThatCoversAnotherCellsHostIsRefused() {
      Plan p = cell().priority(5).conditions(hosts("*.example.com")).targetGroups(S, 1)
          .otherRule(20, Optional.of("team-a/api"), hosts("api.example.com")).decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, RULE);
    }

    @Test
    void aRuleWithoutAHostConditionCoversEveryHost() {
      RuleConditions pathOnly = new RuleConditions(null, List.of("/api/*"), null, null, null, null);
      Plan p = cell().priority(5).conditions(pathOnly).targetGroups(S, 1).otherRule(20, Optional.of("team-a/web"), hosts("a.example.com"))
          .decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, RULE);
    }

    @Test
    void anUnmanagedRuleIsProtectedToo() {
      Plan p = cell().priority(5).targetGroups(S, 1).otherRule(20, Optional.empty(), hosts("EXAMPLE.com")).decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, RULE);
      assertThat(p.message()).contains("no Okra Cell");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"a different host, other.example.com, 20", "behind the other rule, example.com, 1"})
    void rulesThatTakeNoTrafficFromTheOtherAreAllowed(String why, String host, int otherPriority) {
      Plan p = cell().priority(5).targetGroups(S, 1).otherRule(otherPriority, Optional.of("team-a/web"), hosts(host)).decide();
      assertThat(p.state().phase()).as(why).isEqualTo(Phase.Promoting);
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
    }

    @Test
    void aRuleAlreadyInPlaceKeepsItsPlaceWhenANewcomerSitsBehindIt() {
      // Otherwise a newcomer could make an existing Cell Invalid just by putting an overlapping rule behind it.
      Plan p = cell().priority(5).targetGroups(S, 2).stable(S).ruleForwardingTo(S)
          .otherRule(20, Optional.of("team-b/newcomer"), hosts("example.com")).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Succeeded);
      assertThat(p.actions()).isEmpty();
    }

    @Test
    void changingTheConditionsOfARuleInPlaceIsCheckedAgain() {
      Plan p = cell().priority(5).conditions(hosts("example.com", "other.example.com")).targetGroups(S, 2).stable(S).ruleForwardingTo(S)
          .observedConditions(hosts("example.com")).otherRule(20, Optional.of("team-b/other"), hosts("other.example.com")).decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, RULE);
    }

    @Test
    void theOwnerCanAllowShadowingOnAListener() {
      Plan p = cell().priority(5).policy(grant("*", "1-100", true)).targetGroups(S, 1)
          .otherRule(20, Optional.of("team-a/web"), hosts("example.com")).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
    }

    @Test
    void aNamespaceThePolicyDoesNotNameGetsNoRule() {
      Plan p = cell().named("team-b", "web").policy(grant("team-a", "1-100", false)).targetGroups(S, 1).decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, LISTENER);
      assertThat(p.message()).contains("policy p.yaml", "namespace team-b");
    }

    @Test
    void aPriorityOutsideTheNamespacesRangeIsRefused() {
      Plan p = cell().priority(5).policy(grant("*", "100-199", false)).targetGroups(S, 1).decide();
      assertInvalid(p, Reasons.RULE_CONFLICT, PRIORITY);
      assertThat(p.message()).contains("100-199");
    }
  }

  // ================================================================ reference errors

  @Nested
  class References {

    @Test
    void aMissingReferenceMakesTheCellInvalidAndChangesNothing() {
      Plan p = cell().readmeSteps().targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S)
          .referenceError("spec.updateStrategy.canary.steps[1].analysis.templates[0].templateName",
              "AnalysisTemplate success-rate not found").decide();
      assertInvalid(p, Reasons.INVALID_SPEC, "spec.updateStrategy.canary.steps[1].analysis.templates[0].templateName");
      assertThat(p.message()).contains("success-rate not found");
    }

    @Test
    void aRolloutInterruptedByAnInvalidPassResumesWhereItWas() {
      CellScenario sc = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).rollingOut(S, C, 2, T0)
          .ruleSplit(S, C, 20).referenceError("spec.updateStrategy.canary.steps[1].analysis.templates[0].templateName", "gone");
      Plan invalid = sc.decide();
      assertThat(invalid.state().phase()).isEqualTo(Phase.Invalid);

      CellScenario fixed = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).state(invalid.state())
          .ruleSplit(S, C, 20).at(T0.plusSeconds(2));
      Plan p = fixed.decide();
      assertThat(p.state().stepIndex()).as("no step is applied twice").contains(2);
      assertThat(p.state().rolloutId()).contains(CellScenario.ROLLOUT_ID);
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.actions()).isEmpty();
    }
  }

  // ================================================================ ALB's limit of five

  @Nested
  class TooManyTargetGroups {

    @ParameterizedTest(name = "{0} stable + {1} canary")
    @CsvSource({"3, 3", "1, 5", "4, 2", "5, 1"})
    void moreThanFiveInOneForwardIsAClearErrorAndNoRuleChange(int stable, int canary) {
      Plan p = cell().readmeSteps().targetGroups(S, stable).targetGroups(C, canary).stable(S).ruleForwardingTo(S).decide();
      assertInvalid(p, Reasons.TOO_MANY_TARGET_GROUPS, SELECTOR);
      assertThat(p.message()).contains("5");
    }

    @Test
    void moreThanFiveGroupsOfTheFirstVersionIsAClearErrorAndNoRuleChange() {
      Plan p = cell().targetGroups(S, 6).decide();
      assertInvalid(p, Reasons.TOO_MANY_TARGET_GROUPS, SELECTOR);
    }

    @Test
    void moreThanFiveGroupsOfANewVersionWithoutStepsIsAClearErrorAndNoRuleChange() {
      Plan p = cell().targetGroups(S, 1).targetGroups(C, 6).stable(S).ruleForwardingTo(S).decide();
      assertInvalid(p, Reasons.TOO_MANY_TARGET_GROUPS, SELECTOR);
    }

    @Test
    void moreThanFiveGroupsOfTheSettledStableIsAClearErrorAndNoRuleChange() {
      Plan p = cell().targetGroups(S, 5).stable(S).ruleForwardingTo(S).targetGroup("tg-1.0.0-f",
          Map.of(CellDefinition.DEFAULT_VERSION_LABEL, S)).decide();
      assertInvalid(p, Reasons.TOO_MANY_TARGET_GROUPS, SELECTOR);
    }

    @Test
    void exactlyFiveIsFine() {
      Plan p = cell().readmeSteps().targetGroups(S, 2).targetGroups(C, 3).stable(S).ruleForwardingTo(S).decide();
      assertThat(p.rule().orElseThrow().forwards()).hasSize(5);
      assertThat(weightOf(p, C)).isEqualTo(20);
    }

    @Test
    void aSixthGroupMidRolloutStopsChangesUntilRemovedThenResumes() {
      CellScenario sc = cell().readmeSteps().targetGroups(S, 2).targetGroups(C, 3).rollingOut(S, C, 2, T0).ruleSplit(S, C, 20);
      Plan crowded = sc.targetGroup("tg-2.0.0-d", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, C)).decide();
      assertInvalid(crowded, Reasons.TOO_MANY_TARGET_GROUPS, SELECTOR);

      Plan p = sc.withoutTargetGroup("tg-2.0.0-d").state(crowded.state()).at(T0.plusSeconds(1)).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
    }
  }

  // ================================================================ drift

  @Nested
  class Drift {

    @Test
    void aChangedRuleOnASettledCellIsReappliedAsDrift() {
      Plan p = cell().targetGroups(S, 2).stable(S).ruleForwardingTo(S)
          .observedWeights(tgName(S, 0), 90, tgName(S, 1), 10).decide();

      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(condition(p, Reasons.TRAFFIC_SYNCED)).contains(false);
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.DRIFT);
      assertThat(condition(p, Reasons.READY)).contains(false);
      assertThat(p.conditions()).filteredOn(c -> c.type().equals(Reasons.TRAFFIC_SYNCED)).singleElement()
          .satisfies(c -> assertThat(c.message()).contains(tgName(S, 0) + "=90").contains(tgName(S, 0) + "=50"));
      assertThat(p.requeueAfter()).contains(CellDecider.VERIFY_AFTER);
    }

    @Test
    void aTargetGroupAddedByHandIsDrift() {
      Plan p = cell().targetGroups(S, 1).stable(S).ruleForwardingTo(S)
          .observedWeights(tgName(S, 0), 50, "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/manual/1", 50)
          .decide();
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.DRIFT);
      assertThat(weightsByVersion(p)).isEqualTo(Map.of("1.0.0", 100));
    }

    @Test
    void changedConditionsAreDrift() {
      Plan p = cell().targetGroups(S, 1).stable(S).ruleForwardingTo(S)
          .observedConditions(new RuleConditions(List.of("evil.example.com"), null, null, null, null, null)).decide();
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.DRIFT);
    }

    @Test
    void driftDuringAPauseIsRepairedWithoutMovingTheSteps() {
      Plan p = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).rollingOut(S, C, 2, T0)
          .ruleSplit(S, C, 20).observedWeights(tgName(S, 0), 50, tgName(S, 1), 50).at(T0.plusSeconds(1)).decide();

      assertThat(weightOf(p, C)).isEqualTo(20);
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.DRIFT);
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(p.state().stepStartedAt()).contains(T0);
    }

    @Test
    void aHandEditOnThePassThatMovesToTheNextStepIsStillDrift() {
      // The Cell wanted 80/20 (previous pass); someone set 100/0 by hand; this pass moves on to 60/40.
      Plan p = cell().steps(setWeight(20), setWeight(40)).targetGroups(S, 1).targetGroups(C, 1).rollingOut(S, C, 1)
          .observedWeights(tgName(S, 0), 100, tgName(C, 0), 0).previousWeights(tgName(S, 0), 80, tgName(C, 0), 20).decide();
      assertThat(weightOf(p, C)).isEqualTo(40);
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.DRIFT);
    }

    @Test
    void withNothingWantedBeforeADifferentRuleIsApplyingNotDrift() {
      Plan p = cell().adoptUnownedRule().policyAllowsAdoption().targetGroups(S, 1).observedWeights("arn:legacy", 100).untaggedRule().decide();
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.APPLYING);
    }

    @Test
    void aNewStepsWeightsAreApplyingNotDrift() {
      Plan p = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).stable(S).ruleForwardingTo(S).decide();
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.APPLYING);
    }

    @Test
    void aRuleThatMatchesIsSynced() {
      Plan p = cell().targetGroups(S, 2).stable(S).ruleForwardingTo(S).decide();
      assertThat(p.actions()).isEmpty();
      assertThat(condition(p, Reasons.TRAFFIC_SYNCED)).contains(true);
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.SYNCED);
    }

    @Test
    void theOrderOfForwardsAndOfConditionValuesDoesNotMatter() {
      Plan p = cell().conditions(new RuleConditions(List.of("a.example.com", "b.example.com"), null, null, null, null, null))
          .targetGroups(S, 2).stable(S)
          .observedWeights(tgName(S, 1), 50, tgName(S, 0), 50).previousWeights(tgName(S, 0), 50, tgName(S, 1), 50)
          .observedConditions(new RuleConditions(List.of("b.example.com", "a.example.com"), null, null, null, null, null))
          .decide();
      assertThat(p.actions()).isEmpty();
      assertThat(condition(p, Reasons.TRAFFIC_SYNCED)).contains(true);
    }
  }
}
