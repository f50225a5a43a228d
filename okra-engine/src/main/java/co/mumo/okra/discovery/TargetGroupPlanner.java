package co.mumo.okra.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides the AWSTargetGroups of one AWSTargetGroupSet from the bindings listed in its clusters and
 * the AWSTargetGroups that exist. Pure.
 *
 * <ul>
 *   <li>Each binding with an ARN becomes {@link Names#targetGroupName} = {@code <cluster>-<namespace>-<name>}.
 *       Should two sources still land on one name (cluster {@code a-b} namespace {@code c} and cluster
 *       {@code a} namespace {@code b-c}), both get a hash of their source appended.
 *   <li>Labels: the binding's, then the template's, then the three source labels and the set label
 *       (later wins). The exact source is also kept in the {@link DiscoveryKeys#BINDING_SOURCE} annotation.
 *   <li>A name taken by an AWSTargetGroup the set does not own is a conflict: reported, never touched.
 *   <li>Owned AWSTargetGroups that are no longer wanted are deleted, except those from a cluster that
 *       could not be listed this pass: a failed listing is not an empty one.
 * </ul>
 */
public final class TargetGroupPlanner {
  private TargetGroupPlanner() {}

  public static TargetGroupPlan plan(TargetGroupSetDefinition def, List<ClusterListing> listings, List<ObservedTargetGroup> existing) {
    List<Note> notes = new ArrayList<>();
    List<TargetGroupPlan.ClusterSummary> summaries = new ArrayList<>();
    Set<String> unreachable = new HashSet<>();
    List<DesiredTargetGroup> wanted = new ArrayList<>();
    for (ClusterListing listing : listings.stream().sorted(Comparator.comparing(ClusterListing::cluster)).toList()) {
      if (listing instanceof ClusterListing.Unreachable u) {
        unreachable.add(u.cluster());
        notes.add(new Note(Note.Kind.UNREACHABLE, "cluster " + u.cluster(), u.reason() + "; its AWSTargetGroups are kept as they are"));
        summaries.add(new TargetGroupPlan.ClusterSummary(u.cluster(), false, 0, u.reason()));
        continue;
      }
      ClusterListing.Listed l = (ClusterListing.Listed) listing;
      int used = 0;
      for (ObservedBinding b : l.bindings().stream().sorted(Comparator.comparing(ObservedBinding::namespace)
          .thenComparing(ObservedBinding::name)).toList()) {
        BindingSource source = new BindingSource(l.cluster(), b.namespace(), b.name());
        if (b.arn().isEmpty()) {
          notes.add(new Note(Note.Kind.SKIPPED, "TargetGroupBinding " + source, "has no spec.targetGroupARN"));
          continue;
        }
        wanted.add(desired(def, source, b));
        used++;
      }
      summaries.add(new TargetGroupPlan.ClusterSummary(l.cluster(), true, used, "listed " + used + " binding(s)"));
    }
    List<DesiredTargetGroup> desired = resolveCollisions(wanted, notes);

    Map<String, ObservedTargetGroup> byName = new HashMap<>();
    for (ObservedTargetGroup tg : existing) byName.put(tg.name(), tg);
    List<DesiredTargetGroup> create = new ArrayList<>();
    List<DesiredTargetGroup> update = new ArrayList<>();
    Set<String> keep = new HashSet<>();
    for (DesiredTargetGroup d : desired) {
      ObservedTargetGroup current = byName.get(d.name());
      if (current != null && !current.ownedBy(def.name())) {
        notes.add(new Note(Note.Kind.CONFLICT, "AWSTargetGroup " + def.namespace() + "/" + d.name(), "exists and is not owned by this set"
            + current.ownerSet().map(o -> " (owned by AWSTargetGroupSet " + o + ")").orElse("") + "; left alone"));
        continue;
      }
      keep.add(d.name());
      if (current == null) {
        create.add(d);
      } else if (differs(d, current)) {
        update.add(d);
      }
    }
    List<String> delete = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (ObservedTargetGroup tg : existing.stream().sorted(Comparator.comparing(ObservedTargetGroup::name)).toList()) {
      if (!tg.ownedBy(def.name()) || keep.contains(tg.name())) continue;
      if (tg.sourceCluster().filter(unreachable::contains).isPresent()) {
        kept.add(tg.name());
      } else {
        delete.add(tg.name());
      }
    }
    return new TargetGroupPlan(create, update, delete, kept, notes, summaries, keep.size() + kept.size());
  }

  private static DesiredTargetGroup desired(TargetGroupSetDefinition def, BindingSource source, ObservedBinding b) {
    Map<String, String> labels = new LinkedHashMap<>(b.labels());
    labels.putAll(def.labels());
    labels.put(DiscoveryKeys.BINDING_CLUSTER, Names.labelValue(source.cluster()));
    labels.put(DiscoveryKeys.BINDING_NAMESPACE, Names.labelValue(source.namespace()));
    labels.put(DiscoveryKeys.BINDING_NAME, Names.labelValue(source.name()));
    labels.put(DiscoveryKeys.TARGET_GROUP_SET, Names.labelValue(def.name()));
    Map<String, String> annotations = new LinkedHashMap<>(def.annotations());
    annotations.put(DiscoveryKeys.BINDING_SOURCE, source.toString());
    return new DesiredTargetGroup(Names.targetGroupName(source.cluster(), source.namespace(), source.name()), labels, annotations,
        b.arn().orElseThrow(), source);
  }

  private static List<DesiredTargetGroup> resolveCollisions(List<DesiredTargetGroup> wanted, List<Note> notes) {
    Map<String, List<DesiredTargetGroup>> byName = new LinkedHashMap<>();
    for (DesiredTargetGroup d : wanted) byName.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(d);
    List<DesiredTargetGroup> out = new ArrayList<>();
    for (Map.Entry<String, List<DesiredTargetGroup>> e : byName.entrySet()) {
      if (e.getValue().size() == 1) {
        out.add(e.getValue().get(0));
        continue;
      }
      for (DesiredTargetGroup d : e.getValue()) {
        String name = Names.withHash(d.name(), d.source().toString());
        notes.add(new Note(Note.Kind.CONFLICT, "TargetGroupBinding " + d.source(), "its name " + d.name()
            + " is shared with another source; named " + name + " instead"));
        out.add(new DesiredTargetGroup(name, d.labels(), d.annotations(), d.arn(), d.source()));
      }
    }
    return out;
  }

  static boolean differs(DesiredTargetGroup d, ObservedTargetGroup current) {
    if (!d.arn().equals(current.arn()) || !d.labels().equals(current.labels())) return true;
    return d.annotations().entrySet().stream().anyMatch(a -> !a.getValue().equals(current.annotations().get(a.getKey())));
  }
}
