package co.mumo.okra.rule;

import java.util.List;
import java.util.Optional;

/**
 * A listener rule as the ALB has it. {@code owner} is the value of the ownership tag, empty when the
 * rule carries none; {@code route} the value of the header-route tag ({@link RulePlacement#ROUTE_TAG}),
 * empty on any rule but a header route's; {@code forwards} is empty when the rule's action is not a forward.
 */
public record ObservedRule(String ruleArn, String listenerArn, int priority, boolean isDefault,
                           Optional<String> owner, RuleConditions conditions, List<TargetWeight> forwards, Optional<String> route) {
  public ObservedRule {
    forwards = List.copyOf(forwards);
  }

  /** A rule that is no header route. */
  public ObservedRule(String ruleArn, String listenerArn, int priority, boolean isDefault, Optional<String> owner,
                      RuleConditions conditions, List<TargetWeight> forwards) {
    this(ruleArn, listenerArn, priority, isDefault, owner, conditions, forwards, Optional.empty());
  }

  /** A header route's rule that {@code owner} made: tagged with both. */
  public boolean isHeaderRouteOf(String owner) {
    return !isDefault && route.isPresent() && this.owner.equals(Optional.of(owner));
  }

  public int weightOf(String arn) {
    return forwards.stream().filter(f -> f.arn().equals(arn)).mapToInt(TargetWeight::weight).sum();
  }
}
