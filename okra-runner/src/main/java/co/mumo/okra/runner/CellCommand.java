package co.mumo.okra.runner;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.Condition;
import co.mumo.okra.cell.CellControl;
import co.mumo.okra.cell.CellEvents;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellStatusMapping;
import co.mumo.okra.cell.CellValidator;
import co.mumo.okra.cell.ClusterStore;
import co.mumo.okra.cell.Reasons;
import co.mumo.okra.cell.RolloutState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code okra-runner cell ...}: look at Cells and steer their rollouts. */
@Command(name = "cell", description = "Show Cells, their rollout history, and steer rollouts (promote, pause, resume, abort, retry).",
    subcommands = {CellCommand.Get.class, CellCommand.Describe.class, CellCommand.History.class, CellCommand.Promote.class,
        CellCommand.Pause.class, CellCommand.Resume.class, CellCommand.Abort.class, CellCommand.Retry.class})
final class CellCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: get, describe, history, promote, pause, resume, abort or retry");
  }

  /** Shared by the subcommands: options and output. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Output output() {
      return global.output(spec);
    }

    /** The Cell {@code ns/name}, or the not-found error every cell command gives. */
    static Cell existing(ClusterStore store, String ns, String name) {
      return store.cell(ns, name).orElseThrow(() -> new CellReconciler.CellNotFoundException(ns, name));
    }
  }

  @Command(name = "get", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.READ_HELP, description = "List Cells with their phase, versions and step.")
  static final class Get extends Base {
    @Parameters(arity = "0..1", description = "A Cell name (default: all in the namespace).")
    String name;

    @Override
    public Integer call() {
      try (Clients clients = new Clients(global)) {
        ClusterStore store = clients.store();
        String ns = clients.namespace();
        List<Cell> cells = name == null ? store.cells(ns)
            : List.of(existing(store, ns, name));
        Output out = output();
        if (cells.isEmpty()) {
          out.event("empty", "no Cell in namespace " + ns);
          return ExitCodes.OK;
        }
        if (out.json()) {
          cells.forEach(c -> out.line("cellSummary", summary(c)));
          return ExitCodes.OK;
        }
        out.text(String.format("%-24s %-12s %-10s %-10s %-6s %-9s %s", "NAME", "PHASE", "STABLE", "DESIRED", "STEP", "SYNC", "TRAFFIC"));
        for (Cell c : cells) {
          CellStatus s = c.getStatus() == null ? new CellStatus() : c.getStatus();
          String sync = Output.trafficSync(s);
          // Wanted, and what the ALB carried when it is something else.
          String traffic = Output.weights(s) + (sync.equals("Synced") || Output.albWeights(s).isEmpty() ? "" : "  [ALB: " + Output.albWeights(s) + "]")
              + (s.headerRoutes == null || s.headerRoutes.isEmpty() ? ""
                  : "  [header routes: " + s.headerRoutes.stream().map(h -> h.name).collect(java.util.stream.Collectors.joining(", ")) + "]");
          out.text(String.format("%-24s %-12s %-10s %-10s %-6s %-9s %s", c.getMetadata().getName(), dash(s.phase), dash(s.stableVersion),
              dash(s.desiredVersion), s.currentStepIndex == null ? "-" : s.currentStepIndex, sync, traffic));
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "history", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.READ_HELP, description = {"List the Cell's latest rollouts, oldest first: version, from which version, start, end,",
      "outcome. They are kept in the Cell's status (the last 10); `kubectl describe cell NAME` shows the Events of the last hour."})
  static final class History extends Base {
    @Parameters(index = "0", description = "The Cell.")
    String name;

    @Override
    public Integer call() {
      try (Clients clients = new Clients(global)) {
        String ns = clients.namespace();
        Cell c = existing(clients.store(), ns, name);
        List<CellStatus.RolloutRecord> history = c.getStatus() == null || c.getStatus().history == null ? List.of() : c.getStatus().history;
        Output out = output();
        if (history.isEmpty()) {
          out.event("empty", "[" + ns + "/" + name + "] no rollout recorded yet (the history starts with the first pass of this runner version)");
          return ExitCodes.OK;
        }
        if (out.json()) {
          for (CellStatus.RolloutRecord r : history) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cell", ns + "/" + name);
            m.put("version", r.version);
            m.put("from", r.from);
            m.put("rolloutId", r.rolloutId);
            m.put("startedAt", r.startedAt);
            m.put("endedAt", r.endedAt);
            m.put("outcome", r.outcome);
            m.put("message", r.message);
            out.line("rollout", m);
          }
          return ExitCodes.OK;
        }
        out.text(String.format("%-12s %-12s %-21s %-21s %-14s %s", "VERSION", "FROM", "STARTED", "ENDED", "OUTCOME", "MESSAGE"));
        for (CellStatus.RolloutRecord r : history) {
          out.text(String.format("%-12s %-12s %-21s %-21s %-14s %s", r.version, dash(r.from), dash(r.startedAt), dash(r.endedAt),
              dash(r.outcome), r.message == null ? "" : r.message));
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "describe", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.READ_HELP, description = "Show one Cell's status in full: steps, weights, analysis verdicts, conditions.")
  static final class Describe extends Base {
    @Parameters(index = "0", description = "The Cell.")
    String name;

    @Override
    public Integer call() {
      try (Clients clients = new Clients(global)) {
        String ns = clients.namespace();
        Cell c = existing(clients.store(), ns, name);
        Output out = output();
        if (out.json()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("metadata", c.getMetadata());
          m.put("spec", c.getSpec());
          m.put("status", c.getStatus() == null ? Map.of() : c.getStatus());
          out.line("cell", m);
          return ExitCodes.OK;
        }
        CellStatus s = c.getStatus() == null ? new CellStatus() : c.getStatus();
        out.text("Cell:       " + ns + "/" + name);
        out.text("Phase:      " + dash(s.phase));
        out.text("Message:    " + dash(s.message) + Output.countdown(s, global.clock().instant()));
        out.text("Stable:     " + dash(s.stableVersion));
        out.text("Desired:    " + dash(s.desiredVersion));
        try {
          var def = CellValidator.validate(c);
          for (int i = 0; i < def.steps().size(); i++) {
            String marker = s.currentStepIndex == null ? " " : i < s.currentStepIndex ? "x" : i == s.currentStepIndex ? ">" : " ";
            out.text((i == 0 ? "Steps:      " : "            ") + "[" + marker + "] " + (i + 1) + ". " + def.steps().get(i).describe());
          }
        } catch (RuntimeException invalid) {
          out.text("Steps:      (invalid: " + invalid.getMessage() + ")");
        }
        if (s.pauseEndsAt != null) out.text("Pause ends: " + s.pauseEndsAt);
        out.text("Traffic:    " + dash(Output.weights(s)) + " (wanted)");
        out.text("On the ALB: " + dash(Output.albWeights(s)) + " (" + Output.trafficSync(s) + ", when the status was written)");
        if (s.headerRoutes != null) {
          // Each a rule of its own in front of the Cell's: who sends the header sees the new version alone.
          for (int i = 0; i < s.headerRoutes.size(); i++) {
            out.text((i == 0 ? "Header:     " : "            ") + Output.headerRoute(s.headerRoutes.get(i)));
          }
        }
        if (s.invalidTargetGroups != null) {
          s.invalidTargetGroups.forEach(t -> out.text("Ignored:    " + t.name + ": " + t.reason));
        }
        if (s.failure != null) out.text("Failure:    " + s.failure.version + ": " + s.failure.cause + " (at " + s.failure.at + ")");
        List<String> analysis = Output.analysisLines(s, global.clock().instant());
        for (int i = 0; i < analysis.size(); i++) out.text((i == 0 ? "Analysis:   " : "            ") + analysis.get(i));
        if (s.conditions != null) {
          out.text("Conditions:");
          for (Condition k : s.conditions) {
            out.text(String.format("  %-18s %-6s %-24s %s", k.type, k.status, k.reason, k.message));
          }
        }
        out.text("Last sync:  " + dash(s.lastSyncTime));
        return ExitCodes.OK;
      }
    }
  }

  /** A human command: change the state with the same resourceVersion guard as a pass. */
  abstract static class Steer extends Base {
    @Parameters(index = "0", description = "The Cell.")
    String name;

    abstract RolloutState change(RolloutState state, Cell cell);

    abstract String done(Cell cell);

    /** What the command does once its decision is recorded (record, then act, like a pass). */
    void after(Clients clients, Cell recorded) {}

    @Override
    public Integer call() {
      try (Clients clients = new Clients(global)) {
        String ns = clients.namespace();
        ClusterStore store = clients.store();
        Cell cell = existing(store, ns, name);
        RolloutState next = change(CellStatusMapping.toState(cell.getStatus()), cell);
        String message = done(cell);
        CellStatus was = cell.getStatus();
        Instant now = global.clock().instant();
        cell.setStatus(CellStatusMapping.withState(was, next, message, now));
        Cell recorded;
        try {
          recorded = store.updateCellStatus(cell);
          store.events().record(recorded, CellEvents.between(was, cell.getStatus()), now);
        } catch (ClusterStore.ConflictException e) {
          output().event("conflict", "the Cell changed while this command ran; nothing was written: run it again");
          return ExitCodes.ERROR;
        }
        after(clients, recorded);
        output().event(spec.name(), "[" + ns + "/" + name + "] " + message + "; the next reconcile pass acts on it");
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "promote", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.STEER_HELP, description = "Go past the current step (a pause, an inconclusive analysis).")
  static final class Promote extends Steer {
    @Option(names = "--full", description = "Skip every remaining step: the canary gets 100%% on the next pass.")
    boolean full;

    @Override
    RolloutState change(RolloutState s, Cell cell) {
      String reason = cell.getStatus() == null || cell.getStatus().conditions == null ? null
          : cell.getStatus().conditions.stream().filter(c -> Reasons.PROGRESSING.equals(c.type))
              .map(c -> c.reason).findFirst().orElse(null);
      return CellControl.promote(s, CellValidator.validate(cell).steps().size(), full, global.clock().instant(), reason);
    }

    @Override
    String done(Cell cell) {
      return full ? "promoted: all remaining steps skipped" : "promoted past the current step";
    }
  }

  @Command(name = "pause", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.STEER_HELP, description = "Hold the rollout at its current step.")
  static final class Pause extends Steer {
    @Override
    RolloutState change(RolloutState s, Cell cell) {
      return CellControl.pause(s);
    }

    @Override
    String done(Cell cell) {
      return "paused by user";
    }
  }

  @Command(name = "resume", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.STEER_HELP, description = "Continue a rollout held by `cell pause`.")
  static final class Resume extends Steer {
    @Override
    RolloutState change(RolloutState s, Cell cell) {
      return CellControl.resume(s);
    }

    @Override
    String done(Cell cell) {
      return "resumed";
    }
  }

  @Command(name = "abort", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.STEER_HELP, description = "Roll traffic back to the stable version and block the canary version.")
  static final class Abort extends Steer {
    @Option(names = "--reason", description = "Why; recorded in the blocklist.", defaultValue = "aborted from the command line")
    String reason;

    @Override
    RolloutState change(RolloutState s, Cell cell) {
      return CellControl.abort(s, reason);
    }

    @Override
    String done(Cell cell) {
      return "abort requested (" + reason + ")";
    }
  }

  @Command(name = "retry", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.STEER_HELP, description = "Unblock the failed version and roll it out again.")
  static final class Retry extends Steer {
    private String version;

    @Override
    RolloutState change(RolloutState s, Cell cell) {
      RolloutState next = CellControl.retry(s);
      version = s.failure().orElseThrow().version().toString();
      return next;
    }

    /** Recorded first; were this to fail or the runner to die here, the next pass removes the entry. */
    @Override
    void after(Clients clients, Cell recorded) {
      clients.store().unblock(recorded, version);
    }

    @Override
    String done(Cell cell) {
      return "retrying " + version + " (removed from the blocklist)";
    }
  }

  static Map<String, Object> summary(Cell c) {
    CellStatus s = c.getStatus() == null ? new CellStatus() : c.getStatus();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cell", c.getMetadata().getNamespace() + "/" + c.getMetadata().getName());
    m.put("phase", s.phase);
    m.put("stableVersion", s.stableVersion);
    m.put("desiredVersion", s.desiredVersion);
    m.put("currentStepIndex", s.currentStepIndex);
    m.put("message", s.message);
    m.put("targetGroups", s.targetGroups);
    m.put("albTargetGroups", s.albTargetGroups);
    m.put("headerRoutes", s.headerRoutes);
    m.put("trafficSync", Output.trafficSync(s));
    return m;
  }

  private static String dash(Object o) {
    return o == null || String.valueOf(o).isEmpty() ? "-" : String.valueOf(o);
  }
}
