package co.mumo.okra.failure;

/**
 * What went wrong, in words a person can act on: where (the API server or AWS endpoint, and the
 * call), the cause, and what to do. {@link Kind} decides the exit code.
 */
public record Failure(Kind kind, String where, String cause, String hint) {
  public enum Kind {
    /** The input or the configuration is wrong: the user fixes it, running again as is will not help (exit 2). */
    INPUT,
    /** Kubernetes or AWS could not be reached, or answered with an error after the retries (exit 1). */
    SERVICE,
    /** Nothing anyone should have seen: a bug in Okra (exit 1, the stack trace with -v). */
    BUG
  }

  public Failure {
    where = oneLine(where);
    cause = oneLine(cause);
    hint = oneLine(hint);
  }

  /** {@code where: cause; hint}, on one line. */
  public String line() {
    return (where.isEmpty() ? "" : where + ": ") + cause + (hint.isEmpty() ? "" : "; " + hint);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
