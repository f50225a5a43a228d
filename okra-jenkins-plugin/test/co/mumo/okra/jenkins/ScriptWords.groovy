package co.mumo.okra.jenkins

/** Reads the generated sh scripts back, as a shell would, so tests can check the exact command. */
class ScriptWords {
  /**
   * The single-quoted words of the line that runs the runner (the one piped to tee), without the
   * "$@" that carries the JVM flags the script works out (ShellScriptsTest runs those for real).
   */
  static List<String> runnerWords(String script) {
    String line = script.readLines().find { it.startsWith('{ ') && it.contains('| tee ') }
    if (line == null) throw new AssertionError("no runner line in:\n${script}")
    String command = line.substring(2, line.indexOf(' 2>&1;'))
    return unquote(command).findAll { it != '$@' }
  }

  static String teeTarget(String script) {
    def m = script =~ /\| tee '([^']+)'/
    if (!m.find()) throw new AssertionError("no tee in:\n${script}")
    return m.group(1)
  }

  /** Splits single-quoted POSIX words, including the '"'"' idiom for an embedded quote. */
  static List<String> unquote(String command) {
    List<String> words = []
    StringBuilder word = null
    int i = 0
    while (i < command.length()) {
      char c = command.charAt(i)
      if (c == (char) ' ') {
        if (word != null) { words << word.toString(); word = null }
        i++
      } else if (c == (char) "'") {
        int end = command.indexOf("'", i + 1)
        if (word == null) word = new StringBuilder()
        word.append(command, i + 1, end)
        i = end + 1
      } else if (c == (char) '"') {
        int end = command.indexOf('"', i + 1)
        if (word == null) word = new StringBuilder()
        word.append(command, i + 1, end)
        i = end + 1
      } else {
        throw new AssertionError("unquoted character '${c}' at ${i} in: ${command}")
      }
    }
    if (word != null) words << word.toString()
    return words
  }
}
