package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code okra-runner completion bash|zsh}: every command and option, and bash really completes with it. */
class CompletionTest {
  @Test
  void theScriptNamesEveryCommandAndVisibleOption() {
    String script = completion("bash");
    List<String> missing = new ArrayList<>();
    walk(OkraRunner.commandLine(), missing, script);
    assertThat(missing).as("commands and options the script does not complete").isEmpty();
    assertThat(script).doesNotContain("--interval"); // hidden
  }

  @Test
  void zshGetsTheSameScriptUnderACompdefLine() {
    assertThat(completion("zsh")).startsWith("#compdef okra-runner\n").contains("bashcompinit").endsWith(completion("bash"));
  }

  @Test
  void bashCompletesSubcommandsAndOptions() throws Exception {
    Path script = Files.createTempFile("okra-completion", ".bash");
    Files.writeString(script, completion("bash"));
    assertThat(complete(script, "okra-runner", "")).contains("reconcile", "cell", "completion", "analysis");
    assertThat(complete(script, "okra-runner", "cell", "")).contains("get", "describe", "history", "promote", "retry");
    assertThat(complete(script, "okra-runner", "reconcile", "--")).contains("--cell", "--all", "--wait", "--timeout", "--namespace");
    assertThat(complete(script, "okra-runner", "reconcile", "-o", "")).containsExactlyInAnyOrder("text", "json");
  }

  @Test
  void aShellOtherThanBashOrZshIsBadInput() {
    StringWriter err = new StringWriter();
    assertThat(OkraRunner.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "completion", "fish")).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("completion").contains("fish");
  }

  private static void walk(CommandLine c, List<String> missing, String script) {
    for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
      if (!o.hidden() && !script.contains(o.longestName())) missing.add(c.getCommandSpec().qualifiedName() + " " + o.longestName());
    }
    for (var sub : c.getSubcommands().entrySet()) {
      if (!script.contains(sub.getKey())) missing.add(c.getCommandSpec().qualifiedName() + " " + sub.getKey());
      walk(sub.getValue(), missing, script);
    }
  }

  private static String completion(String shell) {
    StringWriter out = new StringWriter();
    assertThat(OkraRunner.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "completion", shell)).isZero();
    return out.toString();
  }

  /** What bash offers after {@code words} (the last one being completed), with the script loaded. */
  private static List<String> complete(Path script, String... words) throws IOException, InterruptedException {
    String line = String.join(" ", words);
    String bash = "source " + script + "; COMP_WORDS=(" + quoted(words) + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line
        + "'; COMP_POINT=" + line.length() + "; _complete_okra-runner; printf '%s\\n' \"${COMPREPLY[@]}\"";
    // stderr dropped: outside a real completion, bash notes that compopt has no completion to adjust.
    Process p = new ProcessBuilder("bash", "-c", bash).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static String quoted(String... words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) b.append('\'').append(w).append("' ");
    return b.toString();
  }
}
