package co.mumo.okra.discovery;

import co.mumo.okra.api.ClusterSet;
import co.mumo.okra.api.Condition;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over one ClusterSet: observe (EKS, the Secrets), decide ({@link SecretPlanner}), act,
 * record the status. An EKS or Kubernetes read failure propagates before anything is written, so a
 * failed listing never deletes a Secret.
 */
public final class ClusterSetReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetReconciler.class);
  public static final String KIND = "ClusterSet";

  private final DiscoveryStore store;
  private final EksClusters eks;
  private final Clock clock;

  public ClusterSetReconciler(DiscoveryStore store, EksClusters eks, Clock clock) {
    this.store = store;
    this.eks = eks;
    this.clock = clock;
  }

  public DiscoveryResult reconcile(ClusterSet set, boolean dryRun) {
    String key = set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
    Instant now = clock.instant();
    long generation = set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
    ClusterSetDefinition def;
    try {
      def = DiscoveryValidator.clusterSet(set);
    } catch (InvalidSpecException e) {
      if (!dryRun) record(set, invalidStatus(set, e.errors(), e.getMessage(), generation, now));
      return DiscoveryResult.invalid(KIND, key, e.errors(), e.getMessage());
    }
    List<EksCluster> clusters = eks.clusters();
    List<ObservedSecret> secrets = store.clusterSecrets(def.namespace(), def.name());
    SecretPlan plan = SecretPlanner.plan(def, clusters, secrets);
    List<Note> notes = new ArrayList<>(plan.notes());
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    if (dryRun) {
      plan.create().forEach(s -> created.add(s.name()));
      plan.update().forEach(s -> updated.add(s.name()));
      deleted.addAll(plan.delete());
      return new DiscoveryResult(KIND, key, DiscoveryResult.Outcome.DRY_RUN, created, updated, deleted, notes, List.of(),
          summary(plan, notes));
    }
    for (DesiredSecret s : plan.create()) {
      write("create", "Secret " + def.namespace() + "/" + s.name(), () -> store.createSecret(set, s), created, s.name(), notes);
    }
    for (DesiredSecret s : plan.update()) {
      write("update", "Secret " + def.namespace() + "/" + s.name(), () -> store.updateSecret(set, s), updated, s.name(), notes);
    }
    for (String name : plan.delete()) {
      write("delete", "Secret " + def.namespace() + "/" + name, () -> store.deleteSecret(def.namespace(), name), deleted, name, notes);
    }
    String message = summary(plan, notes);
    record(set, status(set, plan, notes, message, generation, now));
    boolean changed = !created.isEmpty() || !updated.isEmpty() || !deleted.isEmpty();
    return new DiscoveryResult(KIND, key, changed ? DiscoveryResult.Outcome.CHANGED : DiscoveryResult.Outcome.UNCHANGED,
        created, updated, deleted, notes, List.of(), message);
  }

  private static void write(String verb, String what, Runnable write, List<String> done, String name, List<Note> notes) {
    try {
      write.run();
      done.add(name);
      LOG.info("{} {}", verb.equals("create") ? "created" : verb.equals("update") ? "updated" : "deleted", what);
    } catch (RuntimeException e) {
      // One failed write does not stop the others; the next pass retries it.
      notes.add(new Note(Note.Kind.FAILED, what, "could not " + verb + ": " + e.getMessage()));
    }
  }

  private static String summary(SecretPlan plan, List<Note> notes) {
    StringBuilder b = new StringBuilder().append(plan.matched().size()).append(" cluster(s) matched, ")
        .append(plan.owned()).append(" Secret(s) owned");
    if (!plan.pending().isEmpty()) b.append(", ").append(plan.pending().size()).append(" not ACTIVE yet");
    long problems = notes.stream().filter(n -> n.kind() != Note.Kind.PENDING).count();
    if (problems > 0) b.append("; ").append(String.join("; ", notes.stream().filter(n -> n.kind() != Note.Kind.PENDING)
        .map(Note::toString).toList()));
    return b.toString();
  }

  private static ClusterSet.Status status(ClusterSet set, SecretPlan plan, List<Note> notes, String message, long generation, Instant now) {
    ClusterSet.Status s = new ClusterSet.Status();
    boolean failed = notes.stream().anyMatch(n -> n.kind() == Note.Kind.FAILED);
    boolean conflicts = notes.stream().anyMatch(n -> n.kind() == Note.Kind.CONFLICT);
    s.observedGeneration = generation;
    s.phase = failed ? DiscoveryConditions.PARTIALLY_SYNCED : DiscoveryConditions.SYNCED;
    s.message = message;
    s.clusters = plan.matched();
    s.matchedClusters = plan.matched().size();
    s.secrets = plan.owned();
    s.pendingClusters = plan.pending().isEmpty() ? null : plan.pending();
    s.conditions = DiscoveryConditions.ready(old(set), !failed,
        failed ? DiscoveryConditions.REASON_WRITE_FAILED : conflicts ? DiscoveryConditions.REASON_CONFLICTS : DiscoveryConditions.REASON_SYNCED,
        message, generation, now);
    s.lastSyncTime = now.toString();
    return s;
  }

  private static ClusterSet.Status invalidStatus(ClusterSet set, List<FieldError> errors, String message, long generation, Instant now) {
    ClusterSet.Status s = set.getStatus() == null ? new ClusterSet.Status() : copy(set.getStatus());
    s.observedGeneration = generation;
    s.phase = DiscoveryConditions.INVALID;
    s.message = message;
    s.conditions = DiscoveryConditions.ready(old(set), false, DiscoveryConditions.REASON_INVALID_SPEC, message, generation, now);
    s.lastSyncTime = now.toString();
    return s;
  }

  private static List<Condition> old(ClusterSet set) {
    return set.getStatus() == null ? null : set.getStatus().conditions;
  }

  private void record(ClusterSet set, ClusterSet.Status status) {
    if (same(set.getStatus(), status)) return;
    store.updateStatus(set, status);
  }

  /** Equal but for lastSyncTime: not worth a write. */
  static boolean same(ClusterSet.Status a, ClusterSet.Status b) {
    if (a == null || b == null) return a == b;
    ClusterSet.Status x = copy(a);
    ClusterSet.Status y = copy(b);
    x.lastSyncTime = null;
    y.lastSyncTime = null;
    return Objects.equals(Serialization.asJson(x), Serialization.asJson(y));
  }

  private static ClusterSet.Status copy(ClusterSet.Status s) {
    return Serialization.clone(s);
  }
}
