package co.mumo.okra.runner;

/**
 * The runner's exit codes, documented in docs/cli.md and in {@code okra-runner --help}. CI jobs
 * branch on these, so they never change meaning.
 */
public final class ExitCodes {
  private ExitCodes() {}

  /** Done: the pass ran, or with --wait the Cell settled (Succeeded, or Idle with nothing to roll out). */
  public static final int OK = 0;
  /** Kubernetes or AWS could not be reached or answered with an error; nothing is known to be half-done. */
  public static final int ERROR = 1;
  /** Bad input: an unknown option, a malformed argument, or an invalid Cell (its status names the field). */
  public static final int INVALID = 2;
  /** The rollout failed: traffic was rolled back to the stable version and the version blocked. */
  public static final int ROLLOUT_FAILED = 3;
  /** --wait ran out of --timeout before the Cell settled. */
  public static final int TIMED_OUT = 4;
  /** --wait stopped because a human must act: a pause without duration, an inconclusive analysis, cell pause. */
  public static final int NEEDS_HUMAN = 5;

  static final String HELP = """
      Exit codes:
        0  done (with --wait: Succeeded, or Idle with nothing to roll out)
        1  error talking to Kubernetes or AWS (with --all: for some Cells; the others were reconciled)
        2  bad input: unknown option, malformed argument, invalid Cell
        3  rollout failed: traffic rolled back, version blocked
        4  --wait timed out
        5  waiting for a human (cell promote / resume / abort)""";
}
