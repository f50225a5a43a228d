package co.mumo.okra.cell;

import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RulePlacement;
import java.util.List;
import java.util.Optional;

/** The port to the load balancer: read a listener's rules, make one rule what we want. */
public interface LoadBalancer {

  /** Tag that marks a rule as managed by a Cell; its value is {@code <namespace>/<name>}. */
  String OWNER_TAG = RulePlacement.OWNER_TAG;

  /** Every rule of the listener (all pages), with the ownership tag read. */
  List<ObservedRule> rules(String listenerArn);

  /**
   * Creates or modifies the rule so it matches {@code desired}; writes nothing when it already does.
   * {@code current} is the rule at that priority as just observed (empty when there is none).
   * Never touches the default rule and never a rule owned by someone else: callers check ownership,
   * and this method checks again.
   */
  ApplyResult apply(DesiredRule desired, Optional<ObservedRule> current);

  record ApplyResult(String ruleArn, Change change) {}

  enum Change { NONE, CREATED, MODIFIED }
}
