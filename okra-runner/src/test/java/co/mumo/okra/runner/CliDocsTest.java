package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.runner.docs.DocsFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md is what the picocli model generates; -Dokra.docs.write=true rewrites it. */
class CliDocsTest {
  @Test
  void cliMdIsUpToDate() {
    DocsFiles.checkOrWrite("docs/cli.md", CliDocs.generate());
  }

  @Test
  void everyCommandAndExitCodeIsDocumented() {
    String md = CliDocs.generate();

    assertThat(md).contains("## okra-runner reconcile", "## okra-runner cell promote", "## okra-runner alb apply",
        "## okra-runner crds print", "## okra-runner demo", "## okra-runner version");
    assertThat(md).contains("| `--timeout=<timeout>` |", "| `-n, --namespace=<namespace>` |", "| `--speed=<speed>` |");
    assertThat(md).doesNotContain("--interval"); // hidden, as in --help
    for (int code = 0; code <= 5; code++) assertThat(md).containsPattern("(?m)^\\| " + code + " \\| \\S");
  }

  @Test
  void everyCommandAnswersHelp() {
    List<String[]> commands = new ArrayList<>();
    collect(OkraRunner.commandLine(), new ArrayList<>(), commands);
    for (String[] words : commands) {
      StringWriter out = new StringWriter();
      String[] args = java.util.Arrays.copyOf(words, words.length + 1);
      args[words.length] = "--help";
      assertThat(OkraRunner.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), args)).as(String.join(" ", args)).isZero();
      assertThat(out.toString()).as(String.join(" ", args)).startsWith("Usage: okra-runner");
    }
    assertThat(commands).hasSizeGreaterThan(10);
  }

  private static void collect(CommandLine c, List<String> path, List<String[]> out) {
    for (var e : c.getSubcommands().entrySet()) {
      if (e.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand) continue;
      List<String> words = new ArrayList<>(path);
      words.add(e.getKey());
      out.add(words.toArray(String[]::new));
      collect(e.getValue(), words, out);
    }
  }
}
