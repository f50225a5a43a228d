package co.mumo.okra.rule;

import co.mumo.okra.policy.ListenerVerdict;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether a rule may be created or changed where it is asked for: the one set of ownership rules the
 * Cell pass and {@code alb apply} share. Pure: the listener's rules are read by the caller.
 *
 * <ul>
 *   <li>the owner policy must give the rule's namespace that listener and priority;
 *   <li>a rule at that priority owned by someone else is never touched; one without an owner is taken
 *       over only when its new owner asks to ({@code adoptRequested}) and the policy allows adoption;
 *   <li>a rule that is created, or whose conditions change, must not sit in front of another owner's
 *       rule that matches some of the same requests (it would take that traffic), unless the policy
 *       allows shadowing on that listener. A rule already in place keeps its place: a newcomer behind
 *       it cannot make it invalid.
 * </ul>
 */
public final class RulePlacement {
  /** Tag that marks a rule as managed by a Cell; its value is {@code <namespace>/<name>}. */
  public static final String OWNER_TAG = "okra.mumo.co/cell";

  /** Tag that marks a rule as one of its Cell's header routes (setHeaderRoute); its value is the route's name. */
  public static final String ROUTE_TAG = "okra.mumo.co/header-route";

  /** Set on a Cell or AWSApplicationLoadBalancerConfig: take over an untagged rule, where the owner policy allows it. */
  public static final String ADOPT_ANNOTATION = "okra.mumo.co/adopt-rule";

  private RulePlacement() {}

  /** What is wrong, and which part of the request is at fault. */
  public record Refusal(Field field, String message) {}

  public enum Field { LISTENER, PRIORITY, CONDITIONS, ADOPTION }

  /** The rule {@code owner} wants at {@code priority} with {@code conditions}, against the listener's {@code rules}. */
  public static Optional<Refusal> check(DesiredRule desired, ListenerVerdict verdict, boolean adoptRequested, List<ObservedRule> rules) {
    return check(desired.priority(), desired.conditions(), desired.owner(), verdict, adoptRequested, rules);
  }

  public static Optional<Refusal> check(int priority, RuleConditions conditions, String owner, ListenerVerdict verdict,
                                        boolean adoptRequested, List<ObservedRule> rules) {
    if (verdict.refusal().isPresent()) {
      ListenerVerdict.Refusal r = verdict.refusal().get();
      return Optional.of(new Refusal(r.field().equals(ListenerVerdict.PRIORITY) ? Field.PRIORITY : Field.LISTENER, r.message()));
    }
    Optional<ObservedRule> current = rules.stream().filter(r -> !r.isDefault() && r.priority() == priority).findFirst();
    if (current.isPresent()) {
      ObservedRule r = current.get();
      if (r.owner().isPresent() && !r.owner().get().equals(owner)) {
        return Optional.of(new Refusal(Field.PRIORITY, "the rule at priority " + priority + " (" + r.ruleArn() + ") belongs to "
            + ownerName(r) + ", not to " + owner + "; choose a free priority"));
      }
      if (r.owner().isEmpty() && !(adoptRequested && verdict.adoptRules())) {
        String how = !adoptRequested
            ? "choose a free priority, or (if it is yours to take) annotate with " + ADOPT_ANNOTATION + "=true where the runner's policy allows adoption"
            : "the runner's policy does not allow adopting rules on this listener (adoptRules); choose a free priority or ask the runner's owner";
        return Optional.of(new Refusal(adoptRequested ? Field.ADOPTION : Field.PRIORITY, "a rule Okra did not create is at priority "
            + priority + " (" + r.ruleArn() + "): " + how));
      }
      if (r.conditions().sameAs(conditions)) return Optional.empty();
    }
    if (verdict.allowShadowing()) return Optional.empty();
    return rules.stream()
        .filter(r -> !r.isDefault() && r.priority() > priority && !r.owner().equals(Optional.of(owner)))
        .sorted(Comparator.comparingInt(ObservedRule::priority))
        .flatMap(r -> RuleOverlap.between(conditions, r.conditions()).map(why -> new Refusal(Field.CONDITIONS,
            "a rule at priority " + priority + " would take traffic from the rule at priority " + r.priority()
                + " (" + r.ruleArn() + ", owned by " + ownerName(r) + "): " + why + "; choose a priority number above " + r.priority()
                + " or conditions that do not overlap (the runner's owner can allow shadowing on this listener)")).stream())
        .findFirst();
  }

  private static String ownerName(ObservedRule r) {
    return r.owner().map(o -> "Cell " + o).orElse("no Okra Cell (no " + OWNER_TAG + " tag)");
  }
}
