package co.mumo.okra.jenkins

/**
 * Runs okra-runner on the agent through {@code sh}: its output streams into the build log as it
 * comes, and is also kept in a file under .okra/ so that the step can read the last JSON object.
 */
class RunnerProcess implements Serializable {
  private static final long serialVersionUID = 1L

  private RunnerProcess() {}

  /**
   * @param runnerArgs the command and its own options, e.g. {@code ['reconcile', '--cell', 'web', ...]}
   * @param logName a file name for the kept output, unique per Cell
   * @return [exitCode: int, output: String, log: path of the kept output]
   */
  static Map run(PipelineSteps steps, StepArguments args, List<String> runnerArgs, String logName, String label) {
    String jar = RunnerJar.resolve(steps, args)
    List<String> words = [args.string('java', 'java'), '-jar', jar] + runnerArgs + args.connectionArgs() + args.extraArgs()
    String log = ".okra/${logName}.log"
    String script = script(words, log)
    // Credentials arrive as environment variables (KUBECONFIG, AWS_*): never on the command line, so never in the log.
    steps.echo("okra: ${Shell.command(words)}")
    int exitCode = -1
    List<Map> bindings = args.credentialBindings()
    if (bindings.isEmpty()) {
      exitCode = steps.sh(script, label)
    } else {
      steps.withCredentials(bindings) {
        exitCode = steps.sh(script, label)
      }
    }
    String output = steps.fileExists(log) ? steps.readFile(log) : ''
    return [exitCode: exitCode, output: output, log: log]
  }

  /**
   * POSIX sh (Jenkins' default /bin/sh may be dash): a pipe through tee loses the runner's exit code,
   * so the runner writes it to a file and the script exits with it.
   */
  static String script(List<String> words, String log) {
    String rc = log + '.rc'
    return """set +x
mkdir -p .okra
rm -f ${Shell.quote(rc)}
{ ${Shell.command(words)} 2>&1; echo \$? > ${Shell.quote(rc)}; } | tee ${Shell.quote(log)}
exit "\$(cat ${Shell.quote(rc)})"
"""
  }
}
