package co.mumo.okra.jenkins

/**
 * The okraRollout step: {@code okra-runner reconcile --cell CELL --wait --timeout T -o json}, its exit
 * code turned into a build result, and its last pass into a result map.
 */
class Rollout implements Serializable {
  private static final long serialVersionUID = 1L
  static final String STEP = 'okraRollout'
  static final List<String> OWN = ['cell', 'timeout', 'onPause', 'dryRun', 'notifyCredentialsId', 'notifyFormat']
  /** The runner's --notify-format values (co.mumo.okra.notify.Webhook.Format). */
  static final List<String> NOTIFY_FORMATS = ['json', 'slack']
  static final List<String> ON_PAUSE = ['UNSTABLE', 'FAILURE', 'SUCCESS']

  // The runner's exit codes (docs/cli.md); they never change meaning.
  static final int OK = 0
  static final int ERROR = 1
  static final int INVALID = 2
  static final int ROLLOUT_FAILED = 3
  static final int TIMED_OUT = 4
  static final int NEEDS_HUMAN = 5

  private Rollout() {}

  /**
   * @return [cell, phase, version, stableVersion, desiredVersion, step, weights (version: percent), targetGroups,
   *          message, exitCode, result (SUCCESS or UNSTABLE), log]; a failure ends the build through error() instead
   */
  static Map run(PipelineSteps steps, Map arguments) {
    StepArguments args = new StepArguments(STEP, arguments)
    String problem = args.problem(OWN, ['cell'])
    String cell = args.string('cell', '')
    String timeout = args.string('timeout', '30m')
    String onPause = args.string('onPause', 'UNSTABLE').toUpperCase()
    if (problem == null && !StepArguments.isDuration(timeout)) {
      problem = "${STEP}: timeout '${timeout}' is not a duration: seconds, or hours, minutes and seconds in that order, e.g. 30m, 1h, 1h30m"
    }
    if (problem == null && !ON_PAUSE.contains(onPause)) problem = "${STEP}: onPause must be one of ${ON_PAUSE.join(', ')}, got '${onPause}'"
    String notifyFormat = args.string('notifyFormat', null)
    if (problem == null && notifyFormat != null && !NOTIFY_FORMATS.contains(notifyFormat)) {
      problem = "${STEP}: notifyFormat must be one of ${NOTIFY_FORMATS.join(', ')}, got '${notifyFormat}'"
    }
    if (problem != null) {
      steps.error(problem)
      return null
    }

    List<String> runnerArgs = ['reconcile', '--cell', cell, '--wait', '--timeout', timeout, '-o', 'json']
    if (args.bool('dryRun', false)) runnerArgs << '--dry-run'
    if (notifyFormat != null) runnerArgs += ['--notify-format', notifyFormat]
    String where = args.where(cell)
    Map run = RunnerProcess.run(steps, args, runnerArgs, "rollout-${args.string('namespace', 'context')}-${cell}", "okra: roll out ${where}")
    // The log is read and summarised outside CPS; only the small summary is kept.
    Map out = RunnerOutput.summary(steps.fileExists(run.log as String) ? steps.readFile(run.log as String) : '')
    Map result = RunnerOutput.result(out.lastPass as Map)
    result.exitCode = run.exitCode
    result.log = run.log
    String who = result.cell ?: where
    String summary = "${who}: ${result.phase ?: 'no pass'}" + (result.version ? " ${result.version}" : '') +
        (result.weights ? " (${RunnerOutput.weights(result.weights as Map)})" : '') + (result.message ? ": ${result.message}" : '')

    int code = run.exitCode as int
    if (code == OK) {
      result.result = 'SUCCESS'
      steps.echo("okra: ${summary}")
      return result
    }
    if (code == NEEDS_HUMAN) {
      String message = "okra: ${who} waits for a human (okraPromote, okraAbort, or okra-runner cell promote / resume / abort): ${result.message}"
      if (onPause == 'FAILURE') {
        steps.error(message)
        return null
      }
      result.result = onPause
      if (onPause == 'UNSTABLE') {
        steps.unstable(message)
      } else {
        steps.echo(message)
      }
      return result
    }
    String why
    if (code == ROLLOUT_FAILED) {
      why = "rollout failed, traffic rolled back to ${result.stableVersion}: ${result.message}"
    } else if (code == TIMED_OUT) {
      why = "timed out after ${timeout}: " + (out.timeout ?: summary)
    } else if (code == INVALID) {
      why = 'bad input: ' + (out.error ?: result.message ?: 'see the log above')
    } else if (code == ERROR) {
      why = 'error talking to Kubernetes or AWS: ' + (out.error ?: 'see the log above')
    } else {
      why = "okra-runner exited with ${code}: " + (out.error ?: 'see the log above')
    }
    steps.error("okra: ${who}: ${why}")
    return null
  }
}
