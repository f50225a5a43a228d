package co.mumo.okra.cell;

import co.mumo.okra.api.Cell;
import java.time.Instant;
import java.util.List;

/**
 * The port for Kubernetes Events on a Cell. Called only by the runner whose guarded status write
 * recorded the transition the events describe, so racing runners record each once. Recording is best
 * effort: it never fails the pass (a runner without the RBAC for Events still rolls out).
 */
public interface EventRecorder {
  /** Records nothing: for stores without Events (tests, the demo). */
  EventRecorder NONE = (cell, events, at) -> {};

  /** {@code at}: the pass's time, from the runner's clock (the Events' first and last timestamps). */
  void record(Cell cell, List<CellEvent> events, Instant at);
}
