package co.mumo.okra.runner;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellValidator;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.Plan;
import co.mumo.okra.cell.Step;
import co.mumo.okra.core.Durations;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.runner.demo.DemoWorld;
import co.mumo.okra.runner.demo.ScriptedAnalyses;
import co.mumo.okra.runner.demo.SimulatedLoadBalancer;
import co.mumo.okra.runner.demo.WeightBars;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code okra-runner demo}: three versions of a Cell, rolled out by the real engine against an
 * in-memory API server, a simulated ALB and scripted analyses, on a fast simulated clock. The wait
 * loop mirrors {@code reconcile --wait}: it uses the same settled test and sleeps for the plan's
 * requeue interval, only in simulated time.
 */
@Command(name = "demo", description = {
    "A simulated rollout that needs no AWS account and no cluster: 1.0.0, then",
    "2.0.0 through setHeaderRoute, setWeight, pause and analysis steps, then",
    "3.0.0, whose analysis fails and is rolled back. The passes are the real",
    "engine's; Kubernetes, the ALB and Argo Rollouts are simulated in memory."})
final class DemoCommand implements Callable<Integer> {
  /** The simulated wait between passes is at most this, so pauses count down visibly. */
  private static final Duration MAX_TICK = Duration.ofSeconds(30);
  private static final int MAX_PASSES = 500;

