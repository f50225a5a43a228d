package co.mumo.okra.jenkins

/**
 * Runs okra-runner on the agent through {@code sh}: its output streams into the build log as it
 * comes, and is also kept in a file under .okra/ so that the step can read the last JSON object.
 */
class RunnerProcess implements Serializable {
  private static final long serialVersionUID = 1L
  /**
   * The JVM flags okra-runner/bin/okra-runner starts the runner with: C1 only (a pass is over before
   * C2 would pay off), serial GC, and an AppCDS archive when there is one. -Xlog:cds=off: a refused
   * archive would otherwise print a warning on stdout, in the middle of the JSON.
   */
  static final List<String> JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-Xlog:cds=off',
                                         '-Xlog:cds+dynamic=off']
  /** The commands whose run records the archive: a real pass, so it holds the classes a pass loads. */
  static final List<String> RECORDING = ['reconcile', 'discover']

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
    String cds = args.bool('appCds', true) ? RunnerJar.cacheDir(steps) : null
    String script = runnerScript(words, log, cds, runnerArgs[0] in RECORDING)
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
   * {@link #script} for {@code java -jar JAR ARGS...} started the way okra-runner/bin/okra-runner
   * starts it: {@link #JVM_FLAGS}, and with {@code cdsCache} an AppCDS archive there, one per jar and
   * JVM (keyed on their size and time). The first {@code record}ing run records it (about a second at
   * its end) and keeps it only from a pass that ran and once a JVM has mapped it; later runs start
   * from it, about twice as fast. The flags go through "$@", so that paths with spaces stay whole.
   */
  static String runnerScript(List<String> words, String log, String cdsCache, boolean record) {
    String java = Shell.quote(words[0])
    String jar = Shell.quote(words[2])
    String rc = Shell.quote(log + '.rc')
    StringBuilder s = new StringBuilder()
    s << "set +x\nmkdir -p .okra\nrm -f ${rc}\n"
    s << "set -- ${Shell.command(JVM_FLAGS)}\n"
    s << "okra_record=\n"
    if (cdsCache != null) {
      String cache = Shell.quote(cdsCache)
      s << """okra_stamps=\$(stat -L -c '%s-%Y' ${jar} "\$(command -v ${java})" 2>/dev/null || stat -L -f '%z-%m' ${jar} "\$(command -v ${java})" 2>/dev/null || true)
if [ -n "\$okra_stamps" ]; then
  okra_archive=${cache}/okra-runner-\$(printf '%s\\n' "\$okra_stamps" | cksum | cut -d ' ' -f 1).jsa
  if [ -f "\$okra_archive" ]; then
    set -- "\$@" "-XX:SharedArchiveFile=\$okra_archive"
"""
      if (record) {
        s << """  elif mkdir -p ${cache}; then
    # Archives of an earlier JDK or jar would only take up room.
    find ${cache} -name 'okra-runner-*.jsa' -exec rm -f {} + || true
    okra_record=\$okra_archive
    set -- "\$@" "-XX:ArchiveClassesAtExit=\$okra_archive.partial"
"""
      }
      s << "  fi\nfi\n"
    }
    s << "{ ${java} \"\$@\" ${Shell.command(words.drop(1))} 2>&1; echo \$? > ${rc}; } | tee ${Shell.quote(log)}\n"
    s << """if [ -n "\$okra_record" ]; then
  case "\$(cat ${rc})" in
    0 | 3 | 4 | 5)
      if [ -s "\$okra_record.partial" ] && ${java} ${Shell.command(JVM_FLAGS)} -Xshare:on "-XX:SharedArchiveFile=\$okra_record.partial" \\
          -XX:ErrorFile=/dev/null -cp ${jar} -version >/dev/null 2>&1; then
        mv -f "\$okra_record.partial" "\$okra_record"
      fi ;;
  esac
  rm -f "\$okra_record.partial"
fi
exit "\$(cat ${rc})"
"""
    return s.toString()
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
