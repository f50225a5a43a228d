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

  @Test
  void helpWrapsAtSpacesOnlyWithWholeSentences() {
    List<String[]> commands = new ArrayList<>();
    commands.add(new String[0]);
    collect(OkraRunner.commandLine(), new ArrayList<>(), commands);
    for (String[] words : commands) {
      StringWriter out = new StringWriter();
      String[] args = java.util.Arrays.copyOf(words, words.length + 1);
      args[words.length] = "--help";
      OkraRunner.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), args);
      String help = out.toString();
      CommandLine.Model.CommandSpec spec = spec(words);
      List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
      spec.options().stream().filter(o -> !o.hidden()).forEach(o -> texts.addAll(List.of(o.description())));
      spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
      for (String text : texts) {
        for (String word : text.replace("%n", " ").replace("%%", "%").split("\\s+")) {
          assertThat(help).as(String.join(" ", args) + ": the word " + word + " is split").contains(word);
        }
      }
      assertThat(help.lines()).as(String.join(" ", args)).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(HelpLayout.WIDTH));
      for (var sub : spec.subcommands().values()) {
        assertThat(HelpLayout.summary(sub.getCommandSpec())).as("the summary of " + sub.getCommandSpec().qualifiedName())
            .matches("(?s).*[.!?)]$");
      }
    }
  }

  private static CommandLine.Model.CommandSpec spec(String[] words) {
    CommandLine c = OkraRunner.commandLine();
    for (String w : words) c = c.getSubcommands().get(w);
    return c.getCommandSpec();
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
