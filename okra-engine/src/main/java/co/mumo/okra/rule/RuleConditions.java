package co.mumo.okra.rule;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The match conditions of a listener rule. Lists are kept in the user's order; maps are sorted so
 * that two reads of the same rule compare equal (the original Okra rewrote rules forever because Go
 * maps iterate in random order).
 */
public record RuleConditions(
    List<String> hosts,
    List<String> pathPatterns,
    List<String> methods,
    List<String> sourceIps,
    SortedMap<String, List<String>> headers,
    SortedMap<String, String> queryStrings) {

  public RuleConditions {
    hosts = copy(hosts);
    pathPatterns = copy(pathPatterns);
    methods = copy(methods).stream().map(String::toUpperCase).toList();
    sourceIps = copy(sourceIps);
    TreeMap<String, List<String>> h = new TreeMap<>();
    if (headers != null) headers.forEach((k, v) -> h.put(k, copy(v)));
    headers = Collections.unmodifiableSortedMap(h);
    queryStrings = Collections.unmodifiableSortedMap(
        new TreeMap<>(queryStrings == null ? Map.of() : queryStrings));
  }

  public static RuleConditions none() {
    return new RuleConditions(null, null, null, null, null, null);
  }

  public boolean isEmpty() {
    return hosts.isEmpty() && pathPatterns.isEmpty() && methods.isEmpty() && sourceIps.isEmpty()
        && headers.isEmpty() && queryStrings.isEmpty();
  }

  /** How many values the conditions hold, as ALB counts them against its per-rule quota. */
  public int valueCount() {
    return hosts.size() + pathPatterns.size() + methods.size() + sourceIps.size()
        + headers.values().stream().mapToInt(List::size).sum() + queryStrings.size();
  }

  /** Equality that ignores the order of values inside one condition, as ALB does. */
  public boolean sameAs(RuleConditions o) {
    return sorted(hosts).equals(sorted(o.hosts)) && sorted(pathPatterns).equals(sorted(o.pathPatterns))
        && sorted(methods).equals(sorted(o.methods)) && sorted(sourceIps).equals(sorted(o.sourceIps))
        && sortedValues(headers).equals(sortedValues(o.headers)) && queryStrings.equals(o.queryStrings);
  }

  private static List<String> copy(List<String> l) {
    return l == null ? List.of() : List.copyOf(l);
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  private static Map<String, List<String>> sortedValues(Map<String, List<String>> m) {
    TreeMap<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    m.forEach((k, v) -> out.put(k, sorted(v)));
    return out;
  }
}
