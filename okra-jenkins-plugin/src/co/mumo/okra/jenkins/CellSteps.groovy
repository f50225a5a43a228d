package co.mumo.okra.jenkins

/**
 * The steps that steer or read one Cell: okraPromote ({@code okra-runner cell promote}), okraAbort
 * ({@code cell abort}) and okraStatus ({@code cell get}). Each changes only the Cell's status (the next
 * okraRollout pass acts on it) or reads it; any failure ends the build with the runner's message.
 */
class CellSteps implements Serializable {
  private static final long serialVersionUID = 1L
  static final Map<String, List<String>> OWN = [okraPromote: ['cell', 'full'], okraAbort: ['cell', 'reason'], okraStatus: ['cell']]

  private CellSteps() {}

  /** Goes past the current step (a pause, an inconclusive analysis); {@code full: true} skips every remaining step. @return [exitCode, message] */
  static Map promote(PipelineSteps steps, Map arguments) {
    StepArguments args = checked(steps, 'okraPromote', arguments)
    if (args == null) return null
    List<String> extra = args.bool('full', false) ? ['--full'] : []
    return steer(steps, args, ['cell', 'promote', args.string('cell', '')] + extra, 'promote')
  }

  /** Rolls traffic back to the stable version at the next pass and blocks the canary version. @return [exitCode, message] */
  static Map abort(PipelineSteps steps, Map arguments) {
    StepArguments args = checked(steps, 'okraAbort', arguments)
    if (args == null) return null
    String reason = args.string('reason', 'aborted from Jenkins')
    return steer(steps, args, ['cell', 'abort', args.string('cell', ''), '--reason', reason], 'abort')
  }

  /** The Cell's status: @return the map okraRollout returns (phase, version, weights, ...) with exitCode and log */
  static Map status(PipelineSteps steps, Map arguments) {
    StepArguments args = checked(steps, 'okraStatus', arguments)
    if (args == null) return null
    String cell = args.string('cell', '')
    Map run = RunnerProcess.run(steps, args, ['cell', 'get', cell, '-o', 'json'], "status-${args.string('namespace', 'context')}-${cell}",
        "okra: status of ${args.where(cell)}")
    Map out = RunnerOutput.summary(steps.fileExists(run.log as String) ? steps.readFile(run.log as String) : '')
    if ((run.exitCode as int) != 0 || out.lastPass == null) {
      steps.error("okra: okraStatus ${args.where(cell)}: " + failure(run.exitCode as int, out.error as String))
      return null
    }
    Map result = RunnerOutput.result(out.lastPass as Map)
    result.exitCode = run.exitCode
    result.log = run.log
    steps.echo("okra: ${result.cell}: ${result.phase ?: 'no rollout yet'}" + (result.version ? " ${result.version}" : '')
        + (result.weights ? " (${RunnerOutput.weights(result.weights as Map)})" : ''))
    return result
  }

  private static StepArguments checked(PipelineSteps steps, String step, Map arguments) {
    StepArguments args = new StepArguments(step, arguments)
    String problem = args.problem(OWN[step], ['cell'])
    if (problem != null) {
      steps.error(problem)
      return null
    }
    return args
  }

  private static Map steer(PipelineSteps steps, StepArguments args, List<String> runnerArgs, String verb) {
    String cell = args.string('cell', '')
    Map run = RunnerProcess.run(steps, args, runnerArgs + ['-o', 'json'], "${verb}-${args.string('namespace', 'context')}-${cell}",
        "okra: ${verb} ${args.where(cell)}")
    Map out = RunnerOutput.summary(steps.fileExists(run.log as String) ? steps.readFile(run.log as String) : '')
    int code = run.exitCode as int
    if (code != 0) {
      steps.error("okra: ${args.step} ${args.where(cell)}: " + failure(code, out.error as String ?: out.event as String))
      return null
    }
    steps.echo("okra: ${out.event ?: verb + ' done'}")
    return [exitCode: code, message: out.event, log: run.log]
  }

  private static String failure(int code, String error) {
    String why = error ?: 'see the log above'
    if (code == Rollout.INVALID) return "bad input: ${why}"
    if (code == Rollout.ERROR) return "error talking to Kubernetes or AWS (or the Cell changed meanwhile: run it again): ${why}"
    return "okra-runner exited with ${code}: ${why}"
  }
}
