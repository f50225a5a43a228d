package co.mumo.okra.discovery;

import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.ClusterSet;
import co.mumo.okra.core.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One discovery pass over a namespace: ClusterSets first, so that Secrets they create are seen by
 * the AWSTargetGroupSets in the same pass (not in a dry run, which writes nothing).
 */
public final class Discovery {
  private final DiscoveryStore store;
  private final ClusterSetReconciler clusterSets;
  private final TargetGroupSetReconciler targetGroupSets;

  public Discovery(DiscoveryStore store, ClusterSetReconciler clusterSets, TargetGroupSetReconciler targetGroupSets) {
    this.store = store;
    this.clusterSets = clusterSets;
    this.targetGroupSets = targetGroupSets;
  }

  /**
   * Which sets a pass covers: with neither name, every set of both kinds in the namespace; with a
   * name, only that set (of that kind).
   */
  public record Selection(Optional<String> clusterSet, Optional<String> targetGroupSet) {
    public static final Selection ALL = new Selection(Optional.empty(), Optional.empty());

    boolean all() {
      return clusterSet.isEmpty() && targetGroupSet.isEmpty();
    }
  }

  public List<DiscoveryResult> run(String namespace, Selection selection, boolean dryRun) {
    List<ClusterSet> sets = new ArrayList<>();
    List<AWSTargetGroupSet> tgSets = new ArrayList<>();
    if (selection.all()) {
      sets.addAll(store.clusterSets(namespace));
      tgSets.addAll(store.targetGroupSets(namespace));
    } else {
      selection.clusterSet().ifPresent(n -> sets.add(store.clusterSet(namespace, n)
          .orElseThrow(() -> new NotFoundException("ClusterSet " + namespace + "/" + n + " not found"))));
      selection.targetGroupSet().ifPresent(n -> tgSets.add(store.targetGroupSet(namespace, n)
          .orElseThrow(() -> new NotFoundException("AWSTargetGroupSet " + namespace + "/" + n + " not found"))));
    }
    List<DiscoveryResult> results = new ArrayList<>();
    for (ClusterSet s : sets) results.add(clusterSets.reconcile(s, dryRun));
    for (AWSTargetGroupSet s : tgSets) results.add(targetGroupSets.reconcile(s, dryRun));
    return results;
  }

  /** A set named on the command line does not exist. */
  public static final class NotFoundException extends InputException {
    public NotFoundException(String message) {
      super(message);
    }
  }
}
