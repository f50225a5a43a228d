package co.mumo.okra.cell;

import static co.mumo.okra.testsupport.CellScenario.CONDITIONS;
import static co.mumo.okra.testsupport.CellScenario.KEY;
import static co.mumo.okra.testsupport.CellScenario.T0;
import static co.mumo.okra.testsupport.CellScenario.actions;
import static co.mumo.okra.testsupport.CellScenario.analysis;
import static co.mumo.okra.testsupport.CellScenario.arn;
import static co.mumo.okra.testsupport.CellScenario.cell;
import static co.mumo.okra.testsupport.CellScenario.condition;
import static co.mumo.okra.testsupport.CellScenario.conditionReason;
import static co.mumo.okra.testsupport.CellScenario.pause;
import static co.mumo.okra.testsupport.CellScenario.removeHeaderRoute;
import static co.mumo.okra.testsupport.CellScenario.setHeaderRoute;
import static co.mumo.okra.testsupport.CellScenario.setWeight;
import static co.mumo.okra.testsupport.CellScenario.tgName;
import static co.mumo.okra.testsupport.CellScenario.weightsByVersion;
import static co.mumo.okra.testsupport.CellScenario.withHeader;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.policy.AnalysisPolicy;
import co.mumo.okra.policy.DiscoveryPolicy;
import co.mumo.okra.policy.ListenerGrant;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.policy.PriorityRange;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.TargetWeight;
import co.mumo.okra.testsupport.CellScenario;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * setHeaderRoute: a second rule, in front of the Cell's, that sends the requests carrying a header to the
 * canary alone; created by its step, kept while the rollout lasts, removed by a step without match and
 * whenever the rollout ends (success, rollback, abort, fall-back, a newer version).
 */
class CellDeciderHeaderRouteTest {
  static final String S = "1.0.0";
  static final String C = "2.0.0";
  static final String ROUTE = "tester";
  static final int ROUTE_PRIORITY = 5;
  static final String HEADER = "X-Okra-Preview";
  static final RuleConditions ROUTE_CONDITIONS = withHeader(CONDITIONS, HEADER, "yes");

