package co.mumo.okra.runner;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.discovery.Discovery;
import co.mumo.okra.discovery.DiscoveryResult;
import co.mumo.okra.discovery.Note;
import co.mumo.okra.runner.watch.Passes;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code okra-runner discover}: one pass of every ClusterSet and AWSTargetGroupSet (or the named ones). */
@Command(name = "discover", description = {
    "One discovery pass: ClusterSets turn tagged EKS clusters into ArgoCD cluster Secrets, then AWSTargetGroupSets",
    "turn the TargetGroupBindings in those clusters into AWSTargetGroups. Prints what was created, updated and deleted."},
    footer = ExitCodes.DISCOVER_HELP)
final class DiscoverCommand implements Callable<Integer> {
  @Mixin
  GlobalOptions global;

  @Mixin
  WatchOptions watchOptions;

  @Option(names = "--clusterset", description = "Only this ClusterSet (with --targetgroupset: these two).")
  String clusterSet;

  @Option(names = "--targetgroupset", description = "Only this AWSTargetGroupSet (with --clusterset: these two).")
  String targetGroupSet;

  @Option(names = "--dry-run", description = "Print what would change; write nothing. A dry run does not see the Secrets it would create.")
  boolean dryRun;

  @Option(names = "--allow-exec-plugins", description = {"Run the execProviderConfig commands of ArgoCD cluster Secrets (off by",
      "default: whoever can write such a Secret would run commands with the runner's credentials)."})
  boolean allowExecPlugins;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Output out = global.output(spec);
    if (watchOptions.watch && (clusterSet != null || targetGroupSet != null || dryRun)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--watch covers every set of the namespace: without --clusterset, --targetgroupset or --dry-run");
    }
    try (DiscoveryClients clients = new DiscoveryClients(global, allowExecPlugins)) {
      String ns = clients.kube().namespace();
      if (watchOptions.watch) return watch(clients, ns, out);
      List<DiscoveryResult> results = clients.discovery()
          .run(ns, new Discovery.Selection(Optional.ofNullable(clusterSet), Optional.ofNullable(targetGroupSet)), dryRun);
      if (results.isEmpty()) out.event("discover", "no ClusterSet or AWSTargetGroupSet in namespace " + ns);
      for (DiscoveryResult r : results) print(out, r);
      return exitCode(results);
    }
  }

  /** {@code --watch}: discovery passes over every set of the namespace for as long as the process runs, while it holds the Lease. */
  private int watch(DiscoveryClients clients, String ns, Output out) throws InterruptedException {
    Map<String, String> lastShown = new HashMap<>();
    Watching.Mode mode = new Watching.Mode("every ClusterSet and AWSTargetGroupSet in namespace " + ns, "okra-discover",
        Duration.ofMinutes(2),
        wakeups -> Passes.discoveryWatches(clients.kube().kube(), ns, wakeups),
        Passes.discovery(clients.discovery(), ns, results -> {
          for (DiscoveryResult r : results) {
            String shown = r.outcome() + "|" + r.message() + "|" + r.notes();
            boolean changed = !r.created().isEmpty() || !r.updated().isEmpty() || !r.deleted().isEmpty();
            if (!shown.equals(lastShown.put(r.kind() + " " + r.key(), shown)) || changed) print(out, r);
          }
        }));
    return Watching.run(spec.commandLine(), clients.kube(), watchOptions, mode, out);
  }

  static int exitCode(List<DiscoveryResult> results) {
    if (results.stream().anyMatch(r -> r.outcome() == DiscoveryResult.Outcome.INVALID)) return ExitCodes.INVALID;
    if (results.stream().anyMatch(DiscoveryResult::incomplete)) return ExitCodes.ERROR;
    return ExitCodes.OK;
  }

  static void print(Output out, DiscoveryResult r) {
    if (out.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", r.kind());
      m.put("set", r.key());
      m.put("outcome", r.outcome().name());
      m.put("created", r.created());
      m.put("updated", r.updated());
      m.put("deleted", r.deleted());
      m.put("notes", r.notes().stream().map(n -> Map.of("kind", n.kind().name(), "subject", n.subject(), "message", n.message())).toList());
      m.put("errors", r.errors().stream().map(e -> Map.of("field", e.path(), "message", e.message())).toList());
      m.put("message", r.message());
      out.line("discovery", m);
      return;
    }
    StringBuilder b = new StringBuilder("[").append(r.kind()).append(" ").append(r.key()).append("] ");
    if (r.outcome() == DiscoveryResult.Outcome.INVALID) {
      b.append("invalid, nothing changed");
      for (FieldError e : r.errors()) b.append("\n    error: ").append(e);
    } else {
      b.append(r.created().size()).append(" created, ").append(r.updated().size()).append(" updated, ")
          .append(r.deleted().size()).append(" deleted").append(r.outcome() == DiscoveryResult.Outcome.DRY_RUN ? " (dry run: nothing was written)" : "");
      r.created().forEach(n -> b.append("\n    created ").append(n));
      r.updated().forEach(n -> b.append("\n    updated ").append(n));
      r.deleted().forEach(n -> b.append("\n    deleted ").append(n));
      for (Note n : r.notes()) b.append("\n    ").append(n);
    }
    out.text(b.toString());
  }
}
