package co.mumo.okra.cell;

import co.mumo.okra.api.CellStatus;
import java.util.List;

/**
 * The port that tells people of what a Cell's status records in {@code status.notifications}
 * ({@link CellNotifications}): called after each pass that wrote or read the status, it sends what this
 * runner has not sent yet. Best effort: it never fails the pass (a webhook that is down costs no rollout).
 */
public interface Notifier {
  /** Tells nobody: a runner without {@code --notify}. The transitions are still recorded, for a runner that has one. */
  Notifier NONE = (namespace, name, status) -> List.of();

  /**
   * Sends what {@code status} (the Cell's, as the pass left it) holds for this runner's webhooks, each
   * transition once however many runners race; what it did, in words for the pass's output.
   */
  List<String> deliver(String namespace, String name, CellStatus status);
}
