package co.mumo.okra.discovery;

import java.util.List;

/**
 * What an AWSTargetGroupSet pass will do. {@code delete} only names AWSTargetGroups the set owns
 * and whose cluster was listed successfully (or is no longer selected); {@code kept} are the ones
 * left as they are because their cluster could not be listed.
 */
public record TargetGroupPlan(List<DesiredTargetGroup> create, List<DesiredTargetGroup> update, List<String> delete,
                              List<String> kept, List<Note> notes, List<ClusterSummary> clusters, int owned) {
  public TargetGroupPlan {
    create = List.copyOf(create);
    update = List.copyOf(update);
    delete = List.copyOf(delete);
    kept = List.copyOf(kept);
    notes = List.copyOf(notes);
    clusters = List.copyOf(clusters);
  }

  /** Per selected cluster: reached or not, how many bindings it contributed. */
  public record ClusterSummary(String cluster, boolean reachable, int bindings, String message) {}

  public boolean changesNothing() {
    return create.isEmpty() && update.isEmpty() && delete.isEmpty();
  }
}
