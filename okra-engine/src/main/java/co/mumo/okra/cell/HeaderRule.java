package co.mumo.okra.cell;

import co.mumo.okra.rule.DesiredRule;
import java.util.List;

/**
 * A header route's rule as the rollout wants it: the route, the headers it matches, the index of the step
 * that set it, the rule (the Cell's conditions plus the headers, forwarding to the canary alone) and the
 * canary's shares of it.
 */
public record HeaderRule(String route, List<Step.HeaderMatch> match, int step, DesiredRule rule, List<Weights.Share> shares) {
  public HeaderRule {
    match = List.copyOf(match);
    shares = List.copyOf(shares);
  }
}
