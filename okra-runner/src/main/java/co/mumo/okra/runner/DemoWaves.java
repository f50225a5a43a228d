package co.mumo.okra.runner;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.Condition;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.Reasons;
import co.mumo.okra.runner.demo.DemoWorld;
import co.mumo.okra.runner.demo.SimulatedLoadBalancer;
import co.mumo.okra.runner.demo.WeightBars;
import co.mumo.okra.runner.watch.ContinuousLoop;
import co.mumo.okra.runner.watch.Passes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code okra-runner demo --waves}: two Cells in two waves (web-us waits for web-eu, spec.rolloutAfter),
 * rolled out by the continuous mode's pass over every Cell ({@code reconcile --all --watch}) on the simulated world:
 * 1.0.0, then 2.0.0 through web-eu and only then web-us, then 3.0.0, which fails in web-eu and so never
 * starts in web-us.
 */
final class DemoWaves {
  private static final Duration MAX_TICK = Duration.ofSeconds(30);
  private static final int MAX_PASSES = 500;
  private static final String FIRST = "web-eu";
  private static final String SECOND = "web-us";

  private final PrintWriter out;
  private final PrintWriter err;
  private final double speed;
  private final boolean fast;
  private final DemoWorld world = new DemoWorld("waves.yaml");
  private final WeightBars bars;
  private final List<String> events = new ArrayList<>();
  /** What web-us's rule was asked to carry, in order: it must never have carried 3.0.0. */
  private final List<String> secondWaveTraffic = new ArrayList<>();

  DemoWaves(PrintWriter out, PrintWriter err, double speed, boolean fast, boolean unicode) {
    this.out = out;
    this.err = err;
    this.speed = speed;
    this.fast = fast;
    this.bars = new WeightBars(world::group, unicode);
    world.alb().onCall(this::albCall);
  }

  int run() throws InterruptedException {
    say("okra demo --waves: a SIMULATED rollout of two Cells in two waves. No AWS account and no cluster are used:");
    say("an in-memory Kubernetes API, a simulated ALB listener and a scripted Argo Rollouts stand in for them. Each");
    say("pass is the real engine's pass over every Cell, the one `okra-runner reconcile --all --watch` runs, woken at");
    say("the soonest time a Cell is due, as that loop is between changes.");
    say("");
    say("Cell " + DemoWorld.NAMESPACE + "/" + FIRST + " (priority 10, eu.example.com) goes first. Cell " + DemoWorld.NAMESPACE + "/"
        + SECOND + " (priority 20, us.example.com)");
    say("has spec.rolloutAfter: [" + FIRST + "]: it starts a version only once that version is " + FIRST + "'s stable version,");
    say("and never one that failed there. Steps of both: setWeight 50 -> analysis.");
    act("1/3", "1.0.0 comes up in both regions", "1.0.0");
    world.clock().advance(Duration.ofMinutes(30));
    act("2/3", "2.0.0 comes up in both regions: " + FIRST + " first, " + SECOND + " waits for it", "2.0.0");
    world.clock().advance(Duration.ofMinutes(30));
    act("3/3", "3.0.0 comes up in both regions; the script makes its analysis fail", DemoWorld.FAILING_VERSION);
    return verdict();
  }

  private void act(String number, String title, String version) throws InterruptedException {
    say("");
    say("== " + number + ": " + title);
    world.addVersion(version);
    Map<String, String> lastShown = new HashMap<>();
    // The continuous mode's own pass over every Cell; the loop here sleeps until the soonest due time it
    // returns, as `reconcile --all --watch` does between changes (a new version's AWSTargetGroups wake it).
    ContinuousLoop.Pass pass = Passes.cells(world.reconciler(), DemoWorld.NAMESPACE, new CellReconciler.Options(false), results -> {
      for (PassResult r : results) {
        String shown = r.phase() + ": " + r.status().message;
        if (!shown.equals(lastShown.put(r.cell(), shown))) say(String.format("   [%s] %-7s %s", clock(), r.cell().substring(r.cell().indexOf('/') + 1), shown));
      }
    });
    for (int i = 0; i < MAX_PASSES; i++) {
      Optional<Duration> due = pass.run().nextIn();
      events.forEach(this::say);
      events.clear();
      if (due.isEmpty()) return; // every Cell settled: the loop would wait for a change or the resync
      Duration next = due.get();
      if (next.compareTo(MAX_TICK) > 0) next = MAX_TICK;
      if (next.compareTo(Duration.ofSeconds(1)) < 0) next = Duration.ofSeconds(1);
      world.clock().advance(next);
      if (!fast) ReconcileCommand.sleeper.sleep(Duration.ofMillis((long) (next.toMillis() / speed)));
    }
    throw new IllegalStateException("the waves demo did not settle after " + MAX_PASSES + " passes (a bug in the demo or the engine)");
  }

  private void albCall(SimulatedLoadBalancer.Call call) {
    if (!call.api().equals("CreateRule") && !call.api().equals("ModifyRule")) return;
    String cell = world.alb().rule(world.listenerArn(), 20).filter(r -> r.ruleArn().equals(call.ruleArn())).isPresent() ? SECOND : FIRST;
    if (cell.equals(SECOND)) secondWaveTraffic.add(bars.summary(call.forwards()));
    events.add("     ALB " + call.api() + " (" + cell + "): " + bars.summary(call.forwards()));
  }

  private int verdict() {
    List<String> wrong = new ArrayList<>();
    CellStatus first = status(FIRST);
    CellStatus second = status(SECOND);
    if (!"2.0.0".equals(first.stableVersion) || !"Failed".equals(first.phase)) {
      wrong.add(FIRST + " is " + first.phase + " on " + first.stableVersion + ", not Failed on 2.0.0");
    }
    if (!"2.0.0".equals(second.stableVersion) || !"Succeeded".equals(second.phase)) {
      wrong.add(SECOND + " is " + second.phase + " on " + second.stableVersion + ", not Succeeded on 2.0.0");
    }
    boolean stopped = second.conditions != null && second.conditions.stream()
        .anyMatch(c -> Reasons.WAVE_READY.equals(c.type) && Reasons.EARLIER_WAVE_FAILED.equals(c.reason));
    if (!stopped) wrong.add(SECOND + " does not say that 3.0.0 failed in the earlier wave");
    if (secondWaveTraffic.stream().anyMatch(t -> t.contains(DemoWorld.FAILING_VERSION))) wrong.add(SECOND + "'s rule carried 3.0.0");
    say("");
    if (!wrong.isEmpty()) {
      err.println("okra-runner: the waves demo did not end as scripted: " + String.join("; ", wrong));
      return ExitCodes.ERROR;
    }
    Condition wave = second.conditions.stream().filter(c -> Reasons.WAVE_READY.equals(c.type)).findFirst().orElseThrow();
    say("== done (" + clock() + " of simulated time)");
    say("   2.0.0 went through " + FIRST + ", then " + SECOND + "; 3.0.0 failed in " + FIRST + " (rolled back, blocked there) and");
    say("   never started in " + SECOND + ", whose condition WaveReady says: " + wave.reason + ".");
    say("   " + SECOND + "'s rule carried, in order: " + String.join(" -> ", secondWaveTraffic));
    return ExitCodes.OK;
  }

  private CellStatus status(String name) {
    return world.store().cell(DemoWorld.NAMESPACE, name).map(Cell::getStatus).orElseGet(CellStatus::new);
  }

  private String clock() {
    return DemoCommand.elapsed(world);
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
