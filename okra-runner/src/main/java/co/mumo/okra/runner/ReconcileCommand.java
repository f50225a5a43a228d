package co.mumo.okra.runner;

import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.Evaluator;
import co.mumo.okra.cell.Notifier;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.core.Durations;
import co.mumo.okra.failure.Failure;
import co.mumo.okra.failure.Failures;
import co.mumo.okra.failure.Unreachable;
import co.mumo.okra.runner.watch.Passes;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkException;

/** {@code okra-runner reconcile}: one pass, or passes until the Cell settles. */
@Command(name = "reconcile", description = {
    "Run one reconcile pass over a Cell (or all Cells): observe, decide, record, act.",
    "With --wait, run passes until the Cell is settled: Succeeded, Failed, or waiting for a human.",
    "With --all --watch, keep running passes over every Cell, one loop at a time (a Lease elects it)."},
    footer = ExitCodes.HELP)
final class ReconcileCommand implements Callable<Integer>, Deadlines.Bounded {
  private static final int MAX_CONSECUTIVE_ERRORS = 5;
  private static final Duration MAX_SLEEP = Duration.ofSeconds(10);

  @Mixin
  GlobalOptions global;

  @Mixin
  WatchOptions watchOptions;

  @Mixin
  NotifyOptions notify;

  @CommandLine.ArgGroup(multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--cell", description = "The Cell to reconcile.", required = true)
    String cell;

    @Option(names = "--all", description = "Every Cell in the namespace (with -n) or in all namespaces.", required = true)
    boolean all;
  }

  @Option(names = "--wait", description = "Run passes until the Cell settles, printing progress.")
  boolean wait;

  @Option(names = "--timeout", description = "Give up after this long (e.g. 30m, 1h), whatever the runner is waiting on: with --wait,"
      + " the time for all the passes; exit code 4. Default: ${DEFAULT-VALUE}.", defaultValue = "30m")
  String timeout;

  @Option(names = "--parallel", paramLabel = "N", description = {"With --all: work on up to N listeners at once (a listener's Cells",
      "one after another). Default: ${DEFAULT-VALUE}."}, defaultValue = "4")
  int parallel;

  @Option(names = "--dry-run", description = "Print the plan; write nothing to Kubernetes or AWS.")
  boolean dryRun;

  @Option(names = "--analysis-evaluator", paramLabel = "EVALUATOR", description = {"Who judges analyses that do not choose: argo (Argo Rollouts'",
      "controller, the default) or okra (Okra's own evaluator, measuring on each pass). A step's analysis.evaluator,",
      "else the Cell's annotation okra.mumo.co/analysis-evaluator, comes first."},
      defaultValue = "argo")
  String analysisEvaluator;

  @Option(names = "--allow-job-provider", description = {"Let Okra's evaluator run job metrics' commands on this machine, with",
      "the runner's credentials (off by default: a template's author should not get them; the policy's",
      "analysis.allowJobProvider does the same)."})
  boolean allowJobs;

  @Option(names = "--interval", description = "With --wait: the longest sleep between passes (default: ${DEFAULT-VALUE}).",
      defaultValue = "10s", hidden = true)
  String interval;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Test seam: how the wait loop sleeps. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  static Sleeper sleeper = d -> Thread.sleep(d.toMillis());

