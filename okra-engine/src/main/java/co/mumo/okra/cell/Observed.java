package co.mumo.okra.cell;

import co.mumo.okra.alb.ObservedRule;
import co.mumo.okra.alb.TargetWeight;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one pass read before deciding: the Cell, its recorded state, its target groups, the
 * blocklist, the rule as the ALB has it, the analysis runs, and problems found with what the Cell
 * refers to (e.g. a missing AnalysisTemplate).
 */
public record Observed(
    CellDefinition cell,
    RolloutState state,
    List<TargetGroup> targetGroups,
    Map<Version, String> blocked,
    Optional<ObservedRule> rule,
    Map<String, ChildRun> runs,
    List<FieldError> referenceErrors,
    List<TargetWeight> previousWeights) {

  public Observed {
    targetGroups = List.copyOf(targetGroups);
    blocked = Map.copyOf(blocked);
    runs = Map.copyOf(runs);
    referenceErrors = List.copyOf(referenceErrors);
    previousWeights = List.copyOf(previousWeights);
  }
}
