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
 * what the runner's owner policy lets the Cell do on its listener, and the Cells it waits for.
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
    EarlierWaves waves) {

  /** A Cell that waits for no other (no spec.rolloutAfter). */
  public Observed(CellDefinition cell, RolloutState state, List<TargetGroup> targetGroups, Map<Version, String> blocked,
                  Optional<ObservedRule> rule, Map<String, ChildRun> runs, List<FieldError> referenceErrors,
                  List<TargetWeight> previousWeights, List<ObservedRule> listenerRules, ListenerVerdict verdict) {
    this(cell, state, targetGroups, blocked, rule, runs, referenceErrors, previousWeights, listenerRules, verdict, EarlierWaves.NONE);
  }

  public Observed {
    targetGroups = List.copyOf(targetGroups);
    blocked = Map.copyOf(blocked);
    runs = Map.copyOf(runs);
    referenceErrors = List.copyOf(referenceErrors);
    previousWeights = List.copyOf(previousWeights);
    listenerRules = List.copyOf(listenerRules);
  }
}
