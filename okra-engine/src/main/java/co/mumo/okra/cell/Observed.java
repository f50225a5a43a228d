package co.mumo.okra.cell;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.Version;
import co.mumo.okra.policy.ListenerVerdict;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.TargetWeight;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one pass read before deciding: the Cell, its recorded state, its target groups, the
 * blocklist, the rule at the Cell's priority as the ALB has it and the listener's other rules, the
 * analysis runs, problems found with what the Cell refers to (e.g. a missing AnalysisTemplate),
 * what the runner's owner policy lets the Cell do on its listener (for its own rule, and for each
 * header route's by name), and the Cells it waits for.
 */
public record Observed(
    CellDefinition cell,
    RolloutState state,
    List<TargetGroup> targetGroups,
    Map<Version, String> blocked,
    Optional<ObservedRule> rule,
    Map<String, ChildRun> runs,
    List<FieldError> referenceErrors,
    List<TargetWeight> previousWeights,
    List<ObservedRule> listenerRules,
    ListenerVerdict verdict,
    EarlierWaves waves,
    Map<String, ListenerVerdict> routeVerdicts) {

  /** A Cell that waits for no other (no spec.rolloutAfter). */
  public Observed(CellDefinition cell, RolloutState state, List<TargetGroup> targetGroups, Map<Version, String> blocked,
                  Optional<ObservedRule> rule, Map<String, ChildRun> runs, List<FieldError> referenceErrors,
                  List<TargetWeight> previousWeights, List<ObservedRule> listenerRules, ListenerVerdict verdict) {
    this(cell, state, targetGroups, blocked, rule, runs, referenceErrors, previousWeights, listenerRules, verdict, EarlierWaves.NONE);
  }

  /** A Cell that declares no header route. */
  public Observed(CellDefinition cell, RolloutState state, List<TargetGroup> targetGroups, Map<Version, String> blocked,
                  Optional<ObservedRule> rule, Map<String, ChildRun> runs, List<FieldError> referenceErrors,
                  List<TargetWeight> previousWeights, List<ObservedRule> listenerRules, ListenerVerdict verdict, EarlierWaves waves) {
    this(cell, state, targetGroups, blocked, rule, runs, referenceErrors, previousWeights, listenerRules, verdict, waves, Map.of());
  }

  public Observed {
    targetGroups = List.copyOf(targetGroups);
    blocked = Map.copyOf(blocked);
    runs = Map.copyOf(runs);
    referenceErrors = List.copyOf(referenceErrors);
    previousWeights = List.copyOf(previousWeights);
    listenerRules = List.copyOf(listenerRules);
    routeVerdicts = Map.copyOf(routeVerdicts);
  }

  /** What the owner policy lets the route's rule do; a route nobody judged is refused (safe side). */
  public ListenerVerdict routeVerdict(String route) {
    ListenerVerdict v = routeVerdicts.get(route);
    return v != null ? v : new ListenerVerdict(Optional.of(new ListenerVerdict.Refusal(ListenerVerdict.PRIORITY,
        "header route " + route + " was not checked against the runner's owner policy")), false, false);
  }
}
