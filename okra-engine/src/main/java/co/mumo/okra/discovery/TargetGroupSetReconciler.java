package co.mumo.okra.discovery;

import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.Condition;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over one AWSTargetGroupSet: select cluster Secrets, list each cluster's
 * TargetGroupBindings in parallel (a bounded pool, a deadline per cluster), decide
 * ({@link TargetGroupPlanner}), act, record the status.
 *
 * <p>A cluster that cannot be reached is reported and keeps its AWSTargetGroups. A selected Secret
 * that cannot be read (broken {@code config} JSON, no server) makes the whole set invalid for this
 * pass: without knowing what that cluster holds, deleting anything would be a guess.
 */
public final class TargetGroupSetReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(TargetGroupSetReconciler.class);
  public static final String KIND = "AWSTargetGroupSet";
  /**
   * Clusters listed at once. Each listing mostly waits on the network (a TLS handshake and one LIST
   * per selector), so the pool is sized for the fleets discovery is meant for: up to 64 clusters
   * take about as long as the slowest one. Beyond that, listings queue (and the deadline, counted
   * from the start, includes the wait).
   */
  public static final int DEFAULT_PARALLELISM = 64;
  public static final Duration DEFAULT_CLUSTER_TIMEOUT = Duration.ofSeconds(60);

  private final DiscoveryStore store;
  private final WorkloadClusters workloads;
  private final Clock clock;
  private final int parallelism;
  private final Duration clusterTimeout;

  public TargetGroupSetReconciler(DiscoveryStore store, WorkloadClusters workloads, Clock clock) {
    this(store, workloads, clock, DEFAULT_PARALLELISM, DEFAULT_CLUSTER_TIMEOUT);
  }

  public TargetGroupSetReconciler(DiscoveryStore store, WorkloadClusters workloads, Clock clock, int parallelism, Duration clusterTimeout) {
    if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1");
    this.store = store;
    this.workloads = workloads;
    this.clock = clock;
    this.parallelism = parallelism;
    this.clusterTimeout = clusterTimeout;
  }

  public DiscoveryResult reconcile(AWSTargetGroupSet set, boolean dryRun) {
    String key = set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
    Instant now = clock.instant();
    long generation = set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
    TargetGroupSetDefinition def;
    try {
      def = DiscoveryValidator.targetGroupSet(set);
    } catch (InvalidSpecException e) {
      if (!dryRun) record(set, invalid(set, DiscoveryConditions.REASON_INVALID_SPEC, e.getMessage(), generation, now));
      return DiscoveryResult.invalid(KIND, key, e.errors(), e.getMessage());
    }

    // Which clusters, and which binding selectors for each (a cluster picked by two generators is listed once).
    Map<String, ArgoCluster> clusters = new LinkedHashMap<>();
    Map<String, List<Map<String, String>>> selectors = new LinkedHashMap<>();
    List<FieldError> secretErrors = new ArrayList<>();
    List<String> badSecrets = new ArrayList<>();
    for (TargetGroupSetDefinition.BindingGenerator g : def.generators()) {
      for (ObservedSecret secret : store.secrets(def.namespace(), g.clusterSelector())) {
        try {
          clusters.computeIfAbsent(secret.name(), n -> ArgoClusters.fromSecret(def.namespace(), secret));
          List<Map<String, String>> sel = selectors.computeIfAbsent(secret.name(), n -> new ArrayList<>());
          if (!sel.contains(g.bindingSelector())) sel.add(g.bindingSelector());
        } catch (InvalidSpecException e) {
          if (!badSecrets.contains(e.resource())) {
            badSecrets.add(e.resource());
            e.errors().forEach(f -> secretErrors.add(new FieldError(e.resource() + " " + f.path(), f.message())));
          }
        }
      }
    }
    if (!secretErrors.isEmpty()) {
      String message = "AWSTargetGroupSet " + key + " cannot be synced, nothing was changed: "
          + String.join("; ", secretErrors.stream().map(FieldError::toString).toList());
      if (!dryRun) record(set, invalid(set, DiscoveryConditions.REASON_INVALID_CLUSTER_SECRET, message, generation, now));
      return DiscoveryResult.invalid(KIND, key, secretErrors, message);
    }

    List<ClusterListing> listings = list(clusters, selectors);
    List<ObservedTargetGroup> existing = store.targetGroups(def.namespace());
    TargetGroupPlan plan = TargetGroupPlanner.plan(def, listings, existing);
    List<Note> notes = new ArrayList<>(plan.notes());
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    if (dryRun) {
      plan.create().forEach(t -> created.add(t.name()));
      plan.update().forEach(t -> updated.add(t.name()));
      deleted.addAll(plan.delete());
      return new DiscoveryResult(KIND, key, DiscoveryResult.Outcome.DRY_RUN, created, updated, deleted, notes, List.of(),
          summary(plan, notes));
    }
    for (DesiredTargetGroup t : plan.create()) {
      write("create", def.namespace() + "/" + t.name(), () -> store.createTargetGroup(set, t), created, t.name(), notes);
    }
    for (DesiredTargetGroup t : plan.update()) {
      write("update", def.namespace() + "/" + t.name(), () -> store.updateTargetGroup(set, t), updated, t.name(), notes);
    }
    for (String name : plan.delete()) {
      write("delete", def.namespace() + "/" + name, () -> store.deleteTargetGroup(def.namespace(), name), deleted, name, notes);
    }
    String message = summary(plan, notes);
    record(set, status(set, plan, notes, message, generation, now));
    boolean changed = !created.isEmpty() || !updated.isEmpty() || !deleted.isEmpty();
    return new DiscoveryResult(KIND, key, changed ? DiscoveryResult.Outcome.CHANGED : DiscoveryResult.Outcome.UNCHANGED,
        created, updated, deleted, notes, List.of(), message);
  }

  /** Lists every cluster in parallel; each one's failure or timeout becomes an {@link ClusterListing.Unreachable}. */
  private List<ClusterListing> list(Map<String, ArgoCluster> clusters, Map<String, List<Map<String, String>>> selectors) {
    if (clusters.isEmpty()) return List.of();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, clusters.size()), r -> {
      Thread t = new Thread(r, "okra-discovery-list");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, Future<List<ObservedBinding>>> futures = new LinkedHashMap<>();
      for (ArgoCluster c : clusters.values()) {
        futures.put(c.secretName(), pool.submit(() -> workloads.bindings(c, selectors.get(c.secretName()))));
      }
      // One bound for all the listings, measured on the monotonic clock: a duration, not a time of day.
      long deadline = System.nanoTime() + clusterTimeout.toNanos();
      List<ClusterListing> out = new ArrayList<>();
      for (Map.Entry<String, Future<List<ObservedBinding>>> f : futures.entrySet()) {
        String cluster = f.getKey();
        try {
          long wait = Math.max(0, deadline - System.nanoTime());
          out.add(new ClusterListing.Listed(cluster, f.getValue().get(wait, TimeUnit.NANOSECONDS)));
        } catch (TimeoutException e) {
          f.getValue().cancel(true);
          out.add(new ClusterListing.Unreachable(cluster, "no answer within " + clusterTimeout.toSeconds() + "s"));
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          LOG.debug("cluster {} could not be listed", cluster, cause);
          out.add(new ClusterListing.Unreachable(cluster, describe(cause)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while listing clusters", e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String describe(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    if (root != t && root.getMessage() != null && !message.contains(root.getMessage())) message += " (" + root.getMessage() + ")";
    return message;
  }

  private static void write(String verb, String what, Runnable write, List<String> done, String name, List<Note> notes) {
    try {
      write.run();
      done.add(name);
      LOG.info("{} AWSTargetGroup {}", verb.equals("create") ? "created" : verb.equals("update") ? "updated" : "deleted", what);
    } catch (RuntimeException e) {
      notes.add(new Note(Note.Kind.FAILED, "AWSTargetGroup " + what, "could not " + verb + ": " + e.getMessage()));
    }
  }

  private static String summary(TargetGroupPlan plan, List<Note> notes) {
    long reachable = plan.clusters().stream().filter(TargetGroupPlan.ClusterSummary::reachable).count();
    StringBuilder b = new StringBuilder().append(plan.clusters().size()).append(" cluster(s) selected, ")
        .append(reachable).append(" listed, ").append(plan.owned()).append(" AWSTargetGroup(s) owned");
    if (!notes.isEmpty()) b.append("; ").append(String.join("; ", notes.stream().map(Note::toString).toList()));
    return b.toString();
  }

  private static AWSTargetGroupSet.Status status(AWSTargetGroupSet set, TargetGroupPlan plan, List<Note> notes, String message,
                                                 long generation, Instant now) {
    AWSTargetGroupSet.Status s = new AWSTargetGroupSet.Status();
    boolean unreachable = plan.clusters().stream().anyMatch(c -> !c.reachable());
    boolean failed = notes.stream().anyMatch(n -> n.kind() == Note.Kind.FAILED);
    boolean conflicts = notes.stream().anyMatch(n -> n.kind() == Note.Kind.CONFLICT);
    s.observedGeneration = generation;
    s.phase = unreachable || failed ? DiscoveryConditions.PARTIALLY_SYNCED : DiscoveryConditions.SYNCED;
    s.message = message;
    s.clusters = plan.clusters().stream().map(c -> {
      AWSTargetGroupSet.ClusterStatus cs = new AWSTargetGroupSet.ClusterStatus();
      cs.name = c.cluster();
      cs.reachable = c.reachable();
      cs.bindings = c.bindings();
      cs.message = c.reachable() ? null : c.message();
      return cs;
    }).toList();
    s.targetGroups = plan.owned();
    s.unreachableClusters = (int) plan.clusters().stream().filter(c -> !c.reachable()).count();
    String reason = unreachable ? DiscoveryConditions.REASON_UNREACHABLE : failed ? DiscoveryConditions.REASON_WRITE_FAILED
        : conflicts ? DiscoveryConditions.REASON_CONFLICTS : DiscoveryConditions.REASON_SYNCED;
    s.conditions = DiscoveryConditions.ready(old(set), !unreachable && !failed, reason, message, generation, now);
    s.lastSyncTime = now.toString();
    return s;
  }

  private static AWSTargetGroupSet.Status invalid(AWSTargetGroupSet set, String reason, String message, long generation, Instant now) {
    AWSTargetGroupSet.Status s = set.getStatus() == null ? new AWSTargetGroupSet.Status() : Serialization.clone(set.getStatus());
    s.observedGeneration = generation;
    s.phase = DiscoveryConditions.INVALID;
    s.message = message;
    s.conditions = DiscoveryConditions.ready(old(set), false, reason, message, generation, now);
    s.lastSyncTime = now.toString();
    return s;
  }

  private static List<Condition> old(AWSTargetGroupSet set) {
    return set.getStatus() == null ? null : set.getStatus().conditions;
  }

  private void record(AWSTargetGroupSet set, AWSTargetGroupSet.Status status) {
    if (set.getStatus() != null) {
      AWSTargetGroupSet.Status x = Serialization.clone(set.getStatus());
      AWSTargetGroupSet.Status y = Serialization.clone(status);
      x.lastSyncTime = null;
      y.lastSyncTime = null;
      if (Objects.equals(Serialization.asJson(x), Serialization.asJson(y))) return;
    }
    store.updateStatus(set, status);
  }
}