  @Override
  public Optional<Duration> timeout() {
    try {
      return Optional.of(Durations.parse(timeout));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public Integer call() throws Exception {
    Clock clock = global.clock();
    Instant started = clock.instant();
    Duration limit = parseDuration("--timeout", timeout);
    Duration maxSleep = parseDuration("--interval", interval);
    Output output = global.output(spec);
    if (watchOptions.watch && !target.all) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--watch works with --all (every Cell, or every Cell of -n)");
    }
    if (watchOptions.watch && (wait || dryRun)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--watch cannot be combined with --wait or --dry-run");
    }
    try (Clients clients = new Clients(global)) {
      // Checked before anything else: a webhook the policy refuses stops the run before any pass.
      Notifier notifier = clients.notifier(notify.webhooks());
      clients.prepareLoadBalancer();
      CellReconciler reconciler = clients.reconciler(parseEvaluator(), allowJobs).withNotifier(notifier);
      String namespace = target.all && global.namespace == null ? null : clients.namespace();
      if (parallel < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--parallel: must be at least 1, got " + parallel);
      CellReconciler.Options options = new CellReconciler.Options(dryRun, parallel);
      if (watchOptions.watch) return watch(clients, reconciler, namespace, options, output);
      if (!wait || dryRun) {
        List<PassResult> results = pass(reconciler, namespace, options);
        if (results.isEmpty()) sayEmpty(output, namespace);
        results.forEach(output::pass);
        return exitCode(results, false);
      }
      return waitLoop(reconciler, namespace, options, output, clock, started.plus(limit), limit, maxSleep);
    }
  }

  /** {@code --all --watch}: passes over every Cell for as long as the process runs, while it holds the Lease. */
  private int watch(Clients clients, CellReconciler reconciler, String namespace, CellReconciler.Options options, Output output)
      throws InterruptedException {
    Map<String, String> lastShown = new HashMap<>();
    String what = "every Cell " + (namespace == null ? "in all namespaces" : "in namespace " + namespace);
    Watching.Mode mode = new Watching.Mode(what, "okra-runner", Duration.ofMinutes(5),
        wakeups -> Passes.cellWatches(clients.kube(), namespace, wakeups),
        Passes.cells(reconciler, namespace, options, results -> {
          for (PassResult r : results) if (shownChanged(lastShown, r) || !r.done().isEmpty()) output.pass(r);
        }));
    return Watching.run(spec.commandLine(), clients, watchOptions, mode, output);
  }

  /** Whether a pass's result is worth printing: what people see of it changed since it was last printed. */
  private static boolean shownChanged(Map<String, String> lastShown, PassResult r) {
    String shown = r.phase() + "|" + r.status().message + "|" + Output.weights(r.status()) + "|" + Output.analysisKey(r.status());
    return !shown.equals(lastShown.put(r.cell(), shown));
  }

  /** `reconcile --all` found nothing to do: said, not silent (a mistyped namespace looks just like this). */
  private static void sayEmpty(Output output, String namespace) {
    output.event("empty", namespace == null ? "no Cell in any namespace" : "no Cell in namespace " + namespace);
  }

  private int waitLoop(CellReconciler reconciler, String namespace, CellReconciler.Options options, Output output,
                       Clock clock, Instant deadline, Duration limit, Duration maxSleep) throws InterruptedException {
    Map<String, String> lastShown = new HashMap<>();
    List<PassResult> last = List.of();
    int errors = 0;
    while (true) {
      List<PassResult> results;
      try {
        results = pass(reconciler, namespace, options);
      } catch (KubernetesClientException | SdkException e) {
        // Only what may pass: a failure that a retry cannot mend (bad input, an unreachable server) ends the run now.
        if (++errors >= MAX_CONSECUTIVE_ERRORS || Failures.of(e).kind() != Failure.Kind.SERVICE
            || Failures.find(e, Unreachable.class).isPresent()) {
          throw e;
        }
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) return timedOut(output, limit, last);
        Duration backoff = min(Duration.ofSeconds(Math.min(30, 1L << errors)), left);
        output.event("retry", "error (" + errors + "/" + MAX_CONSECUTIVE_ERRORS + "): " + Failures.of(e).line()
            + "; retrying in " + Durations.format(backoff));
        sleeper.sleep(backoff);
        continue;
      }
      last = results;
      if (results.isEmpty()) {
        sayEmpty(output, namespace);
        return ExitCodes.OK;
      }
      // A pass over many Cells reports a Cell whose calls failed and goes on; the same limit applies to it.
      List<PassResult> failed = results.stream().filter(r -> r.outcome() == CellReconciler.Outcome.ERROR).toList();
      errors = failed.isEmpty() ? 0 : errors + 1;
      if (errors >= MAX_CONSECUTIVE_ERRORS) {
        results.forEach(output::pass);
        return ExitCodes.ERROR;
      }
      for (PassResult r : results) {
        if (shownChanged(lastShown, r) || !r.done().isEmpty()) output.pass(r);
      }
      if (results.stream().allMatch(PassResult::settled)) {
        return exitCode(results, true);
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) return timedOut(output, limit, results);
      Duration next = results.stream().filter(r -> !r.settled())
          .map(r -> r.plan().flatMap(p -> p.requeueAfter()).orElse(maxSleep))
          .min(Duration::compareTo).orElse(maxSleep);
      next = min(min(next, maxSleep), left);
      if (next.compareTo(Duration.ofSeconds(1)) < 0) next = Duration.ofSeconds(1);
      if (next.compareTo(Duration.ofSeconds(5)) >= 0) {
        output.text("    next pass in " + Durations.format(next) + " (timeout in " + Durations.format(left) + ")");
      }
      sleeper.sleep(next);
      // The deadline is hard: no pass starts after it.
      if (!clock.instant().isBefore(deadline)) return timedOut(output, limit, results);
    }
  }

  private static int timedOut(Output output, Duration limit, List<PassResult> results) {
    output.event("timeout", "timed out after " + Durations.format(limit) + "; still waiting: " + String.join("; ",
        results.stream().filter(r -> !r.settled()).map(r -> r.cell() + ": " + r.status().message).toList()));
    return ExitCodes.TIMED_OUT;
  }

  private List<PassResult> pass(CellReconciler reconciler, String namespace, CellReconciler.Options options) {
    return target.all ? reconciler.reconcileAll(namespace, options) : List.of(reconciler.reconcile(namespace, target.cell, options));
  }

  /** The worst outcome wins: invalid, then failed, then a Cell whose calls failed, then needs-a-human. */
  static int exitCode(List<PassResult> results, boolean waited) {
    if (results.stream().anyMatch(r -> r.phase() == Phase.Invalid)) return ExitCodes.INVALID;
    if (results.stream().anyMatch(r -> r.phase().failed())) return ExitCodes.ROLLOUT_FAILED;
    if (results.stream().anyMatch(r -> r.outcome() == CellReconciler.Outcome.ERROR)) return ExitCodes.ERROR;
    if (waited && results.stream().anyMatch(r -> r.phase() == Phase.Paused)) return ExitCodes.NEEDS_HUMAN;
    return ExitCodes.OK;
  }

  private Evaluator parseEvaluator() {
    try {
      return Evaluator.parse(analysisEvaluator);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--analysis-evaluator: " + e.getMessage());
    }
  }

  private Duration parseDuration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
