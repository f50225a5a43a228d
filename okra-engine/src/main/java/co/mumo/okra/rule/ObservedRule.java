package co.mumo.okra.rule;

import java.util.List;
import java.util.Optional;

/**
 * A listener rule as the ALB has it. {@code owner} is the value of the ownership tag, empty when the
 * rule carries none; {@code forwards} is empty when the rule's action is not a forward.
 */
public record ObservedRule(String ruleArn, String listenerArn, int priority, boolean isDefault,
                           Optional<String> owner, RuleConditions conditions, List<TargetWeight> forwards) {
  public ObservedRule {
    forwards = List.copyOf(forwards);
  }

  public int weightOf(String arn) {
    return forwards.stream().filter(f -> f.arn().equals(arn)).mapToInt(TargetWeight::weight).sum();
  }
}
