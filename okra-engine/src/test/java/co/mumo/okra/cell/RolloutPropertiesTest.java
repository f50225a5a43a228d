package co.mumo.okra.cell;

import static co.mumo.okra.testsupport.CellScenario.cell;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.Version;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.TargetWeight;
import co.mumo.okra.testsupport.CellScenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole rollouts through the pure step machine, simulated pass after pass (see {@link CellScenario}),
 * over random step lists, random target-group sets (1-5 per version, random names), random versions
 * and a random failing analysis. Every pass also goes through {@link CellScenario#decide()}, which
 * checks idempotence and the plan invariants. Each case is a seed: a failure names the seed that
 * reproduces it.
 */
class RolloutPropertiesTest {
  private static final AtomicInteger ROLLOUTS = new AtomicInteger();
  private static final AtomicInteger PASSES = new AtomicInteger();
  private static final Map<String, AtomicInteger> OUTCOMES = new ConcurrentHashMap<>();

  /** One random world: steps, target groups by version, versions, replicas, and the step whose run fails (-1: none). */
  record World(List<Step> steps, List<String> stableNames, List<String> canaryNames, String stable, String canary, int replicas,
               int failAt) {
    boolean tooManyGroups() {
      return stableNames.size() + canaryNames.size() > DesiredRule.MAX_TARGET_GROUPS;
    }

    boolean fails() {
      return failAt >= 0 && failAt < steps.size()
          && (steps.get(failAt) instanceof Step.Analysis || steps.get(failAt) instanceof Step.Experiment);
    }
  }

  static LongStream seeds() {
    return LongStream.range(0, 400);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aRolloutAppliesExactlyTheStepsInOrderOrRollsBackToStable(long seed) {
    World w = world(new Random(seed));
    CellScenario sc = cell().steps(w.steps()).replicas(w.replicas());
    w.stableNames().forEach(n -> sc.targetGroup(n, Map.of(CellDefinition.DEFAULT_VERSION_LABEL, w.stable())));
    w.canaryNames().forEach(n -> sc.targetGroup(n, Map.of(CellDefinition.DEFAULT_VERSION_LABEL, w.canary())));
    sc.stable(w.stable()).ruleForwardingTo(w.stable());
    CellScenario.Simulation sim = sc.simulate().runningFor(2).promoteWhenPaused()
        .outcome(name -> w.fails() && name.endsWith("-step" + w.failAt()) ? RunPhase.FAILED : RunPhase.SUCCESSFUL)
        .run(400);
    ROLLOUTS.incrementAndGet();
    PASSES.addAndGet(sim.passes().size());
    OUTCOMES.computeIfAbsent(w.tooManyGroups() ? "too many target groups" : w.fails() ? "rolled back" : "succeeded",
        k -> new AtomicInteger()).incrementAndGet();

    for (Plan p : sim.plans()) {
      p.rule().ifPresent(r -> {
        assertThat(r.forwards()).as("a rule never forwards to nothing").isNotEmpty();
        assertThat(r.forwards().size()).as("target groups in the forward action").isLessThanOrEqualTo(DesiredRule.MAX_TARGET_GROUPS);
        assertThat(r.forwards().stream().mapToInt(TargetWeight::weight).sum()).as("weights total").isEqualTo(100);
      });
    }
    Plan last = sim.last().plan();
    String stable = Version.parse(w.stable()).canonical();
    String canary = Version.parse(w.canary()).canonical();
    if (w.tooManyGroups()) {
      assertThat(last.state().phase()).isEqualTo(Phase.Invalid);
      assertThat(last.errors()).extracting(FieldError::message).anySatisfy(m -> assertThat(m).contains("ALB allows 5"));
      assertThat(sim.allActions()).as("nothing is applied").isEmpty();
      return;
    }
    List<Map<String, Integer>> applied = appliedSplits(sim);
    for (int i = 1; i < applied.size(); i++) {
      assertThat(applied.get(i)).as("write " + i + " of " + applied + " changes the rule").isNotEqualTo(applied.get(i - 1));
    }
    List<Step> reached = w.fails() ? w.steps().subList(0, w.failAt() + 1) : w.steps();
    assertThat(traffic(stable, applied)).as("traffic applied, in order, from " + applied)
        .isEqualTo(expectedTraffic(reached, stable, canary, w.fails()));
    if (w.fails()) {
      assertThat(last.state().phase()).isEqualTo(Phase.Failed);
      assertThat(CellScenario.weightsByVersion(last)).as("a failure ends at 100% stable").isEqualTo(Map.of(stable, 100));
      assertThat(sim.allActions()).filteredOn(a -> a instanceof Action.BlockVersion).as("the version is blocked once").hasSize(1);
    } else {
      assertThat(last.state().phase()).isEqualTo(Phase.Succeeded);
      assertThat(last.state().stable()).contains(Version.parse(w.canary()));
      assertThat(CellScenario.weightsByVersion(last)).isEqualTo(Map.of(canary, 100));
      assertThat(last.rule().orElseThrow().forwards()).hasSize(w.canaryNames().size());
    }
    // One run per analysis or experiment step reached, never two.
    for (int k = 0; k < w.steps().size(); k++) {
      int step = k;
      long started = sim.allActions().stream().filter(a -> (a instanceof Action.StartAnalysis sa && sa.stepIndex() == step)
          || (a instanceof Action.StartExperiment se && se.stepIndex() == step)).count();
      assertThat(started).as("runs started for step " + k).isLessThanOrEqualTo(1);
    }
  }

  /**
   * What the traffic went through, from 100% stable: version splits without the versions at 0%,
   * repeats dropped. (A step that waits at 0% may put the canary's groups in the rule at weight 0: no traffic moves.)
   */
  private static List<Map<String, Integer>> traffic(String stable, List<Map<String, Integer>> splits) {
    List<Map<String, Integer>> out = new ArrayList<>();
    Map<String, Integer> last = Map.of(stable, 100);
    for (Map<String, Integer> split : splits) {
      Map<String, Integer> t = new java.util.TreeMap<>(split);
      t.values().removeIf(v -> v == 0);
      if (!t.equals(last)) out.add(t);
      last = t;
    }
    return out;
  }

  /** The setWeight steps reached, in order, then 100% canary (or, after a failure, 100% stable). */
  private static List<Map<String, Integer>> expectedTraffic(List<Step> reached, String stable, String canary, boolean failed) {
    List<Map<String, Integer>> splits = new ArrayList<>();
    for (Step step : reached) {
      if (step instanceof Step.SetWeight sw) splits.add(Map.of(stable, 100 - sw.percent(), canary, sw.percent()));
    }
    splits.add(Map.of(failed ? stable : canary, 100));
    return traffic(stable, splits);
  }

  /** The split between versions of every rule write, in order. */
  private static List<Map<String, Integer>> appliedSplits(CellScenario.Simulation sim) {
    List<Map<String, Integer>> out = new ArrayList<>();
    for (Plan p : sim.plans()) {
      if (p.actions().stream().anyMatch(a -> a instanceof Action.ApplyRule)) out.add(CellScenario.weightsByVersion(p));
    }
    return out;
  }

  @AfterAll
  static void report() {
    co.mumo.okra.testsupport.Reliability.report("properties-rollouts", "rollouts", ROLLOUTS.get(), "passes", PASSES.get());
    System.out.println("reliability: properties-rollouts outcomes " + OUTCOMES);
  }

  /** One random world; mostly worlds that fit ALB's five target groups, sometimes one that does not. */
  static World world(Random r) {
    List<Step> steps = new ArrayList<>();
    for (int i = r.nextInt(9); i > 0; i--) steps.add(step(r));
    List<String> names = RandomNames.distinct(r, 2 + r.nextInt(9), 12);
    int stableCount = 1 + r.nextInt(5);
    int canaryCount = r.nextInt(10) == 0 ? 5 : 1 + r.nextInt(4);
    int[] v = {r.nextInt(21), r.nextInt(21), r.nextInt(21)};
    int bump = r.nextInt(3);
    boolean leadingV = r.nextBoolean();
    int failAt = -3 + r.nextInt(11);
    int c = Math.min(canaryCount, names.size() - 1);
    int s = Math.min(canaryCount == 5 ? stableCount : Math.min(stableCount, 5 - c), names.size() - c);
    int[] next = v.clone();
    next[bump]++;
    for (int i = bump + 1; i < 3; i++) next[i] = 0;
    String stable = (leadingV ? "v" : "") + v[0] + "." + v[1] + "." + v[2];
    String canary = next[0] + "." + next[1] + "." + next[2];
    int replicas = 1 + r.nextInt(c);
    return new World(steps, names.subList(0, s), names.subList(s, s + c), stable, canary, replicas, failAt);
  }

  /** setWeight 6 : timed pause 2 : pause until promoted 1 : analysis 3 : experiment 1. */
  private static Step step(Random r) {
    int k = r.nextInt(13);
    if (k < 6) return new Step.SetWeight(r.nextInt(101));
    if (k < 8) return new Step.Pause(Optional.of(Duration.ofSeconds(r.nextInt(601))));
    if (k < 9) return new Step.Pause(Optional.empty());
    if (k < 12) return CellScenario.analysis(List.of("success-rate", "latency", "errors").get(r.nextInt(3)));
    return CellScenario.experiment("baseline");
  }
}
