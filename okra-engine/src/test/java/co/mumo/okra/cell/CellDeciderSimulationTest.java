package co.mumo.okra.cell;

import static co.mumo.okra.testsupport.CellScenario.analysis;
import static co.mumo.okra.testsupport.CellScenario.cell;
import static co.mumo.okra.testsupport.CellScenario.experiment;
import static co.mumo.okra.testsupport.CellScenario.pause;
import static co.mumo.okra.testsupport.CellScenario.setWeight;
import static co.mumo.okra.testsupport.CellScenario.tgName;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.Version;
import co.mumo.okra.testsupport.CellScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole rollouts, pass after pass, the way the runner drives them: each plan's state and rule are fed
 * into the next observation. Every pass is checked for idempotence and the plan invariants (in
 * {@link CellScenario#decide()}); here the sequence of weight sets must be exactly the steps, in order.
 */
class CellDeciderSimulationTest {
  static final String S = "1.0.0";
  static final String C = "2.0.0";

  /** The version splits the steps call for, without repeats, then the canary alone. */
  static List<Map<String, Integer>> expectedSplits(List<Step> steps, String stable, String canary) {
    List<Map<String, Integer>> out = new ArrayList<>();
    int w = 0;
    for (Step s : steps) {
      if (s instanceof Step.SetWeight sw) w = sw.percent();
      Map<String, Integer> split = new LinkedHashMap<>();
      split.put(Version.parse(stable).canonical(), 100 - w);
      split.put(Version.parse(canary).canonical(), w);
      if (out.isEmpty() || !out.get(out.size() - 1).equals(split)) out.add(split);
    }
    out.add(Map.of(Version.parse(canary).canonical(), 100));
    return out;
  }

  static CellScenario.Simulation rollout(List<Step> steps, int stableGroups, int canaryGroups) {
    return cell().steps(steps).targetGroups(S, stableGroups).targetGroups(C, canaryGroups).stable(S).ruleForwardingTo(S)
        .simulate().runningFor(2).promoteWhenPaused();
  }

  /** Step indices only move forward, one step at a time or several when steps complete at once, never back. */
  static void assertStepsInOrder(CellScenario.Simulation sim) {
    List<Integer> indices = sim.plans().stream().filter(p -> p.state().rollingOut())
        .map(p -> p.state().stepIndex().orElseThrow()).toList();
    for (int i = 1; i < indices.size(); i++) {
      assertThat(indices.get(i)).as("step index at pass " + i + " of " + indices).isGreaterThanOrEqualTo(indices.get(i - 1));
    }
  }

  /** Each analysis/experiment step started exactly one run; each timed pause lasted at least its duration. */
  static void assertNoStepSkippedOrRepeated(CellScenario.Simulation sim, List<Step> steps) {
    for (int k = 0; k < steps.size(); k++) {
      int step = k;
      if (steps.get(k) instanceof Step.Analysis) {
        assertThat(sim.allActions()).as("AnalysisRuns of step " + k)
            .filteredOn(a -> a instanceof Action.StartAnalysis sa && sa.stepIndex() == step).hasSize(1);
      }
      if (steps.get(k) instanceof Step.Experiment) {
        assertThat(sim.allActions()).as("Experiments of step " + k)
            .filteredOn(a -> a instanceof Action.StartExperiment se && se.stepIndex() == step).hasSize(1);
      }
      if (steps.get(k) instanceof Step.Pause pause && pause.duration().filter(d -> !d.isZero()).isPresent()) {
        Optional<Instant> entered = sim.plans().stream().filter(p -> p.state().stepIndex().equals(Optional.of(step)))
            .map(p -> p.state().stepStartedAt().orElseThrow()).findFirst();
        Optional<Instant> left = sim.passes().stream()
            .filter(p -> p.plan().state().stepIndex().map(i -> i > step).orElse(!p.plan().state().rollingOut()))
            .map(CellScenario.Pass::now).filter(t -> entered.isPresent() && !t.isBefore(entered.get())).findFirst();
        assertThat(entered).as("pause at step " + k + " was entered").isPresent();
        assertThat(left).as("pause at step " + k + " was left").isPresent();
        assertThat(Duration.between(entered.get(), left.get())).as("time spent in the pause at step " + k)
            .isGreaterThanOrEqualTo(pause.duration().get());
      }
    }
  }

  @Test
  void theReadmeRolloutAppliesEachStepOnceInOrder() {
    CellScenario sc = cell().replicas(2).readmeSteps().targetGroups(S, 2).targetGroups(C, 2).stable(S).ruleForwardingTo(S);
    CellScenario.Simulation sim = sc.simulate().runningFor(3).run(100);

    assertThat(sim.weightSets()).containsExactly(
        Map.of(tgName(S, 0), 40, tgName(S, 1), 40, tgName(C, 0), 10, tgName(C, 1), 10),
        Map.of(tgName(S, 0), 30, tgName(S, 1), 30, tgName(C, 0), 20, tgName(C, 1), 20),
        Map.of(tgName(C, 0), 50, tgName(C, 1), 50));
    assertThat(sim.versionSplits()).isEqualTo(expectedSplits(sc.definition().steps(), S, C));
    assertStepsInOrder(sim);
    assertNoStepSkippedOrRepeated(sim, sc.definition().steps());

    Plan last = sim.last().plan();
    assertThat(last.state()).isEqualTo(RolloutState.settled(Phase.Succeeded, Version.parse(C), Optional.empty()));
    assertThat(last.actions()).isEmpty();
    assertThat(CellScenario.condition(last, Reasons.READY)).contains(true);
    assertThat(sim.allActions()).filteredOn(a -> a instanceof Action.BlockVersion).isEmpty();
    // The rule only changed when the weights did: one ApplyRule per weight set.
    assertThat(sim.allActions()).filteredOn(a -> a instanceof Action.ApplyRule).hasSize(3);
    // The 5s pause held the canary at 20% for at least 5s of the clock.
    Instant first20 = sim.passes().stream().filter(p -> CellScenario.weightOf(p.plan(), C) == 20).map(CellScenario.Pass::now)
        .findFirst().orElseThrow();
    Instant first40 = sim.passes().stream().filter(p -> CellScenario.weightOf(p.plan(), C) == 40).map(CellScenario.Pass::now)
        .findFirst().orElseThrow();
    assertThat(Duration.between(first20, first40)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
  }

  static Stream<Arguments> rollouts() {
    List<Named<List<Step>>> stepLists = List.of(
        Named.of("readme", List.of(setWeight(20), analysis("success-rate"), pause("5s"), setWeight(40))),
        Named.of("ramp", List.of(setWeight(10), setWeight(25), setWeight(50), setWeight(75))),
        Named.of("pauses", List.of(setWeight(5), pause("30s"), setWeight(50), pause("1m"), setWeight(100), pause("10s"))),
        Named.of("gated", List.of(analysis("smoke"), setWeight(33), pause(), experiment("baseline"), setWeight(66))),
        Named.of("zero then all", List.of(setWeight(0), pause("0s"), setWeight(100))),
        Named.of("analysis only", List.of(analysis("a"), analysis("b"))),
        Named.of("single", List.of(setWeight(50))));
    List<int[]> shapes = List.of(new int[] {1, 1}, new int[] {2, 2}, new int[] {3, 2}, new int[] {2, 3}, new int[] {1, 4});
    return stepLists.stream().flatMap(steps -> shapes.stream().map(sh -> Arguments.of(steps, sh[0], sh[1])));
  }

  @ParameterizedTest(name = "{0} with {1} stable + {2} canary")
  @MethodSource("rollouts")
  void theSequenceOfWeightSetsIsExactlyTheSteps(List<Step> steps, int stableGroups, int canaryGroups) {
    CellScenario.Simulation sim = rollout(steps, stableGroups, canaryGroups).run(200);

    assertThat(sim.versionSplits()).isEqualTo(expectedSplits(steps, S, C));
    assertStepsInOrder(sim);
    assertNoStepSkippedOrRepeated(sim, steps);
    assertThat(sim.last().plan().state().stable()).contains(Version.parse(C));
    assertThat(sim.last().plan().state().phase()).isEqualTo(Phase.Succeeded);
    assertThat(sim.last().plan().rule().orElseThrow().forwards()).hasSize(canaryGroups);
  }

  @Test
  void theSameStartGivesTheSamePasses() {
    CellScenario.Simulation a = rollout(List.of(setWeight(20), analysis("x"), pause("5s"), setWeight(40)), 2, 2).run(100);
    CellScenario.Simulation b = rollout(List.of(setWeight(20), analysis("x"), pause("5s"), setWeight(40)), 2, 2).run(100);
    assertThat(b.plans()).isEqualTo(a.plans());
  }

  @Test
  void driftDuringTheRolloutIsRepairedWithoutRepeatingOrSkippingSteps() {
    List<Step> steps = List.of(setWeight(20), pause("1m"), setWeight(40), pause("1m"));
    CellScenario sc = cell().steps(steps).targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S);
    int[] pass = {0};
    CellScenario.Simulation sim = sc.simulate().beforeEachPass(s -> {
      // Someone resets the rule to 100% stable by hand during the first pause.
      if (pass[0]++ == 1) s.observedWeights(tgName(S, 0), 100, tgName(C, 0), 0);
      return s;
    }).run(100);

    assertThat(sim.versionSplits()).isEqualTo(expectedSplits(steps, S, C));
    assertThat(sim.plans()).anySatisfy(p -> assertThat(CellScenario.conditionReason(p, Reasons.TRAFFIC_SYNCED)).isEqualTo(Reasons.DRIFT));
    assertStepsInOrder(sim);
    assertNoStepSkippedOrRepeated(sim, steps);
  }

  @Test
  void aNewerVersionMidRolloutRestartsTheSequenceForIt() {
    List<Step> steps = List.of(setWeight(20), pause("1m"), setWeight(40), pause("1m"));
    CellScenario sc = cell().steps(steps).targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S);
    int[] pass = {0};
    CellScenario.Simulation sim = sc.simulate().beforeEachPass(s -> {
      if (pass[0]++ == 4) s.targetGroups("3.0.0", 1);
      return s;
    }).run(100);

    List<Map<String, Integer>> splits = sim.versionSplits();
    int restart = splits.indexOf(Map.of("1.0.0", 80, "3.0.0", 20));
    assertThat(restart).as("3.0.0 starts at the first step").isPositive();
    assertThat(splits.subList(0, restart)).isEqualTo(List.of(Map.of("1.0.0", 80, "2.0.0", 20), Map.of("1.0.0", 60, "2.0.0", 40)));
    assertThat(splits.subList(restart, splits.size())).isEqualTo(expectedSplits(steps, S, "3.0.0"));
    assertThat(sim.last().plan().state().stable()).contains(Version.parse("3.0.0"));
  }

  @Test
  void anInconclusiveAnalysisStopsTheSequenceUntilAHumanActs() {
    CellScenario.Simulation sim = cell().readmeSteps().targetGroups(S, 1).targetGroups(C, 1).stable(S).ruleForwardingTo(S)
        .simulate().outcome(name -> RunPhase.INCONCLUSIVE).run(50);
    assertThat(sim.versionSplits()).containsExactly(Map.of("1.0.0", 80, "2.0.0", 20));
    assertThat(sim.last().plan().state().phase()).isEqualTo(Phase.Paused);
    assertThat(sim.last().plan().state().stepIndex()).contains(1);
  }

  @Test
  void theFirstVersionIsOnePassThenQuiet() {
    CellScenario.Simulation sim = cell().readmeSteps().targetGroups(S, 3).simulate().run(10);
    assertThat(sim.weightSets()).containsExactly(Map.of(tgName(S, 0), 34, tgName(S, 1), 33, tgName(S, 2), 33));
    assertThat(sim.passes()).hasSize(2);
    assertThat(sim.last().plan().actions()).isEmpty();
  }

  @Test
  void aBackgroundAnalysisStartsOnceAndTheRolloutCompletes() {
    List<Step> steps = List.of(setWeight(10), pause("1m"), setWeight(50), pause("1m"));
    CellScenario.Simulation sim = cell().steps(steps).background(1, "error-rate").targetGroups(S, 1).targetGroups(C, 1)
        .stable(S).ruleForwardingTo(S).simulate().runningFor(1000).run(200);
    assertThat(sim.allActions()).filteredOn(a -> a instanceof Action.StartAnalysis sa && sa.stepIndex() == -1).hasSize(1);
    assertThat(sim.versionSplits()).isEqualTo(expectedSplits(steps, S, C));
    // Not before its starting step.
    Plan startedIn = sim.plans().stream().filter(p -> p.actions().stream().anyMatch(a -> a instanceof Action.StartAnalysis))
        .findFirst().orElseThrow();
    assertThat(startedIn.state().stepIndex()).contains(1);
  }
}
