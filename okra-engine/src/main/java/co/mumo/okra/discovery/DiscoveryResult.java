package co.mumo.okra.discovery;

import co.mumo.okra.core.FieldError;
import java.util.List;

/**
 * What one pass over one ClusterSet or AWSTargetGroupSet did (or, in a dry run, would do).
 *
 * @param kind    ClusterSet or AWSTargetGroupSet
 * @param key     namespace/name of the set
 * @param created names of objects created (Secrets or AWSTargetGroups)
 * @param errors  non-empty when the set or one of its inputs is invalid: then nothing was written but its status
 */
public record DiscoveryResult(String kind, String key, Outcome outcome, List<String> created, List<String> updated,
                              List<String> deleted, List<Note> notes, List<FieldError> errors, String message) {
  public DiscoveryResult {
    created = List.copyOf(created);
    updated = List.copyOf(updated);
    deleted = List.copyOf(deleted);
    notes = List.copyOf(notes);
    errors = List.copyOf(errors);
  }

  public enum Outcome {
    /** Objects were written. */
    CHANGED,
    /** Everything already matched. */
    UNCHANGED,
    /** Decided, and as asked wrote nothing. */
    DRY_RUN,
    /** The set or an input (a cluster Secret) is invalid: status says why, nothing else was touched. */
    INVALID
  }

  /** An unreachable cluster or a failed write: the pass did what it could, the rest needs another pass. */
  public boolean incomplete() {
    return notes.stream().anyMatch(n -> n.kind() == Note.Kind.UNREACHABLE || n.kind() == Note.Kind.FAILED);
  }

  static DiscoveryResult invalid(String kind, String key, List<FieldError> errors, String message) {
    return new DiscoveryResult(kind, key, Outcome.INVALID, List.of(), List.of(), List.of(), List.of(), errors, message);
  }
}
