package co.mumo.okra.runner.demo;

import co.mumo.okra.core.Version;
import co.mumo.okra.rule.TargetWeight;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Draws a rule's forward weights as one bar per version, oldest version first. */
public final class WeightBars {
  private static final int WIDTH = 40;

  private final Function<String, DemoWorld.Group> groups;
  private final char full;
  private final char empty;

  public WeightBars(Function<String, DemoWorld.Group> groups, boolean unicode) {
    this.groups = groups;
    this.full = unicode ? '\u2588' : '#';
    this.empty = unicode ? '\u2591' : '.';
  }

  /** {@code 1.0.0 80% | 2.0.0 20%}: one line, for logs and tests. */
  public String summary(List<TargetWeight> forwards) {
    return byVersion(forwards).entrySet().stream().map(e -> e.getKey() + " " + percent(sum(e.getValue()), forwards) + "%")
        .collect(Collectors.joining(" | "));
  }

  /** One line per version: bar, percentage, and the weight of each of its target groups. */
  public List<String> bars(List<TargetWeight> forwards) {
    List<String> lines = new ArrayList<>();
    int versionWidth = byVersion(forwards).keySet().stream().mapToInt(String::length).max().orElse(5);
    for (Map.Entry<String, List<TargetWeight>> e : byVersion(forwards).entrySet()) {
      int pct = percent(sum(e.getValue()), forwards);
      int filled = Math.round(pct * WIDTH / 100f);
      String detail = e.getValue().stream().map(w -> groups.apply(w.arn()).name() + " " + w.weight()).collect(Collectors.joining(", "));
      lines.add(String.format("%-" + versionWidth + "s  %s%s %3d%%  %s", e.getKey(), String.valueOf(full).repeat(filled),
          String.valueOf(empty).repeat(WIDTH - filled), pct, detail));
    }
    return lines;
  }

  private Map<String, List<TargetWeight>> byVersion(List<TargetWeight> forwards) {
    // Sorted by semantic version so each version keeps its row as the rollout moves on.
    Map<String, List<TargetWeight>> out = new TreeMap<>(Comparator.comparing((String v) -> Version.tryParse(v).orElse(null),
        Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(Comparator.naturalOrder()));
    for (TargetWeight w : forwards) out.computeIfAbsent(groups.apply(w.arn()).version(), k -> new ArrayList<>()).add(w);
    return new LinkedHashMap<>(out);
  }

  private static int sum(List<TargetWeight> ws) {
    return ws.stream().mapToInt(TargetWeight::weight).sum();
  }

  /** ALB weights are relative; Okra writes them to total 100, but the bar shows shares whatever the total. */
  private static int percent(int weight, List<TargetWeight> all) {
    int total = sum(all);
    return total == 0 ? 0 : Math.round(weight * 100f / total);
  }
}
