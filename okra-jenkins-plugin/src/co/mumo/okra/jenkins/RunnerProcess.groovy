package co.mumo.okra.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Runs okra-runner on the agent through {@code sh}, started by the one launcher (okra-runner/bin/okra-runner,
 * shipped in this library's resources as okra-runner): the jar's pinned SHA-256 checked before the JVM
 * starts, C1 only, and a start-up archive (the AOT cache on JDK 24+, else AppCDS) in the agent user's
 * cache. The output streams into the build log and is kept in a file under .okra/, from which the step
 * reads what it returns.
 */
class RunnerProcess implements Serializable {
  private static final long serialVersionUID = 1L
  static final String LAUNCHER = 'co/mumo/okra/jenkins/okra-runner'

  private RunnerProcess() {}

  /**
   * @param runnerArgs the command and its own options, e.g. {@code ['reconcile', '--cell', 'web', ...]}
   * @param logName a file name for the kept output, unique per Cell
   * @return [exitCode: int, log: path of the kept output]; read it with RunnerOutput, never into a CPS local
   */
  static Map run(PipelineSteps steps, StepArguments args, List<String> runnerArgs, String logName, String label) {
    Map jar = RunnerJar.resolve(steps, args)
    if (jar == null) return null
    List<String> words = runnerArgs + args.connectionArgs() + args.extraArgs()
    String log = ".okra/${logName}.log"
    String script = runnerScript(steps.libraryResource(LAUNCHER), jar.jar as String, jar.sha256 as String, args.string('java', 'java'),
        args.bool('appCds', true), words, log)
    // Credentials arrive as environment variables (KUBECONFIG, AWS_*): never on the command line, so never in the log.
    steps.echo("okra: okra-runner ${Shell.command(words)}")
    int exitCode = -1
    List<Map> bindings = args.credentialBindings()
    if (bindings.isEmpty()) {
      exitCode = steps.sh(script, label)
    } else {
      steps.withCredentials(bindings) {
        exitCode = steps.sh(script, label)
      }
    }
    return [exitCode: exitCode, log: log]
  }

  /**
   * The {@code sh} script: writes the launcher into .okra/ (afresh every run: nothing cached is run
   * unchecked), then runs {@code okra-runner WORDS...} through it. POSIX sh (Jenkins' /bin/sh may be
   * dash): a pipe through tee loses the runner's exit code, so it goes through a file.
   * @param jar the jar as one shell word (quoted, or a "$VAR/..." expression)
   */
  @NonCPS
  static String runnerScript(String launcher, String jar, String sha256, String java, boolean archive, List<String> words, String log) {
    String rc = Shell.quote(log + '.rc')
    String end = 'OKRA_LAUNCHER'
    while (launcher.contains(end)) end += '_'
    StringBuilder s = new StringBuilder()
    s << "set +x\nmkdir -p .okra\nrm -f ${rc}\n"
    s << "cat > .okra/okra-runner <<'${end}'\n${launcher}${launcher.endsWith('\n') ? '' : '\n'}${end}\n"
    s << "export OKRA_RUNNER_JAR=${jar} OKRA_RUNNER_SHA256=${Shell.quote(sha256 ?: '')} JAVA=${Shell.quote(java)}\n"
    if (!archive) s << 'export OKRA_CDS=off\n'
    s << "{ sh .okra/okra-runner ${Shell.command(words)} 2>&1; echo \$? > ${rc}; } | tee ${Shell.quote(log)}\n"
    s << "exit \"\$(cat ${rc})\"\n"
    return s.toString()
  }
}
