package co.mumo.okra.cell;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.rule.DesiredRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one pass decided: the new state to record first, then the actions to carry out, and when to
 * look again. {@code rule} is the rule the Cell wants now (empty when it must not be touched);
 * {@code weights} is the same as shares, for status and progress output; {@code runs} are the analysis
 * runs and experiments the rollout is waiting on, as observed, for status and progress output;
 * {@code headerRules} the header routes' rules the rollout wants now (with {@code rule}: none when it
 * is empty).
 */
public record Plan(
    RolloutState state,
    Optional<DesiredRule> rule,
    List<Weights.Share> weights,
    List<Action> actions,
    Optional<Duration> requeueAfter,
    String message,
    List<CellCondition> conditions,
    List<TargetGroupInventory.Rejected> rejected,
    Optional<Instant> pauseEndsAt,
    List<FieldError> errors,
    List<ChildRun> runs,
    List<AlbWeight> onAlb,
    List<HeaderRule> headerRules) {

  /** A plan that watches no analysis run or experiment. */
  public Plan(RolloutState state, Optional<DesiredRule> rule, List<Weights.Share> weights, List<Action> actions,
              Optional<Duration> requeueAfter, String message, List<CellCondition> conditions,
              List<TargetGroupInventory.Rejected> rejected, Optional<Instant> pauseEndsAt, List<FieldError> errors) {
    this(state, rule, weights, actions, requeueAfter, message, conditions, rejected, pauseEndsAt, errors, List.of(), List.of(), List.of());
  }

  /** This plan saying more: another message, conditions and requeue; everything it decides stays as it is. */
  public Plan withWords(String message, List<CellCondition> conditions, Optional<Duration> requeueAfter) {
    return new Plan(state, rule, weights, actions, requeueAfter, message, conditions, rejected, pauseEndsAt, errors, runs, onAlb,
        headerRules);
  }

  /** This plan with other actions; everything else stays as it is. */
  public Plan withActions(List<Action> other) {
    return new Plan(state, rule, weights, other, requeueAfter, message, conditions, rejected, pauseEndsAt, errors, runs, onAlb,
        headerRules);
  }

  public Plan {
    headerRules = List.copyOf(headerRules);
    onAlb = List.copyOf(onAlb);
    runs = List.copyOf(runs);
    weights = List.copyOf(weights);
    actions = List.copyOf(actions);
    conditions = List.copyOf(conditions);
    rejected = List.copyOf(rejected);
    errors = List.copyOf(errors);
  }
}
