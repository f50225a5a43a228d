package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.AnalysisDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Where a job metric's {@code {{args.NAME}}} may stand: an argument's value is data (a version, a
 * service name, often set by someone other than the template's author), so it may become an argv
 * entry or an environment variable's value, never code. Refused, as written in the template:
 * arguments in a string command (run by {@code sh -c}), in the program of a list command, before or in
 * the script of a shell in a list command, in an environment variable's name, and in the value of a
 * variable that makes programs load code ({@code LD_PRELOAD}, {@code PATH}, {@code BASH_ENV}, ...).
 */
final class JobArgs {
  private JobArgs() {}

  /** Programs that read an entry as shell code: {@code sh -c SCRIPT}, or {@code sh SCRIPT-FILE}. */
  private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "posh", "busybox",
      "fish", "csh", "tcsh");
  /** Shell options whose value is the next entry. */
  private static final Set<String> SHELL_OPTIONS_WITH_VALUE = Set.of("-o", "+o", "-O", "+O", "--rcfile", "--init-file");
  private static final Set<String> CODE_LOADING_ENV = Set.of("PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4",
      "PROMPT_COMMAND", "NODE_OPTIONS", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PERL5OPT", "PERL5LIB", "PERLLIB",
      "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "GIT_SSH_COMMAND",
      "GIT_EXEC_PATH", "GCONV_PATH", "LOCPATH", "HOSTALIASES");

  static List<String> problems(Map<String, Object> asWritten) {
    List<String> problems = new ArrayList<>();
    Object command = asWritten.get("command");
    if (command instanceof List<?> list) {
      listProblems(list, problems);
    } else if (command != null && argument(command) != null) {
      problems.add("command is a string, run by sh -c, so " + argument(command) + " in it would be read as shell code (an argument"
          + " \"2.0.0; id\" would run id); pass the argument as an environment variable (env: [{name: VERSION, value: \""
          + argument(command) + "\"}] and \"$VERSION\" in the command) or use a list command ([check, \"" + argument(command) + "\"])");
    }
    if (asWritten.get("env") instanceof List<?> env) {
      for (int i = 0; i < env.size(); i++) {
        if (!(env.get(i) instanceof Map<?, ?> e)) continue;
        if (argument(e.get("name")) != null) {
          problems.add("env[" + i + "].name cannot come from an argument (" + argument(e.get("name")) + "): a name such as LD_PRELOAD"
              + " would let the argument choose code to run");
        } else if (argument(e.get("value")) != null && loadsCode(String.valueOf(e.get("name")))) {
          problems.add("env[" + i + "]: " + e.get("name") + " makes programs load code, so its value cannot come from an argument ("
              + argument(e.get("value")) + ")");
        }
      }
    }
    return problems;
  }

  private static void listProblems(List<?> command, List<String> problems) {
    if (command.isEmpty()) return;
    if (argument(command.get(0)) != null) {
      problems.add("command[0], the program to run, cannot come from an argument (" + argument(command.get(0)) + ")");
    }
    int shell = -1;
    for (int i = 0; i < command.size() && shell < 0; i++) {
      if (SHELLS.contains(basename(String.valueOf(command.get(i))))) shell = i;
    }
    if (shell < 0) return;
    int script = scriptEntry(command, shell);
    for (int i = 1; i <= Math.min(script, command.size() - 1); i++) {
      if (argument(command.get(i)) == null) continue;
      String where = i < shell ? "comes before the shell " + command.get(shell) + " (as an option of " + command.get(0) + ")"
          : i < script ? "is an option of the shell " + command.get(shell)
          : "is the script the shell " + command.get(shell) + " runs, so the argument would be read as shell code";
      problems.add("command[" + i + "] " + where + "; arguments may follow the script as its positional parameters ([sh, -c, 'check \"$1\"',"
          + " check, \"" + argument(command.get(i)) + "\"]) or come in through env");
    }
  }

  /** The index of the shell's script (after -c) or script file: its first entry that is not an option. */
  private static int scriptEntry(List<?> command, int shell) {
    int i = shell + 1;
    while (i < command.size()) {
      String entry = String.valueOf(command.get(i));
      if (entry.equals("--")) return i + 1;
      if (!(entry.startsWith("-") || entry.startsWith("+"))) return i;
      i += SHELL_OPTIONS_WITH_VALUE.contains(entry) ? 2 : 1;
    }
    return i;
  }

  private static boolean loadsCode(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    return CODE_LOADING_ENV.contains(n) || n.startsWith("LD_") || n.startsWith("DYLD_") || n.startsWith("BASH_FUNC_");
  }

  private static String basename(String program) {
    return program.substring(program.lastIndexOf('/') + 1);
  }

  /** The first {@code {{args.NAME}}} in {@code value}, or null. */
  private static String argument(Object value) {
    if (value == null) return null;
    Matcher m = AnalysisDefinition.ARG_REF.matcher(String.valueOf(value));
    return m.find() ? m.group() : null;
  }
}
