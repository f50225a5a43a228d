package co.mumo.okra.discovery;

import java.util.List;

/**
 * What a ClusterSet pass will do to the Secrets in its namespace. {@code delete} only ever names
 * Secrets the ClusterSet owns.
 *
 * @param matched EKS clusters that match a generator, by name (whatever their status)
 * @param pending matched clusters not ACTIVE yet
 * @param owned   Secrets the set owns after the plan is carried out
 */
public record SecretPlan(List<String> matched, List<String> pending, List<DesiredSecret> create, List<DesiredSecret> update,
                         List<String> delete, List<Note> notes, int owned) {
  public SecretPlan {
    matched = List.copyOf(matched);
    pending = List.copyOf(pending);
    create = List.copyOf(create);
    update = List.copyOf(update);
    delete = List.copyOf(delete);
    notes = List.copyOf(notes);
  }

  public boolean changesNothing() {
    return create.isEmpty() && update.isEmpty() && delete.isEmpty();
  }
}
