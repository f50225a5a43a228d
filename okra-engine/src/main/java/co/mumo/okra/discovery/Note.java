package co.mumo.okra.discovery;

/**
 * Something a pass noticed but did not act on: a cluster that is not ready yet, a name taken by an
 * object the set does not own, an unreachable cluster, a binding without an ARN.
 */
public record Note(Kind kind, String subject, String message) {
  public enum Kind {
    /** Will be picked up by a later pass (a CREATING cluster). */
    PENDING,
    /** Left alone because something this set does not own is in the way. */
    CONFLICT,
    /** Skipped because its input is incomplete (a binding without an ARN, a cluster without an endpoint). */
    SKIPPED,
    /** Could not be reached or listed; its objects are kept as they are. */
    UNREACHABLE,
    /** A write failed; the next pass tries again. */
    FAILED
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase() + " " + subject + ": " + message;
  }
}
