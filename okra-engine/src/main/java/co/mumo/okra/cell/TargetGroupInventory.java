package co.mumo.okra.cell;

import co.mumo.okra.core.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The Cell's target groups grouped by version. A target group without a usable version, or without an
 * ARN, is set aside with the reason and does not hold up the others.
 */
public record TargetGroupInventory(TreeMap<Version, List<VersionedTargetGroup>> byVersion, List<Rejected> rejected) {

  public record Rejected(String name, String reason) {}

  public static TargetGroupInventory of(List<TargetGroup> groups, List<String> versionLabels) {
    TreeMap<Version, List<VersionedTargetGroup>> byVersion = new TreeMap<>();
    List<Rejected> rejected = new ArrayList<>();
    for (TargetGroup g : groups.stream().sorted(Comparator.comparing(TargetGroup::name)).toList()) {
      if (g.arn() == null || g.arn().isBlank()) {
        rejected.add(new Rejected(g.name(), "spec.arn is empty"));
        continue;
      }
      Optional<String> label = versionLabels.stream().filter(k -> notBlank(g.labels().get(k))).findFirst();
      if (label.isEmpty()) {
        rejected.add(new Rejected(g.name(), "no version label (looked for " + String.join(", ", versionLabels) + ")"));
        continue;
      }
      String text = g.labels().get(label.get());
      Optional<Version> v = Version.tryParse(text);
      if (v.isEmpty()) {
        rejected.add(new Rejected(g.name(), "label " + label.get() + "=\"" + text + "\" is not a semantic version"));
        continue;
      }
      byVersion.computeIfAbsent(v.get(), k -> new ArrayList<>()).add(new VersionedTargetGroup(g.name(), g.arn(), v.get()));
    }
    return new TargetGroupInventory(byVersion, List.copyOf(rejected));
  }

  public List<VersionedTargetGroup> of(Version v) {
    return v == null ? List.of() : byVersion.getOrDefault(v, List.of());
  }

  public Optional<VersionedTargetGroup> byArn(String arn) {
    return byVersion.values().stream().flatMap(List::stream).filter(t -> t.arn().equals(arn)).findFirst();
  }

  /** The newest version with at least {@code replicas} target groups that {@code allowed} accepts. */
  public Optional<Version> newestComplete(int replicas, Predicate<Version> allowed) {
    return byVersion.descendingMap().entrySet().stream()
        .filter(e -> e.getValue().size() >= replicas && allowed.test(e.getKey()))
        .map(Map.Entry::getKey).findFirst();
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
