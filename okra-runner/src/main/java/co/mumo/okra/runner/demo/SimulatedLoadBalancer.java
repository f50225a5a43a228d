package co.mumo.okra.runner.demo;

import co.mumo.okra.cell.LoadBalancer;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.RulePlacement;
import co.mumo.okra.rule.TargetWeight;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An ALB listener kept in memory, for the demo. It applies a {@link DesiredRule} the way
 * {@link co.mumo.okra.alb.Elbv2LoadBalancer} drives ELBv2 and refuses what ELBv2 or that adapter
 * refuse: the default rule, a rule another Cell owns (tag {@value LoadBalancer#OWNER_TAG}), a
 * priority already taken, an unknown target group. Each call it would make to AWS is counted and
 * reported to a listener, so the demo can show what a real run would have sent.
 */
public final class SimulatedLoadBalancer implements LoadBalancer {
  private static final String ROUTE_TAG = RulePlacement.ROUTE_TAG;
  /** One API call as ELBv2 would have received it. */
  public record Call(String api, String ruleArn, List<TargetWeight> forwards) {}

  private static final class Rule {
    final String arn;
    final int priority;
    final boolean isDefault;
    final Map<String, String> tags = new LinkedHashMap<>();
    RuleConditions conditions;
    List<TargetWeight> forwards;

    Rule(String arn, int priority, boolean isDefault, RuleConditions conditions, List<TargetWeight> forwards) {
      this.arn = arn;
      this.priority = priority;
      this.isDefault = isDefault;
      this.conditions = conditions;
      this.forwards = List.copyOf(forwards);
    }
  }

  private final Map<String, List<Rule>> listeners = new LinkedHashMap<>();
  private final Set<String> targetGroups = new HashSet<>();
  private final Map<String, Integer> calls = new LinkedHashMap<>();
  private Consumer<Call> onCall = c -> { };
  private int nextRuleId = 1;

  /** A listener whose default rule answers with a fixed response: it forwards nowhere. */
  public synchronized void addListener(String listenerArn) {
    if (listeners.containsKey(listenerArn)) throw new IllegalStateException("listener exists: " + listenerArn);
    List<Rule> rules = new ArrayList<>();
    rules.add(new Rule(ruleArn(listenerArn), 0, true, RuleConditions.none(), List.of()));
    listeners.put(listenerArn, rules);
  }

  public synchronized void addTargetGroup(String targetGroupArn) {
    targetGroups.add(targetGroupArn);
  }

  public synchronized void onCall(Consumer<Call> listener) {
    this.onCall = listener;
  }

  /** API calls by name (DescribeRules, DescribeTags, CreateRule, ModifyRule, AddTags, DeleteRule). */
  public synchronized Map<String, Integer> calls() {
    return Map.copyOf(calls);
  }

  /** The rule at {@code priority} as the ALB has it now. */
  public synchronized Optional<ObservedRule> rule(String listenerArn, int priority) {
    return listener(listenerArn).stream().filter(r -> !r.isDefault && r.priority == priority).findFirst()
        .map(r -> observed(listenerArn, r));
  }

  /** The rule {@code ruleArn} of the listener as a pass would see it, without counting a call (for showing what a call did). */
  public synchronized Optional<ObservedRule> ruleByArn(String listenerArn, String ruleArn) {
    return listener(listenerArn).stream().filter(r -> r.arn.equals(ruleArn)).findFirst().map(r -> observed(listenerArn, r));
  }

  @Override
  public synchronized List<ObservedRule> rules(String listenerArn) {
    List<Rule> rules = listener(listenerArn);
    call("DescribeRules", null, List.of());
    if (rules.stream().anyMatch(r -> !r.isDefault)) call("DescribeTags", null, List.of());
    return rules.stream().sorted(Comparator.comparing((Rule r) -> r.isDefault).thenComparingInt(r -> r.priority))
        .map(r -> observed(listenerArn, r)).toList();
  }

  @Override
  public synchronized ApplyResult apply(DesiredRule desired, Optional<ObservedRule> current) {
    List<Rule> rules = listener(desired.listenerArn());
    for (TargetWeight f : desired.forwards()) {
      if (!targetGroups.contains(f.arn())) throw new IllegalStateException("TargetGroupNotFound: " + f.arn());
    }
    if (current.isEmpty()) {
      if (rules.stream().anyMatch(r -> !r.isDefault && r.priority == desired.priority())) {
        throw new IllegalStateException("PriorityInUse: priority " + desired.priority() + " is taken on " + desired.listenerArn());
      }
      Rule created = new Rule(ruleArn(desired.listenerArn()), desired.priority(), false, desired.conditions(), desired.forwards());
      created.tags.put(OWNER_TAG, desired.owner());
      desired.route().ifPresent(r -> created.tags.put(ROUTE_TAG, r));
      rules.add(created);
      call("CreateRule", created.arn, created.forwards);
      return new ApplyResult(created.arn, Change.CREATED);
    }
    ObservedRule seen = current.get();
    Rule rule = rules.stream().filter(r -> r.arn.equals(seen.ruleArn())).findFirst()
        .orElseThrow(() -> new IllegalStateException("RuleNotFound: " + seen.ruleArn()));
    if (rule.isDefault) throw new IllegalStateException("refusing to touch the default rule of " + desired.listenerArn());
    if (rule.priority != desired.priority()) {
      throw new IllegalArgumentException("current rule " + rule.arn + " is at priority " + rule.priority + ", not " + desired.priority());
    }
    boolean satisfied = desired.isSatisfiedBy(observed(desired.listenerArn(), rule));
    // The live owner tag decides, not the caller's observation: it may have changed since (as Elbv2LoadBalancer re-reads it).
    String owner = rule.tags.get(OWNER_TAG);
    boolean routeTagged = desired.route().map(r -> r.equals(rule.tags.get(ROUTE_TAG))).orElse(true);
    if (satisfied && owner != null && owner.equals(desired.owner()) && routeTagged) return new ApplyResult(rule.arn, Change.NONE);
    call("DescribeTags", rule.arn, List.of());
    if (owner != null && !owner.equals(desired.owner())) {
      throw new IllegalStateException("the rule at priority " + rule.priority + " is owned by " + owner
          + " (tag " + OWNER_TAG + "), not by " + desired.owner() + "; refusing to modify it");
    }
    boolean tag = owner == null || !routeTagged;
    if (tag) {
      rule.tags.put(OWNER_TAG, desired.owner());
      desired.route().ifPresent(r -> rule.tags.put(ROUTE_TAG, r));
      call("AddTags", rule.arn, List.of());
    }
    if (!satisfied) {
      rule.conditions = desired.conditions();
      rule.forwards = desired.forwards();
      call("ModifyRule", rule.arn, rule.forwards);
    }
    return new ApplyResult(rule.arn, tag || !satisfied ? Change.MODIFIED : Change.NONE);
  }

  @Override
  public synchronized boolean deleteHeaderRule(ObservedRule seen, String owner) {
    if (seen.isDefault()) throw new IllegalStateException("refusing to delete the default rule of " + seen.listenerArn());
    if (seen.route().isEmpty()) throw new IllegalStateException("rule " + seen.ruleArn() + " is no header route's rule; refusing to delete it");
    List<Rule> rules = listener(seen.listenerArn());
    call("DescribeTags", seen.ruleArn(), List.of());
    Optional<Rule> rule = rules.stream().filter(r -> r.arn.equals(seen.ruleArn())).findFirst();
    if (rule.isEmpty()) return false;
    Map<String, String> tags = rule.get().tags;
    if (!owner.equals(tags.get(OWNER_TAG)) || !seen.route().get().equals(tags.get(ROUTE_TAG))) {
      throw new IllegalStateException("rule " + seen.ruleArn() + " is no longer " + owner + "'s header route " + seen.route().get()
          + "; refusing to delete it");
    }
    rules.remove(rule.get());
    call("DeleteRule", seen.ruleArn(), List.of());
    return true;
  }

  /** A change made outside Okra, as a person in the AWS console would: the next pass reports drift. */
  public synchronized void editWeights(String listenerArn, int priority, List<TargetWeight> forwards) {
    Rule rule = listener(listenerArn).stream().filter(r -> !r.isDefault && r.priority == priority).findFirst()
        .orElseThrow(() -> new IllegalStateException("no rule at priority " + priority));
    rule.forwards = List.copyOf(forwards);
  }

  /** A rule created by hand, without the owner tag. */
  public synchronized String addUnownedRule(String listenerArn, int priority, RuleConditions conditions, List<TargetWeight> forwards) {
    Rule rule = new Rule(ruleArn(listenerArn), priority, false, conditions, forwards);
    listener(listenerArn).add(rule);
    return rule.arn;
  }

  private List<Rule> listener(String listenerArn) {
    List<Rule> rules = listeners.get(listenerArn);
    if (rules == null) throw new IllegalStateException("ListenerNotFound: " + listenerArn);
    return rules;
  }

  private static ObservedRule observed(String listenerArn, Rule r) {
    return new ObservedRule(r.arn, listenerArn, r.priority, r.isDefault, Optional.ofNullable(r.tags.get(OWNER_TAG)),
        r.conditions, r.forwards, Optional.ofNullable(r.tags.get(ROUTE_TAG)));
  }

  private void call(String api, String ruleArn, List<TargetWeight> forwards) {
    calls.merge(api, 1, Integer::sum);
    onCall.accept(new Call(api, ruleArn, forwards));
  }

  /** arn:...:listener/app/NAME/LB/LISTENER -> arn:...:listener-rule/app/NAME/LB/LISTENER/RULE, as ELBv2 names rules. */
  private String ruleArn(String listenerArn) {
    return listenerArn.replace(":listener/", ":listener-rule/") + "/" + String.format("%016x", nextRuleId++);
  }
}
