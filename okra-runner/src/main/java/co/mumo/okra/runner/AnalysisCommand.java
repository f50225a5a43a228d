package co.mumo.okra.runner;

import co.mumo.okra.analysis.OkraAnalyses;
import co.mumo.okra.analysis.eval.Evaluation;
import co.mumo.okra.analysis.eval.InvalidAnalysisException;
import co.mumo.okra.analysis.eval.Measurement;
import co.mumo.okra.analysis.eval.MetricResult;
import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.cell.Evaluator;
import co.mumo.okra.cell.Step;
import co.mumo.okra.core.Durations;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Clock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code okra-runner analysis run}: an analysis judged by Okra's evaluator, outside any rollout. */
@Command(name = "analysis", description = "Run AnalysisTemplates with Okra's own evaluator, outside a rollout (a CI gate).",
    subcommands = AnalysisCommand.Run.class)
final class AnalysisCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: run");
  }

  @Command(name = "run", description = {
      "Run an analysis made of AnalysisTemplates and print the verdict: each metric, its value, the condition and why.",
      "The measurements are kept in an AnalysisRun (Argo's layout), so running the command again continues the same run;"
          + " with --wait it sleeps until each measurement is due and exits with the verdict."},
      footer = ExitCodes.ANALYSIS_RUN_HELP)
  static final class Run implements Callable<Integer>, Deadlines.Bounded {
    /** Test seam: how --wait sleeps. */
    static ReconcileCommand.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--template", paramLabel = "NAME", description = "An AnalysisTemplate in the namespace (repeat to merge several).")
    List<String> templates = new ArrayList<>();

    @Option(names = "--cluster-template", paramLabel = "NAME", description = "A ClusterAnalysisTemplate (repeatable).")
    List<String> clusterTemplates = new ArrayList<>();

    @Option(names = "--arg", paramLabel = "NAME=VALUE", description = "An argument of the templates, NAME=VALUE (repeatable; NAME= for an empty value).")
    Map<String, String> args = new LinkedHashMap<>();

    @Option(names = "--name", paramLabel = "RUN", description = {"The AnalysisRun to keep the measurements in (default: okra-TEMPLATE-HASH,",
        "the hash of the templates' content and the args: an edited template is a new run, measured afresh). A named run",
        "must hold this very analysis."})
    String name;

    @Option(names = "--allow-job-provider", description = {"Let job metrics run their command on this machine, with the",
        "runner's credentials (off by default: a template's author should not get them; the policy's",
        "analysis.allowJobProvider does the same)."})
    boolean allowJobs;

    @Option(names = "--wait", description = "Take measurements as they fall due until there is a verdict.")
    boolean wait;

    @Option(names = "--timeout", description = "Give up after this long (e.g. 30m, 1h), whatever the runner is waiting on; exit code 4."
        + " Default: ${DEFAULT-VALUE}.", defaultValue = "30m")
    String timeout;

    @Override
    public Optional<Duration> timeout() {
      try {
        return Optional.of(Durations.parse(timeout));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }

    @Override
    public Integer call() throws InterruptedException {
      if (templates.isEmpty() && clusterTemplates.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "give at least one --template or --cluster-template");
      }
      Duration limit;
      try {
        limit = Durations.parse(timeout);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--timeout: " + e.getMessage());
      }
      List<Step.TemplateRef> refs = new ArrayList<>();
      templates.forEach(t -> refs.add(new Step.TemplateRef(t, false)));
      clusterTemplates.forEach(t -> refs.add(new Step.TemplateRef(t, true)));
      Output out = global.output(spec);
      try (Clients clients = new Clients(global)) {
        String ns = clients.namespace();
        OkraAnalyses okra = clients.okraAnalyses(Evaluator.OKRA, allowJobs);
        GenericKubernetesResource run;
        try {
          run = okra.standalone(ns, Optional.ofNullable(name), refs, args);
        } catch (InvalidAnalysisException e) {
          for (FieldError error : e.errors()) spec.commandLine().getErr().println("okra-runner: " + error);
          return ExitCodes.INVALID;
        }
        Clock clock = global.clock();
        Instant deadline = clock.instant().plus(limit);
        while (true) {
          Evaluation evaluation = okra.evaluation(run);
          RunStatus status = evaluation.status();
          print(out, ns + "/" + run.getMetadata().getName(), status);
          if (status.completed()) return exitCode(status.phase());
          if (!wait) return ExitCodes.TIMED_OUT;
          // The pass that measured knows when the next measurement is due; no second read of the spec's Secrets.
          Instant now = clock.instant();
          Instant next = evaluation.nextMeasurementAt().orElse(now.plusSeconds(10));
          Duration sleep = Duration.between(now, next);
          if (now.plus(sleep).isAfter(deadline)) {
            spec.commandLine().getErr().println("okra-runner: no verdict within " + timeout);
            return ExitCodes.TIMED_OUT;
          }
          if (!sleep.isNegative() && !sleep.isZero()) sleeper.sleep(sleep);
          run = okra.reload(run);
        }
      }
    }

    static int exitCode(RunPhase phase) {
      return switch (phase) {
        case SUCCESSFUL -> ExitCodes.OK;
        case INCONCLUSIVE -> ExitCodes.NEEDS_HUMAN;
        case FAILED, ERROR -> ExitCodes.ROLLOUT_FAILED;
        default -> ExitCodes.TIMED_OUT;
      };
    }

    private static void print(Output out, String key, RunStatus status) {
      if (out.json()) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("analysisRun", key);
        line.putAll(status.toMap());
        out.line("analysisRun", line);
        return;
      }
      out.text("[" + key + "] " + status.phase().argoName() + (status.message() == null ? "" : ": " + status.message()));
      for (MetricResult r : status.metricResults()) {
        String last = r.last().map(Measurement::message).orElse(r.message());
        out.text("    " + r.name() + (r.dryRun() ? " (dry run)" : "") + ": " + r.phase().argoName() + ", " + r.count() + " measured ("
            + r.successful() + " successful, " + r.failed() + " failed, " + r.inconclusive() + " inconclusive, " + r.error() + " errors)"
            + (last == null ? "" : " - " + last));
      }
    }
  }
}
