package co.mumo.okra.runner.watch;

import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.ClusterSet;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.Plan;
import co.mumo.okra.discovery.Discovery;
import co.mumo.okra.discovery.DiscoveryKeys;
import co.mumo.okra.discovery.DiscoveryResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the continuous mode watches and runs, for Cells ({@code reconcile --all --watch}) and for
 * discovery ({@code discover --watch}): the same passes the one-shot commands make.
 */
public final class Passes {
  /** How soon to look at a Cell that is not settled and did not say when (a conflict, a failed call). */
  static final Duration UNSETTLED = Duration.ofSeconds(10);
  private static final Duration START_WITHIN = Duration.ofSeconds(60);

  private Passes() {}

  /**
   * What a Cell pass reads and people or other tools change: Cells (spec, and the human commands, which
   * write status), AWSTargetGroups (a new version's clusters) and VersionBlocklists. What cannot be
   * watched from here (the ALB) or is polled by the plan's own due times (analysis runs) is left to those
   * and to the resync.
   */
  public static ChangeWatches cellWatches(KubernetesClient client, String namespace, Wakeups wakeups) {
    String where = namespace == null ? "in all namespaces" : "in namespace " + namespace;
    return new ChangeWatches(wakeups)
        .watch("Cell", where, scope(client.resources(Cell.class), namespace), START_WITHIN)
        .watch("AWSTargetGroup", where, scope(client.resources(AWSTargetGroup.class), namespace), START_WITHIN)
        .watch("VersionBlocklist", where, scope(client.resources(VersionBlocklist.class), namespace), START_WITHIN);
  }

  /**
   * Every Cell in {@code namespace} (all when null), as {@code reconcile --all} does; {@code shown} gets
   * each pass's results. Due next: the soonest requeue of a Cell that is not settled.
   */
  public static ContinuousLoop.Pass cells(CellReconciler reconciler, String namespace, CellReconciler.Options options,
                                          Consumer<List<PassResult>> shown) {
    return () -> {
      List<PassResult> results = reconciler.reconcileAll(namespace, options);
      shown.accept(results);
      boolean failed = results.stream().anyMatch(r -> r.outcome() == CellReconciler.Outcome.ERROR);
      Optional<Duration> next = results.stream().filter(r -> !r.settled())
          .map(r -> r.plan().flatMap(Plan::requeueAfter).orElse(UNSETTLED)).min(Duration::compareTo);
      return new ContinuousLoop.Result(failed, next);
    };
  }

  /**
   * Discovery's inputs in the management cluster: the sets and the ArgoCD cluster Secrets (by their
   * label). EKS and the workload clusters' TargetGroupBindings are found on the resync.
   */
  public static ChangeWatches discoveryWatches(KubernetesClient client, String namespace, Wakeups wakeups) {
    String where = "in namespace " + namespace;
    return new ChangeWatches(wakeups)
        .watch("ClusterSet", where, client.resources(ClusterSet.class).inNamespace(namespace), START_WITHIN)
        .watch("AWSTargetGroupSet", where, client.resources(AWSTargetGroupSet.class).inNamespace(namespace), START_WITHIN)
        .watch("Secret", where + " labelled " + DiscoveryKeys.ARGOCD_SECRET_TYPE + "=cluster",
            client.secrets().inNamespace(namespace).withLabel(DiscoveryKeys.ARGOCD_SECRET_TYPE, DiscoveryKeys.ARGOCD_SECRET_TYPE_CLUSTER),
            START_WITHIN);
  }

  /** One discovery pass over every set in {@code namespace}; due next: the resync only. */
  public static ContinuousLoop.Pass discovery(Discovery discovery, String namespace, Consumer<List<DiscoveryResult>> shown) {
    return () -> {
      List<DiscoveryResult> results = discovery.run(namespace, Discovery.Selection.ALL, false);
      shown.accept(results);
      return new ContinuousLoop.Result(results.stream().anyMatch(DiscoveryResult::incomplete), Optional.empty());
    };
  }

  private static <T extends HasMetadata> Informable<T> scope(
      MixedOperation<T, ?, ?> op, String namespace) {
    return namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
  }
}
