package co.mumo.okra.rule;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The rule Okra wants at {@code priority} on a listener. The constructor holds the safety rules, so
 * that no code path can even express a rule that forwards to nothing or breaks ALB's limits.
 * {@code route} names the header route (setHeaderRoute) the rule is, tagged {@link RulePlacement#ROUTE_TAG};
 * empty for a Cell's own rule.
 */
public record DesiredRule(String listenerArn, int priority, RuleConditions conditions, List<TargetWeight> forwards,
                          String owner, Optional<String> route) {
  /** A Cell's own rule (or an AWSApplicationLoadBalancerConfig's). */
  public DesiredRule(String listenerArn, int priority, RuleConditions conditions, List<TargetWeight> forwards, String owner) {
    this(listenerArn, priority, conditions, forwards, owner, Optional.empty());
  }

  /** ALB allows at most five target groups in one forward action. */
  public static final int MAX_TARGET_GROUPS = 5;

  public DesiredRule {
    forwards = List.copyOf(forwards);
    if (listenerArn == null || listenerArn.isBlank()) throw new IllegalArgumentException("listener ARN is empty");
    if (priority < 1 || priority > 50_000) throw new IllegalArgumentException("priority must be 1..50000, got " + priority);
    if (conditions.isEmpty()) throw new IllegalArgumentException("a non-default rule needs at least one condition");
    if (forwards.isEmpty()) throw new IllegalArgumentException("a rule must forward to at least one target group");
    if (forwards.size() > MAX_TARGET_GROUPS) {
      throw new IllegalArgumentException("ALB allows at most " + MAX_TARGET_GROUPS + " target groups per forward action, got " + forwards.size());
    }
    if (forwards.stream().mapToInt(TargetWeight::weight).sum() == 0) {
      throw new IllegalArgumentException("a rule must send traffic somewhere: all weights are 0");
    }
    if (forwards.stream().map(TargetWeight::arn).distinct().count() != forwards.size()) {
      throw new IllegalArgumentException("a target group appears twice in the forward action");
    }
    if (route.isPresent() && route.get().isBlank()) throw new IllegalArgumentException("a header route needs a name");
  }

  /** True when {@code rule} already matches: conditions, and the same weight for the same target groups. */
  public boolean isSatisfiedBy(ObservedRule rule) {
    return rule.conditions().sameAs(conditions) && sameForwards(rule.forwards(), forwards);
  }

  public static boolean sameForwards(List<TargetWeight> a, List<TargetWeight> b) {
    return new HashSet<>(a).equals(new HashSet<>(b)) && a.size() == b.size();
  }
}