  /** 1.0.0 stable on the ALB, 2.0.0 complete: the next pass starts a rollout whose first step sets the route. */
  static CellScenario rolloutStarting(Step... steps) {
    return cell().managedRoute(ROUTE, ROUTE_PRIORITY).steps(steps).targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S);
  }

  /** At {@code step} of the rollout of 2.0.0 with the canary at {@code percent}, the route's rule on the ALB. */
  static CellScenario rollingOutWithRoute(int step, int percent, Step... steps) {
    return cell().managedRoute(ROUTE, ROUTE_PRIORITY).steps(steps).targetGroups(S, 1).targetGroups(C, 1).rollingOut(S, C, step)
        .ruleSplit(S, C, percent).headerRuleOnAlb(ROUTE, ROUTE_PRIORITY, ROUTE_CONDITIONS, tgName(C, 0), 100);
  }

  static Step[] previewSteps() {
    return new Step[] {setHeaderRoute(ROUTE, HEADER, "yes"), setWeight(20), analysis("success-rate"), setWeight(50)};
  }

  static Action.RemoveHeaderRule removal(Plan p) {
    return actions(p, Action.RemoveHeaderRule.class).stream().reduce((a, b) -> {
      throw new AssertionError("more than one removal: " + p.actions());
    }).orElseThrow(() -> new AssertionError("no removal in " + p.actions()));
  }

  @Nested
  class Setting {

    @Test
    void theStepCreatesARuleInFrontOfTheCellsForwardingToTheCanaryAlone() {
      Plan p = rolloutStarting(previewSteps()).decide();

      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(p.state().stepIndex()).contains(0);
      Action.ApplyHeaderRule create = actions(p, Action.ApplyHeaderRule.class).get(0);
      assertThat(actions(p, Action.ApplyHeaderRule.class)).hasSize(1);
      DesiredRule r = create.rule();
      assertThat(r.priority()).isEqualTo(ROUTE_PRIORITY);
      assertThat(r.route()).contains(ROUTE);
      assertThat(r.owner()).isEqualTo(KEY);
      assertThat(r.conditions().sameAs(ROUTE_CONDITIONS)).as("the Cell's conditions plus the header: " + r.conditions()).isTrue();
      assertThat(r.forwards()).containsExactly(new TargetWeight(arn(tgName(C, 0)), 100));
      assertThat(weightsByVersion(p)).as("the Cell's rule: the canary joins at 0%").isEqualTo(Map.of(S, 100, C, 0));
      assertThat(p.message()).contains("X-Okra-Preview: yes", "header route tester", "priority 5");
      assertThat(p.headerRules()).singleElement().satisfies(h -> assertThat(h.step()).isZero());
      assertThat(p.requeueAfter()).contains(CellDecider.VERIFY_AFTER);
    }

    @Test
    void onceTheRuleIsThereTheStepIsDoneAndTheRuleStays() {
      CellScenario sc = rolloutStarting(previewSteps());
      Plan created = sc.decide();
      Plan next = sc.state(created.state()).applied(created).headerRulesApplied(created).at(T0.plusSeconds(2)).decide();

      assertThat(next.state().stepIndex()).as("on to setWeight 20").contains(1);
      assertThat(weightsByVersion(next)).isEqualTo(Map.of(S, 80, C, 20));
      assertThat(actions(next, Action.ApplyHeaderRule.class)).isEmpty();
      assertThat(actions(next, Action.RemoveHeaderRule.class)).isEmpty();
      assertThat(next.headerRules()).as("still wanted").hasSize(1);
    }

    @Test
    void withTwoCanaryTargetGroupsTheRuleSplitsAsTheCanarysShareDoes() {
      Plan p = cell().managedRoute(ROUTE, ROUTE_PRIORITY).replicas(2).steps(previewSteps()).targetGroups(S, 2).targetGroups(C, 2).stable(S)
          .ruleForwardingTo(S).decide();
      assertThat(actions(p, Action.ApplyHeaderRule.class).get(0).rule().forwards())
          .containsExactlyInAnyOrder(new TargetWeight(arn(tgName(C, 0)), 50), new TargetWeight(arn(tgName(C, 1)), 50));
    }

    @Test
    void aRuleThatDriftedIsPutBack() {
      Plan p = rollingOutWithRoute(1, 20, previewSteps()).headerRuleOnAlb(ROUTE, ROUTE_PRIORITY, ROUTE_CONDITIONS, tgName(S, 0), 100)
          .decide();
      assertThat(actions(p, Action.ApplyHeaderRule.class)).singleElement()
          .satisfies(a -> assertThat(a.rule().forwards()).containsExactly(new TargetWeight(arn(tgName(C, 0)), 100)));
      assertThat(conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.APPLYING);
      assertThat(p.state().stepIndex()).as("the step it belongs to is long done: on to the analysis").contains(2);
    }

    @Test
    void aPauseKeepsTheRouteAndWritesNothing() {
      Plan p = rollingOutWithRoute(1, 0, setHeaderRoute(ROUTE, HEADER, "yes"), pause()).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Paused);
      assertThat(p.actions()).isEmpty();
      assertThat(condition(p, Reasons.TRAFFIC_SYNCED)).contains(true);
      assertThat(p.headerRules()).hasSize(1);
    }

    @Test
    void aRouteSetAgainWithOtherHeadersIsChangedInPlace() {
      Plan p = rollingOutWithRoute(1, 20, setHeaderRoute(ROUTE, HEADER, "yes"), setWeight(20), setHeaderRoute(ROUTE, HEADER, "beta*"),
          setWeight(40)).decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(actions(p, Action.ApplyHeaderRule.class)).singleElement()
          .satisfies(a -> assertThat(a.rule().conditions().headers()).containsEntry(HEADER, List.of("beta*")));
      assertThat(actions(p, Action.RemoveHeaderRule.class)).isEmpty();
    }

    @Test
    void aRouteMovedToAnotherPriorityLeavesTheOldOneAndComesAtTheNew() {
      Plan p = cell().managedRoute(ROUTE, 7).steps(previewSteps()).targetGroups(S, 1).targetGroups(C, 1).rollingOut(S, C, 1)
          .ruleSplit(S, C, 20).headerRuleOnAlb(ROUTE, ROUTE_PRIORITY, ROUTE_CONDITIONS, tgName(C, 0), 100).decide();
      assertThat(removal(p).rule().priority()).isEqualTo(ROUTE_PRIORITY);
      assertThat(actions(p, Action.ApplyHeaderRule.class)).singleElement().satisfies(a -> assertThat(a.rule().priority()).isEqualTo(7));
    }
  }

  @Nested
  class Removing {

    @Test
    void aStepWithoutMatchRemovesTheRouteAndIsDoneOnceItIsGone() {
      CellScenario sc = rollingOutWithRoute(2, 20, setHeaderRoute(ROUTE, HEADER, "yes"), setWeight(20), removeHeaderRoute(ROUTE),
          setWeight(50));
      Plan p = sc.decide();
      assertThat(p.state().stepIndex()).contains(2);
      assertThat(removal(p).route()).isEqualTo(ROUTE);
      assertThat(p.headerRules()).isEmpty();
      assertThat(p.message()).contains("removing header route tester");

      Plan next = sc.state(p.state()).headerRulesApplied(p).at(T0.plusSeconds(2)).decide();
      assertThat(next.state().stepIndex()).contains(3);
      assertThat(weightsByVersion(next)).isEqualTo(Map.of(S, 50, C, 50));
      assertThat(actions(next, Action.RemoveHeaderRule.class)).isEmpty();
    }

    @Test
    void theLastStepPassedRemovesItWithThePromotionAndSucceededWaitsForBoth() {
      CellScenario sc = rollingOutWithRoute(3, 50, previewSteps()).stepRun(2, RunPhase.SUCCESSFUL);
      Plan p = sc.decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(removal(p).route()).isEqualTo(ROUTE);
      assertThat(actions(p, Action.ApplyRule.class)).hasSize(1);

      // The Cell's rule carries 2.0.0 alone, the route's rule is still there: not Succeeded yet.
      Plan half = cell().managedRoute(ROUTE, ROUTE_PRIORITY).steps(previewSteps()).targetGroups(S, 1).targetGroups(C, 1)
          .state(p.state()).applied(p).headerRuleOnAlb(ROUTE, ROUTE_PRIORITY, ROUTE_CONDITIONS, tgName(C, 0), 100).decide();
      assertThat(half.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(removal(half).route()).isEqualTo(ROUTE);
      assertThat(conditionReason(half, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.APPLYING);

      Plan done = cell().managedRoute(ROUTE, ROUTE_PRIORITY).steps(previewSteps()).targetGroups(S, 1).targetGroups(C, 1)
          .state(p.state()).applied(p).decide();
      assertThat(done.state().phase()).isEqualTo(Phase.Succeeded);
      assertThat(done.actions()).isEmpty();
      assertThat(condition(done, Reasons.READY)).contains(true);
    }

    @Test
    void aFailedAnalysisRollsBackAndRemovesIt() {
      Plan p = rollingOutWithRoute(2, 20, previewSteps()).stepRun(2, RunPhase.FAILED).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.RollingBack);
      assertThat(removal(p).route()).isEqualTo(ROUTE);
      assertThat(weightsByVersion(p)).isEqualTo(Map.of(S, 100));
      assertThat(actions(p, Action.BlockVersion.class)).hasSize(1);
    }

    @Test
    void failedIsOnlySaidOnceTheRouteIsGoneToo() {
      Plan p = cell().managedRoute(ROUTE, ROUTE_PRIORITY).steps(previewSteps()).targetGroups(S, 1).targetGroups(C, 1)
          .failed(S, C, "analysis failed", true).blocked(C, "analysis failed").ruleForwardingTo(S)
          .headerRuleOnAlb(ROUTE, ROUTE_PRIORITY, ROUTE_CONDITIONS, tgName(C, 0), 100).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.RollingBack);
      assertThat(removal(p).route()).isEqualTo(ROUTE);
    }

    @Test
    void anAbortRemovesIt() {
      Plan p = rollingOutWithRoute(1, 20, previewSteps()).abortRequested("bad preview").decide();
      assertThat(p.state().phase()).isEqualTo(Phase.RollingBack);
      assertThat(removal(p).route()).isEqualTo(ROUTE);
    }

    @Test
    void aFallBackRemovesItWithTheRulesChange() {
      Plan p = rollingOutWithRoute(1, 20, previewSteps()).withoutTargetGroups(C).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Promoting);
      assertThat(conditionReason(p, Reasons.READY)).isEqualTo(Reasons.FELL_BACK);
      assertThat(removal(p).route()).isEqualTo(ROUTE);
      assertThat(weightsByVersion(p)).isEqualTo(Map.of(S, 100));
    }

    @Test
    void aNewerVersionStartsItsRolloutWithoutTheOldRoute() {
      Plan p = rollingOutWithRoute(2, 10, setWeight(10), setHeaderRoute(ROUTE, HEADER, "yes"), pause()).targetGroups("3.0.0", 1).decide();
      assertThat(p.state().desired().map(Object::toString)).contains("3.0.0");
      assertThat(p.state().stepIndex()).contains(0);
      assertThat(removal(p).route()).isEqualTo(ROUTE);
      assertThat(p.headerRules()).isEmpty();
    }

    @Test
    void aNewerVersionWhoseFirstStepSetsTheRouteGetsItPointingAtItself() {
      Plan p = rollingOutWithRoute(1, 20, previewSteps()).targetGroups("3.0.0", 1).decide();
      assertThat(p.state().desired().map(Object::toString)).contains("3.0.0");
      assertThat(actions(p, Action.ApplyHeaderRule.class)).singleElement()
          .satisfies(a -> assertThat(a.rule().forwards()).containsExactly(new TargetWeight(arn(tgName("3.0.0", 0)), 100)));
    }

    @Test
    void noVersionLeftRemovesItToo() {
      Plan p = rollingOutWithRoute(1, 20, previewSteps()).withoutTargetGroups(S).withoutTargetGroups(C).decide();
      assertThat(p.rule()).isEmpty();
      assertThat(removal(p).route()).isEqualTo(ROUTE);
    }

    @Test
    void anotherCellsRouteIsNeverRemoved() {
      Plan p = cell().managedRoute(ROUTE, ROUTE_PRIORITY).steps(previewSteps()).targetGroups(S, 1).stable(S).ruleForwardingTo(S)
          .headerRuleOnAlb(ROUTE, 3, withHeader(CellDeciderRuleTest.hosts("other.example.com"), HEADER, "yes"), Optional.of("default/other"),
              "arn:other", 100)
          .decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Succeeded);
      assertThat(p.actions()).isEmpty();
    }
  }

  @Nested
  class Placement {
    static final String ROUTE_PRIORITY_FIELD = "spec.ingress.awsApplicationLoadBalancer.managedRoutes[0].priority";
    static final String MATCH_FIELD = "spec.updateStrategy.canary.steps[0].setHeaderRoute.match";

    static void assertRefused(Plan p, String path) {
      CellDeciderRuleTest.assertInvalid(p, Reasons.RULE_CONFLICT, path);
      assertThat(p.message()).contains("header route tester");
    }

    @Test
    void theCellsOwnRuleBehindItIsNoShadowingButAnotherOwnersIs() {
      Plan own = rolloutStarting(previewSteps()).decide();
      assertThat(own.state().phase()).as("the Cell's own rule behind the route: fine").isEqualTo(Phase.Progressing);

      Plan p = rolloutStarting(previewSteps()).otherRule(7, Optional.of("team-b/web"), CellDeciderRuleTest.hosts("example.com")).decide();
      assertRefused(p, MATCH_FIELD);
      assertThat(p.message()).contains("priority 7", "Cell team-b/web");
      assertThat(p.state().stepIndex()).as("nothing recorded: the rollout has not started").isEmpty();
    }

    @Test
    void aForeignRuleWithAnotherHeaderValueIsNotShadowed() {
      Plan p = rolloutStarting(previewSteps()).otherRule(7, Optional.of("team-b/web"), withHeader(CONDITIONS, HEADER, "no")).decide();
      assertThat(p.state().phase()).isEqualTo(Phase.Progressing);
      assertThat(actions(p, Action.ApplyHeaderRule.class)).hasSize(1);
    }

    @Test
    void aPriorityHeldByAnotherCellIsRefused() {
      Plan p = rolloutStarting(previewSteps()).otherRule(ROUTE_PRIORITY, Optional.of("team-b/web"), CellDeciderRuleTest.hosts("b.example"))
          .decide();
      assertRefused(p, ROUTE_PRIORITY_FIELD);
      assertThat(p.message()).contains("belongs to Cell team-b/web");
    }

    @Test
    void anUntaggedRuleAtThePriorityIsNeverAdopted() {
      Plan p = rolloutStarting(previewSteps()).policyAllowsAdoption().adoptUnownedRule()
          .otherRule(ROUTE_PRIORITY, Optional.empty(), ROUTE_CONDITIONS).decide();
      assertRefused(p, ROUTE_PRIORITY_FIELD);
    }

    @Test
    void aPriorityOutsideThePolicysGrantIsRefused() {
      OwnerPolicy policy = new OwnerPolicy("policy p.yaml", Optional.of(List.of(new ListenerGrant("arn:aws:elasticloadbalancing:*",
          List.of("*"), List.of(PriorityRange.parse("10-19")), false, false))), AnalysisPolicy.DEFAULT, DiscoveryPolicy.DEFAULT);
      Plan p = rolloutStarting(previewSteps()).policy(policy).decide();
      assertRefused(p, ROUTE_PRIORITY_FIELD);
      assertThat(p.message()).contains("10-19");
      assertThat(p.errors()).extracting(FieldError::path).containsExactly(ROUTE_PRIORITY_FIELD);
    }

    @Test
    void aRefusalMidRolloutChangesNothingAtAll() {
      Plan p = cell().managedRoute(ROUTE, ROUTE_PRIORITY).steps(setWeight(20), setHeaderRoute(ROUTE, HEADER, "yes"), setWeight(50))
          .targetGroups(S, 1).targetGroups(C, 1).rollingOut(S, C, 1).ruleSplit(S, C, 20)
          .otherRule(7, Optional.of("team-b/web"), CellDeciderRuleTest.hosts("example.com")).decide();
      CellDeciderRuleTest.assertInvalid(p, Reasons.RULE_CONFLICT, "spec.updateStrategy.canary.steps[1].setHeaderRoute.match");
      assertThat(p.state().stepIndex()).contains(1);
    }
  }

  @Nested
  class WholeRollouts {

    @Test
    void theRouteExistsFromItsStepToTheEndAndNotAfter() {
      CellScenario.Simulation sim = rolloutStarting(setWeight(10), setHeaderRoute(ROUTE, HEADER, "yes"), setWeight(30),
          analysis("success-rate"), setWeight(60)).simulate().run(40);
      assertThat(sim.last().plan().state().phase()).isEqualTo(Phase.Succeeded);
      assertThat(sim.headerRulesOnAlb()).isEmpty();
      List<Action> all = sim.allActions();
      assertThat(all.stream().filter(a -> a instanceof Action.ApplyHeaderRule)).hasSize(1);
      assertThat(all.stream().filter(a -> a instanceof Action.RemoveHeaderRule)).hasSize(1);
      // Every pass from the route's step to the promotion wanted it; none before.
      for (CellScenario.Pass pass : sim.passes()) {
        Optional<Integer> step = pass.plan().state().stepIndex();
        boolean wanted = pass.plan().state().phase().inRollout() && step.orElse(-1) >= 1;
        assertThat(pass.plan().headerRules().isEmpty()).as("pass " + pass.number() + " at step " + step).isEqualTo(!wanted);
      }
    }

    @Test
    void aFailedRolloutEndsWithoutTheRoute() {
      CellScenario.Simulation sim = rolloutStarting(previewSteps()).simulate().outcome(name -> RunPhase.FAILED).run(40);
      assertThat(sim.last().plan().state().phase()).isEqualTo(Phase.Failed);
      assertThat(sim.headerRulesOnAlb()).isEmpty();
    }

    @Test
    void aRouteOnTheAlbAsTheRolloutWantsItIsSeenThatWay() {
      ObservedRule onAlb = rollingOutWithRoute(1, 20, previewSteps()).observed().listenerRules().stream()
          .filter(r -> r.route().isPresent()).findFirst().orElseThrow();
      assertThat(onAlb.isHeaderRouteOf(KEY)).isTrue();
      assertThat(onAlb.isHeaderRouteOf("default/other")).isFalse();
    }
  }
}