  @Option(names = "--speed", defaultValue = "50",
      description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}: about 15 s in all).")
  double speed;

  @Option(names = "--fast", description = "Do not wait in real time at all (for tests and CI).")
  boolean fast;

  @Option(names = "--ascii", description = "Draw the weight bars with ASCII (the default when the console is not UTF-8).")
  boolean ascii;

  @Option(names = "--waves", description = {"Two Cells in two waves instead (spec.rolloutAfter): web-us starts a version only once it is",
      "web-eu's stable version, and never one that failed in web-eu."})
  boolean waves;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private PrintWriter out;
  private DemoWorld world;
  private WeightBars bars;
  private final List<String> events = new ArrayList<>();
  private final Set<String> verdictsShown = new HashSet<>();

  @Override
  public Integer call() throws InterruptedException {
    if (!(speed > 0)) throw new CommandLine.ParameterException(spec.commandLine(), "--speed must be a positive number");
    out = spec.commandLine().getOut();
    if (waves) {
      return new DemoWaves(out, spec.commandLine().getErr(), speed, fast, !ascii && Charset.defaultCharset().equals(StandardCharsets.UTF_8)).run();
    }
    world = new DemoWorld();
    bars = new WeightBars(world::group, !ascii && Charset.defaultCharset().equals(StandardCharsets.UTF_8));
    world.alb().onCall(this::albCall);
    world.analyses().onStart(this::analysisStarted);

    banner();
    act("1/3", "the first version, 1.0.0, appears", "1.0.0");
    world.clock().advance(Duration.ofMinutes(30));
    act("2/3", "new clusters of 2.0.0 come up (30 simulated minutes later)", "2.0.0");
    world.clock().advance(Duration.ofMinutes(30));
    act("3/3", "new clusters of 3.0.0 come up; the script makes their analysis fail", DemoWorld.FAILING_VERSION);
    return verdict();
  }

  private void banner() {
    Cell cell = world.cellManifest();
    say("okra demo: a SIMULATED rollout. No AWS account and no cluster are used: an in-memory Kubernetes API,");
    say("a simulated ALB listener and a scripted Argo Rollouts stand in for them. Each pass is the real engine");
    say("(CellReconciler and CellDecider), exactly as `okra-runner reconcile --wait` runs it. Time is simulated"
        + (fast ? "." : " (x" + fmt(speed) + ")."));
    say("");
    say("Cell " + DemoWorld.NAMESPACE + "/" + DemoWorld.CELL + ": listener rule priority " + world.priority() + " (host "
        + String.join(",", cell.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.hosts) + "), "
        + cell.getSpec().replicas + " target groups (clusters) per version");
    say("steps: " + String.join(" -> ", steps(cell)));
  }

  private static List<String> steps(Cell cell) {
    return CellValidator.validate(cell).steps().stream().map(Step::describe).toList();
  }

  private void act(String number, String title, String version) throws InterruptedException {
    say("");
    say("== " + number + ": " + title);
    for (String name : world.addVersion(version)) say("   + AWSTargetGroup " + DemoWorld.NAMESPACE + "/" + name + " (version " + version + ")");
    beat(Duration.ofMillis(1200));
    String lastShown = null;
    for (int i = 0; i < MAX_PASSES; i++) {
      PassResult r = world.reconciler().reconcile(DemoWorld.NAMESPACE, DemoWorld.CELL, new CellReconciler.Options(false));
      collectVerdicts();
      String shown = r.phase() + ": " + r.status().message + Output.countdown(r.status(), world.clock().instant());
      if (!shown.equals(lastShown)) say(String.format("   [%s] %s", clock(), shown));
      lastShown = shown;
      events.forEach(this::say);
      events.clear();
      if (r.settled()) return;
      Duration next = r.plan().flatMap(Plan::requeueAfter).orElse(MAX_TICK);
      if (next.compareTo(MAX_TICK) > 0) next = MAX_TICK;
      if (next.compareTo(Duration.ofSeconds(1)) < 0) next = Duration.ofSeconds(1);
      world.clock().advance(next);
      beat(Duration.ofMillis((long) (next.toMillis() / speed)));
    }
    throw new IllegalStateException("the demo did not settle after " + MAX_PASSES + " passes (a bug in the demo or the engine)");
  }

  /** What the simulated ALB was asked to do, shown after the pass line that decided it. */
  private void albCall(SimulatedLoadBalancer.Call call) {
    Optional<ObservedRule> route = call.ruleArn() == null ? Optional.empty()
        : world.alb().ruleByArn(world.listenerArn(), call.ruleArn()).filter(r -> r.route().isPresent());
    if (route.isPresent() && call.api().equals("CreateRule")) {
      events.add("     ALB CreateRule (header route " + route.get().route().get() + ", priority " + route.get().priority() + ", "
          + route.get().conditions().headers().entrySet().stream().map(h -> h.getKey() + ": " + String.join(",", h.getValue()))
          .collect(java.util.stream.Collectors.joining(", ")) + "): " + bars.summary(call.forwards()));
      return;
    }
    switch (call.api()) {
      case "CreateRule", "ModifyRule" -> {
        events.add("     ALB " + call.api() + ": " + bars.summary(call.forwards()));
        bars.bars(call.forwards()).forEach(line -> events.add("       " + line));
      }
      case "DeleteRule" -> events.add("     ALB DeleteRule: the header route's rule (its requests follow the Cell's rule again)");
      case "AddTags" -> events.add("     ALB AddTags: okra.mumo.co/cell=" + DemoWorld.NAMESPACE + "/" + DemoWorld.CELL);
      default -> { } // reads: counted, not shown
    }
  }

  private void analysisStarted(ScriptedAnalyses.Started s) {
    events.add("     AnalysisRun " + s.name() + " started for " + s.version() + " with " + s.args()
        + " (simulated: a verdict after " + Durations.format(DemoWorld.ANALYSIS_TIME) + ")");
  }

  private void collectVerdicts() {
    for (Map.Entry<String, ChildRun> e : world.analyses().runs(DemoWorld.NAMESPACE, DemoWorld.CELL).entrySet()) {
      ChildRun run = e.getValue();
      if (run.phase() != RunPhase.RUNNING && run.phase() != RunPhase.PENDING && verdictsShown.add(e.getKey())) {
        events.add(0, "     AnalysisRun " + run.name() + ": " + run.phase().argoName() + ": " + run.message());
      }
    }
  }

  /** The end state must be the one the script leads to; anything else is a bug worth failing on. */
  private int verdict() {
    List<String> wrong = new ArrayList<>();
    CellStatus s = world.cellNow().map(Cell::getStatus).orElse(null);
    if (s == null) {
      wrong.add("the Cell has no status");
    } else {
      if (!"2.0.0".equals(s.stableVersion)) wrong.add("stable version is " + s.stableVersion + ", not 2.0.0");
      if (!"Failed".equals(s.phase)) wrong.add("phase is " + s.phase + ", not Failed");
      if (s.failure == null || !DemoWorld.FAILING_VERSION.equals(s.failure.version)) wrong.add("no failure of 3.0.0 is recorded");
    }
    boolean blocked = world.store().blocklist(DemoWorld.NAMESPACE, DemoWorld.CELL)
        .map(b -> b.getSpec().items.stream().anyMatch(i -> DemoWorld.FAILING_VERSION.equals(i.version))).orElse(false);
    if (!blocked) wrong.add("3.0.0 is not in the VersionBlocklist");
    String traffic = world.alb().rule(world.listenerArn(), world.priority()).map(r -> bars.summary(r.forwards())).orElse("no rule");
    if (!traffic.equals("2.0.0 100%")) wrong.add("the ALB rule forwards " + traffic + ", not 2.0.0 100%");
    say("");
    if (!wrong.isEmpty()) {
      spec.commandLine().getErr().println("okra-runner: the demo did not end as scripted: " + String.join("; ", wrong));
      return ExitCodes.ERROR;
    }
    say("== done (" + clock() + " of simulated time)");
    say("   1.0.0 went to 100% at once (the first version); 2.0.0 went through every step and became stable;");
    say("   3.0.0 failed its analysis: traffic went back to 2.0.0 in one pass, and 3.0.0 is in VersionBlocklist "
        + DemoWorld.NAMESPACE + "/" + DemoWorld.CELL + " so it is never rolled out again by itself.");
    say("   Simulated ALB API calls: " + world.alb().calls());
    say("   Against a real ALB and cluster: see README.md (Quick start) and examples/.");
    return ExitCodes.OK;
  }

  private void beat(Duration realTime) throws InterruptedException {
    if (!fast && !realTime.isZero()) ReconcileCommand.sleeper.sleep(realTime);
  }

  private String clock() {
    return elapsed(world);
  }

  /** The simulated time since the demo began, e.g. {@code +0:32:02}. */
  static String elapsed(DemoWorld world) {
    Duration d = world.clock().elapsed();
    return String.format("+%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
