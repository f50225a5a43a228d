package co.mumo.okra.jenkins

import com.cloudbees.groovy.cps.NonCPS

/** Shell quoting for values that end up in {@code sh} scripts. */
class Shell implements Serializable {
  private static final long serialVersionUID = 1L

  private Shell() {}

  /** {@code value} as one POSIX shell word: single-quoted, embedded quotes closed and escaped. */
  @NonCPS
  static String quote(String value) {
    return "'" + value.replace("'", "'\"'\"'") + "'"
  }

  @NonCPS
  static String command(List<String> words) {
    List<String> quoted = []
    for (String w : words) quoted << quote(w)
    return quoted.join(' ')
  }
}
