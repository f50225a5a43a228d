package co.mumo.okra.cell;

import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RulePlacement;
import java.util.List;
import java.util.Optional;

/** The port to the load balancer: read a listener's rules, make one rule what we want, delete a header route's rule. */
public interface LoadBalancer {

  /** Tag that marks a rule as managed by a Cell; its value is {@code <namespace>/<name>}. */
  String OWNER_TAG = RulePlacement.OWNER_TAG;

  /** Every rule of the listener (all pages), with the ownership and header-route tags read. */
  List<ObservedRule> rules(String listenerArn);

  /**
   * Creates or modifies the rule so it matches {@code desired}; writes nothing when it already does.
   * {@code current} is the rule at that priority as just observed (empty when there is none).
   * Never touches the default rule and never a rule owned by someone else: callers check ownership,
   * and this method checks again.
   */
  ApplyResult apply(DesiredRule desired, Optional<ObservedRule> current);

  /**
   * Deletes a header route's rule that {@code owner} made. Only such a rule: its tags are read again just
   * before, and unless they still name {@code owner} and the same route, nothing is deleted and this
   * throws. Never the default rule, never a Cell's own rule, never someone else's.
   *
   * @return false when the rule was already gone
   */
  boolean deleteHeaderRule(ObservedRule rule, String owner);

  record ApplyResult(String ruleArn, Change change) {}

  enum Change { NONE, CREATED, MODIFIED }
}
