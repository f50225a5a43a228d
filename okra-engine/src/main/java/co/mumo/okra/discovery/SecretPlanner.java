package co.mumo.okra.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the ArgoCD cluster Secrets of one ClusterSet from the EKS clusters and the Secrets that
 * exist. Pure: no I/O, same input, same plan.
 *
 * <ul>
 *   <li>A cluster matches when every tag of one generator is equal; the first matching generator's
 *       roleARN goes into the config.
 *   <li>ACTIVE (and UPDATING) clusters get a Secret named {@link Names#secretName}; CREATING and PENDING
 *       ones are reported and an existing Secret of theirs is kept; DELETING or FAILED ones lose it.
 *   <li>Existing Secrets the set owns are updated when labels, the set's annotations or data differ.
 *       Labels are exactly the desired ones (the set owns the Secret); other annotations are kept.
 *   <li>A name taken by a Secret the set does not own is a conflict: reported, never touched.
 *   <li>Owned Secrets nobody wants any more are deleted. Nothing else is ever deleted.
 * </ul>
 */
public final class SecretPlanner {
  private SecretPlanner() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  public static SecretPlan plan(ClusterSetDefinition def, List<EksCluster> clusters, List<ObservedSecret> existing) {
    Map<String, ObservedSecret> byName = new HashMap<>();
    for (ObservedSecret s : existing) byName.put(s.name(), s);
    List<String> matched = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    List<DesiredSecret> create = new ArrayList<>();
    List<DesiredSecret> update = new ArrayList<>();
    List<Note> notes = new ArrayList<>();
    Set<String> keep = new HashSet<>();
    Map<String, String> claimedBy = new HashMap<>();

    List<EksCluster> sorted = clusters.stream().sorted(Comparator.comparing(EksCluster::name)).toList();
    for (EksCluster cluster : sorted) {
      Optional<ClusterSetDefinition.TagGenerator> generator = def.generators().stream().filter(g -> g.matches(cluster.tags())).findFirst();
      if (generator.isEmpty()) continue;
      matched.add(cluster.name());
      String secretName = Names.secretName(cluster.name());
      ObservedSecret current = byName.get(secretName);
      String other = claimedBy.putIfAbsent(secretName, cluster.name());
      if (other != null) {
        notes.add(new Note(Note.Kind.CONFLICT, "cluster " + cluster.name(), "its Secret name " + secretName
            + " is already used for cluster " + other));
        continue;
      }
      if (current != null && !current.ownedBy(def.name())) {
        notes.add(new Note(Note.Kind.CONFLICT, "Secret " + def.namespace() + "/" + secretName, "exists and is not owned by this ClusterSet"
            + current.ownerClusterSet().map(o -> " (owned by ClusterSet " + o + ")").orElse("") + "; left alone"));
        continue;
      }
      if (cluster.pending()) {
        pending.add(cluster.name());
        notes.add(new Note(Note.Kind.PENDING, "cluster " + cluster.name(), "is " + cluster.status() + "; picked up once ACTIVE"));
        if (current != null) keep.add(secretName);
        continue;
      }
      if (!cluster.active()) continue; // DELETING, FAILED: its Secret goes
      if (cluster.endpoint().isEmpty()) {
        notes.add(new Note(Note.Kind.SKIPPED, "cluster " + cluster.name(), "has no endpoint yet"));
        if (current != null) keep.add(secretName);
        continue;
      }
      DesiredSecret desired = desired(def, cluster, generator.get(), secretName);
      keep.add(secretName);
      if (current == null) {
        create.add(desired);
      } else if (differs(desired, current)) {
        update.add(desired);
      }
    }
    List<String> delete = existing.stream()
        .filter(s -> s.ownedBy(def.name()) && !keep.contains(s.name()))
        .map(ObservedSecret::name).sorted().toList();
    return new SecretPlan(matched, pending, create, update, delete, notes, keep.size());
  }

  static DesiredSecret desired(ClusterSetDefinition def, EksCluster cluster, ClusterSetDefinition.TagGenerator generator, String secretName) {
    Map<String, String> labels = new LinkedHashMap<>(def.labels());
    labels.put(DiscoveryKeys.ARGOCD_SECRET_TYPE, DiscoveryKeys.ARGOCD_SECRET_TYPE_CLUSTER);
    labels.put(DiscoveryKeys.CLUSTER_SET, Names.labelValue(def.name()));
    Map<String, String> annotations = new LinkedHashMap<>(def.annotations());
    annotations.put(DiscoveryKeys.EKS_CLUSTER_ARN, cluster.arn());
    String config = ClusterConfig.forEks(cluster.name(), generator.roleArn(), cluster.caData()).toJson();
    return new DesiredSecret(secretName, labels, annotations, cluster.name(), cluster.endpoint().orElseThrow(), config);
  }

  static boolean differs(DesiredSecret desired, ObservedSecret current) {
    if (!desired.labels().equals(current.labels())) return true;
    for (Map.Entry<String, String> a : desired.annotations().entrySet()) {
      if (!a.getValue().equals(current.annotations().get(a.getKey()))) return true;
    }
    if (!desired.clusterName().equals(current.data().get("name")) || !desired.server().equals(current.data().get("server"))) return true;
    return !sameJson(desired.config(), current.data().get("config"));
  }

  /** Configs compare as JSON trees: key order and whitespace written by another tool do not count. */
  private static boolean sameJson(String a, String b) {
    if (b == null) return false;
    try {
      JsonNode x = JSON.readTree(a);
      JsonNode y = JSON.readTree(b);
      return x.equals(y);
    } catch (Exception e) {
      return false; // an unreadable config in a Secret we own is rewritten
    }
  }
}
