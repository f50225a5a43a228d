package co.mumo.okra.jenkins

/**
 * The okraDiscover step: {@code okra-runner discover -o json} plus {@code args}, passed through as
 * given, so the step follows the runner's discover command (ClusterSets and AWSTargetGroupSets).
 */
class Discover implements Serializable {
  private static final long serialVersionUID = 1L
  static final String STEP = 'okraDiscover'
  static final List<String> OWN = ['args']

  private Discover() {}

  /** @return [exitCode, objects (each JSON line the runner printed), log]; a non-zero exit fails the build */
  static Map run(PipelineSteps steps, Map arguments) {
    StepArguments args = new StepArguments(STEP, arguments)
    String problem = args.problem(OWN, [])
    Object extra = args.values.args
    if (problem == null && extra != null && !(extra instanceof List)) problem = "${STEP}: args must be a list of strings, e.g. args: ['--all']"
    if (problem != null) {
      steps.error(problem)
      return null
    }
    List<String> runnerArgs = ['discover', '-o', 'json']
    for (Object o : (extra ?: [])) runnerArgs << o.toString()
    Map run = RunnerProcess.run(steps, args, runnerArgs, "discover-${args.string('namespace', 'context')}",
        "okra: discover in ${args.string('namespace', "the kubeconfig context's namespace")}")
    String log = run.log
    int code = run.exitCode as int
    if (code != 0) {
      String error = RunnerOutput.lastError(steps.fileExists(log) ? steps.readFile(log) : '') ?: 'see the log above'
      if (error.contains("Unmatched argument at index 0: 'discover'")) {
        error = 'this okra-runner has no discover command; use a runner release that has it (runnerVersion, runnerJar)'
      }
      steps.error("okra: discover failed (exit ${code}): ${error}")
      return null
    }
    // Discovery prints a few lines per ClusterSet and AWSTargetGroupSet: the step returns them all.
    List<Map> objects = RunnerOutput.objects(steps.fileExists(log) ? steps.readFile(log) : '')
    steps.echo("okra: discover done (${objects.size()} result lines)")
    return [exitCode: code, objects: objects, log: log]
  }
}
