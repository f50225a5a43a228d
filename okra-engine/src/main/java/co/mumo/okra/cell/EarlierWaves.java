package co.mumo.okra.cell;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.Version;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a pass read of the Cells its Cell waits for ({@code spec.rolloutAfter}): each one's rollout
 * state and blocked versions, or nothing when there is no such Cell; the entries the owner policy
 * refused (those were not read at all); and the waits among the Cells reached from this one, as far as
 * the pass could read them ({@code ns/name} to the keys it waits for), to find a cycle.
 */
public record EarlierWaves(List<Earlier> cells, List<FieldError> refused, Map<String, List<String>> graph) {
  public static final EarlierWaves NONE = new EarlierWaves(List.of(), List.of(), Map.of());

  public EarlierWaves {
    cells = List.copyOf(cells);
    refused = List.copyOf(refused);
    graph = Map.copyOf(graph);
  }

  /** One earlier wave: empty {@code state} when no such Cell exists. */
  public record Earlier(WaveReference ref, Optional<State> state) {}

  /** An earlier Cell's rollout, and the versions its VersionBlocklist holds. */
  public record State(RolloutState rollout, Set<Version> blocked) {
    public State {
      blocked = Set.copyOf(blocked);
    }
  }
}
