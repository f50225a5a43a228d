package co.mumo.okra.policy;

import java.util.List;

/**
 * What the runner's owner lets Cells do on the listeners whose ARN matches {@code arn} (a wildcard
 * pattern): Cells in a namespace matching one of {@code namespaces} may hold rules at the
 * {@code priorities}; {@code adoptRules} honours the {@code okra.mumo.co/adopt-rule} annotation
 * (taking over a rule Okra did not create); {@code allowShadowing} lets a new rule sit in front of
 * another owner's rule that matches some of the same requests.
 */
public record ListenerGrant(String arn, List<String> namespaces, List<PriorityRange> priorities, boolean adoptRules,
                            boolean allowShadowing) {
  public ListenerGrant {
    namespaces = List.copyOf(namespaces);
    priorities = priorities.isEmpty() ? List.of(PriorityRange.ALL) : List.copyOf(priorities);
  }

  boolean covers(String listenerArn, String namespace) {
    return Globs.matches(arn, listenerArn, false) && namespaces.stream().anyMatch(n -> Globs.matches(n, namespace, false));
  }

  boolean covers(int priority) {
    return priorities.stream().anyMatch(r -> r.contains(priority));
  }
}
