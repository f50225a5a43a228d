package co.mumo.okra.runner;

/**
 * The runner's exit codes, documented in docs/cli.md and in {@code okra-runner --help}. CI jobs
 * branch on these, so they never change meaning.
 */
public final class ExitCodes {
  private ExitCodes() {}

  /** Done: the pass ran, or with --wait the Cell settled (Succeeded, or Idle with nothing to roll out). */
  public static final int OK = 0;
  /** Kubernetes or AWS could not be reached or answered with an error (nothing is known to be half-done); or an internal error, said to be a bug. */
  public static final int ERROR = 1;
  /** Bad input or configuration: an unknown option, a malformed argument, an invalid Cell, a missing kubeconfig, region, credentials or permission. */
  public static final int INVALID = 2;
  /** The rollout failed: traffic was rolled back to the stable version and the version blocked. */
  public static final int ROLLOUT_FAILED = 3;
  /** --timeout was reached before the command finished (with --wait: before the Cell settled). */
  public static final int TIMED_OUT = 4;
  /** --wait stopped because a human must act: a pause without duration, an inconclusive analysis, cell pause. */
  public static final int NEEDS_HUMAN = 5;

  private static final String SERVICE = "Kubernetes or AWS could not be reached or answered with an error, or an internal error (said to be a bug)";
  private static final String CONFIGURATION = "missing kubeconfig, context, AWS region, credentials or permission";

  static final String HELP = "Exit codes:\n  0  done (with --wait: Succeeded, or Idle with nothing to roll out)\n  1  Kubernetes or AWS could not be reached or answered with an error (with --all: for some Cells; the others were reconciled),"
      + " or an internal error (said to be a bug)\n  2  bad input or configuration: unknown option, malformed argument, invalid Cell, " + CONFIGURATION + "\n  3  rollout failed: traffic rolled back, version blocked\n  4  --timeout reached\n  5  waiting for a human (cell promote / resume / abort)";

  /** cell get, describe, history; cluster list and bindings. */
  static final String READ_HELP = "Exit codes:\n  0  shown (a namespace or Cell with nothing to show says so)\n  1  " + SERVICE + "\n  2  bad input or configuration: unknown option, no such Cell or Secret, " + CONFIGURATION;

  /** cell promote, pause, resume, abort, retry. */
  static final String STEER_HELP = "Exit codes:\n  0  recorded in the Cell's status: the next reconcile pass acts on it\n  1  the Cell changed while the command ran (nothing was written: run it again), or " + SERVICE + "\n  2  bad input or configuration: no such Cell, a command that does not apply to the rollout (promote or pause without a rollout, resume without a pause, retry without a failure), " + CONFIGURATION;

  static final String ALB_APPLY_HELP = "Exit codes:\n  0  the rule is as the config says (created, modified, or already so)\n  1  " + SERVICE + "\n  2  bad input or configuration: no such config, an invalid one, a rule the ownership rules or the owner policy refuse, " + CONFIGURATION;

  static final String CRDS_APPLY_HELP = "Exit codes:\n  0  every CRD applied\n  1  " + SERVICE + "\n  2  " + CONFIGURATION;

  static final String DISCOVER_HELP = "Exit codes:\n  0  every set synced\n  1  a cluster could not be reached or a write failed (everything else was synced), or " + SERVICE + "\n  2  a set or a cluster Secret is invalid (nothing of that set is changed), or bad input or configuration: " + CONFIGURATION;

  static final String CLUSTER_HELP = "Exit codes:\n  0  done\n  1  " + SERVICE + "\n  2  bad input or configuration: no such Secret, a Secret a ClusterSet owns, no such EKS cluster, " + CONFIGURATION;

  static final String EKS_TOKEN_HELP = "Exit codes:\n  0  the ExecCredential was printed\n"
      + "  1  AWS could not be reached or answered with an error, or an internal error (said to be a bug)\n"
      + "  2  bad input or configuration: missing AWS region or credentials, a role that cannot be assumed";

  static final String REPORT_HELP = "Exit codes:\n  0  written (whatever the run it summarises ended with)\n"
      + "  2  bad input: an --input that cannot be read, an unknown --annotations";

  static final String ANALYSIS_RUN_HELP = "Exit codes:\n  0  Successful\n  1  " + SERVICE + "\n"
      + "  2  bad input or configuration: unknown template, invalid metric or condition, " + CONFIGURATION + "\n"
      + "  3  Failed or Error\n  4  not decided yet (without --wait), or --timeout reached\n  5  Inconclusive: a human decides";
}
