package co.mumo.okra.jenkins

/** Shell quoting for values that end up in {@code sh} scripts. */
class Shell {
  private Shell() {}

  /** {@code value} as one POSIX shell word: single-quoted, embedded quotes closed and escaped. */
  static String quote(String value) {
    return "'" + value.replace("'", "'\"'\"'") + "'"
  }

  static String command(List<String> words) {
    List<String> quoted = []
    for (String w : words) quoted << quote(w)
    return quoted.join(' ')
  }
}
