package co.mumo.okra.jenkins

/** Reads the generated sh scripts back, as a shell would, so tests can check the exact command. */
class ScriptWords {
  /**
   * The runner's command line as {@code [JAVA, '-jar', OKRA_RUNNER_JAR] + the launcher's arguments}: the
   * words of the line that runs the launcher (the one piped to tee), after the variables it exports.
   */
  static List<String> runnerWords(String script) {
    Map<String, String> env = exports(script)
    return [env.JAVA, '-jar', env.OKRA_RUNNER_JAR] + launcherArgs(script)
  }

  /** The words after {@code sh .okra/okra-runner} on the line piped to tee. */
  static List<String> launcherArgs(String script) {
    String line = script.readLines().find { it.startsWith('{ sh .okra/okra-runner') && it.contains('| tee ') }
    if (line == null) throw new AssertionError("no runner line in:\n${script}")
    return unquote(line.substring('{ sh .okra/okra-runner'.length(), line.indexOf(' 2>&1;')))
  }

  /** NAME=WORD pairs of the script's {@code export} lines, unquoted. */
  static Map<String, String> exports(String script) {
    Map<String, String> out = [:]
    for (String line : script.readLines().findAll { it.startsWith('export ') }) {
      for (String word : unquote(line.substring('export '.length()))) {
        int eq = word.indexOf('=')
        out[word.substring(0, eq)] = word.substring(eq + 1)
      }
    }
    return out
  }

  static String teeTarget(String script) {
    def m = script =~ /\| tee '([^']+)'/
    if (!m.find()) throw new AssertionError("no tee in:\n${script}")
    return m.group(1)
  }

  /** Splits single- and double-quoted POSIX words (no expansion), including the '"'"' idiom for an embedded quote. */
  static List<String> unquote(String command) {
    List<String> words = []
    StringBuilder word = null
    int i = 0
    while (i < command.length()) {
      char c = command.charAt(i)
      if (c == (char) ' ') {
        if (word != null) { words << word.toString(); word = null }
        i++
      } else if (c == (char) "'" || c == (char) '"') {
        int end = command.indexOf(c as String, i + 1)
        if (word == null) word = new StringBuilder()
        word.append(command, i + 1, end)
        i = end + 1
      } else {
        if (word == null) word = new StringBuilder()
        word.append(c)
        i++
      }
    }
    if (word != null) words << word.toString()
    return words
  }
}
