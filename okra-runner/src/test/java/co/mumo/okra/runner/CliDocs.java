package co.mumo.okra.runner;

import co.mumo.okra.runner.docs.DocsFiles;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes docs/cli.md from the picocli model: every command, its synopsis, options and parameters,
 * and the exit codes. Walking the model (not the help text) keeps the Markdown tidy; hidden options
 * are left out, as they are from --help.
 */
final class CliDocs {
  private final StringBuilder md = new StringBuilder();
  private final Set<String> common;

  private CliDocs() {
    common = CommandSpec.forAnnotatedObject(new GlobalOptions(Clock.systemUTC())).options().stream().map(OptionSpec::longestName)
        .collect(Collectors.toSet());
  }

  static String generate() {
    return new CliDocs().render(OkraRunner.commandLine());
  }

  private String render(CommandLine root) {
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    md.append("# okra-runner command line\n\n")
        .append("<!-- Generated from the runner's picocli model by CliDocs (okra-runner tests); do not edit by hand.\n")
        .append("     Regenerate: ").append(DocsFiles.REGENERATE).append(" -->\n\n")
        .append("`java -jar okra-runner.jar COMMAND [OPTIONS]`. Every command also takes `-h`/`--help` (and `-V`/`--version`).\n\n");
    md.append("| command | what it does |\n| --- | --- |\n");
    for (CommandLine c : all) {
      if (c == root || isHelp(c)) continue;
      CommandSpec s = c.getCommandSpec();
      md.append("| [`").append(s.qualifiedName()).append("`](#").append(anchor(s.qualifiedName())).append(") | ")
          .append(cell(HelpLayout.summary(s))).append(" |\n");
    }
    md.append("\n");
    commonOptions();
    for (CommandLine c : all) {
      if (!isHelp(c)) command(c.getCommandSpec());
    }
    notifications();
    exitCodes();
    return md.toString();
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, out));
  }

  private static boolean isHelp(CommandLine c) {
    return c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand;
  }

  private void commonOptions() {
    md.append("## Common options\n\n")
        .append("Commands that talk to Kubernetes or AWS take these; the sections below say \"and the common options\".\n\n");
    optionTable(CommandSpec.forAnnotatedObject(new GlobalOptions(Clock.systemUTC())).options());
    md.append("With `-o json` every line a command prints is one JSON object with a `type` (`pass`, `event`, `error`, `cellSummary`, ...), ")
        .append("described field by field in [output.schema.json](output.schema.json) (version ").append(Output.SCHEMA_VERSION)
        .append("; the tests check every command's lines against it). A command that fails prints its error as an `error` object too, ")
        .append("besides the one line on stderr.\n\n");
  }

  private void command(CommandSpec s) {
    md.append("## ").append(s.qualifiedName()).append("\n\n");
    md.append("```\n").append(synopsis(s)).append("\n```\n\n");
    for (String paragraph : HelpLayout.paragraphs(s.usageMessage().description())) md.append(paragraph).append("\n\n");
    List<PositionalParamSpec> params = s.positionalParameters().stream().filter(p -> !p.hidden()).toList();
    if (!params.isEmpty()) {
      md.append("| parameter | description |\n| --- | --- |\n");
      for (PositionalParamSpec p : params) {
        md.append("| `").append(p.paramLabel()).append("` | ").append(cell(String.join(" ", p.description()))).append(" |\n");
      }
      md.append("\n");
    }
    List<String> takes = s.options().stream().map(OptionSpec::longestName).filter(common::contains).toList();
    List<OptionSpec> own = s.options().stream()
        .filter(o -> !o.hidden() && !common.contains(o.longestName()) && !o.usageHelp() && !o.versionHelp()).toList();
    if (!own.isEmpty()) optionTable(own);
    if (takes.size() == common.size()) {
      md.append("And the [common options](#common-options).\n\n");
    } else if (!takes.isEmpty()) {
      md.append("And of the [common options](#common-options): ").append(takes.stream().map(o -> "`" + o + "`")
          .collect(Collectors.joining(", "))).append(".\n\n");
    }
    footer(s.usageMessage().footer());
    if (!s.subcommands().isEmpty()) {
      md.append("Subcommands: ").append(s.subcommands().values().stream().distinct().filter(c -> !isHelp(c))
          .map(c -> "[`" + c.getCommandName() + "`](#" + anchor(c.getCommandSpec().qualifiedName()) + ")")
          .collect(Collectors.joining(", "))).append(".\n\n");
    }
  }

  /** A command's own exit codes (a footer other than the general table at the end) as a table, other footer lines as text. */
  private void footer(String[] lines) {
    String text = String.join("\n", lines);
    if (text.isBlank() || text.equals(ExitCodes.HELP)) return;
    StringBuilder table = new StringBuilder();
    for (String line : text.split("\n")) {
      String t = line.trim();
      if (t.equals("Exit codes:")) {
        table.append("| exit code | meaning |\n| --- | --- |\n");
      } else if (!t.isEmpty() && Character.isDigit(t.charAt(0)) && table.length() > 0) {
        int space = t.indexOf(' ');
        table.append("| ").append(t, 0, space).append(" | ").append(cell(t.substring(space).trim())).append(" |\n");
      } else if (!t.isEmpty()) {
        md.append(t.replace("%n", " ")).append("\n");
      }
    }
    if (table.length() > 0) md.append(table).append("\n");
  }

  private void optionTable(List<OptionSpec> options) {
    md.append("| option | description |\n| --- | --- |\n");
    for (OptionSpec o : options) {
      String names = String.join(", ", List.of(o.names()));
      String label = o.arity().max() > 0 ? "=" + o.paramLabel() : "";
      String description = String.join(" ", o.description());
      if (o.typeInfo().isEnum() && o.completionCandidates() != null) {
        List<String> values = new ArrayList<>();
        o.completionCandidates().forEach(values::add);
        if (!description.contains(String.join(" or ", values))) description += " One of: " + String.join(", ", values) + ".";
      }
      md.append("| `").append(names).append(label).append("` | ").append(cell(description)).append(" |\n");
    }
    md.append("\n");
  }

  /** What a {@code --notify} webhook receives, rendered by the code that sends it. */
  private void notifications() {
    co.mumo.okra.api.CellStatus.Notification n = new co.mumo.okra.api.CellStatus.Notification();
    n.id = "paused-3f9a1c0b5e21";
    n.event = "Paused";
    n.version = "2.0.0";
    n.stableVersion = "1.0.0";
    n.message = "step 5/5 (pause until promoted): waiting for `okra-runner cell promote`";
    n.at = "2026-03-01T10:00:00Z";
    String json;
    String slack;
    try {
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      json = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(co.mumo.okra.notify.NotificationPayloads.body(
          co.mumo.okra.notify.Webhook.parse("https://example.com/hook", co.mumo.okra.notify.Webhook.Format.json, "x"), n, "team-a", "web")));
      slack = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(co.mumo.okra.notify.NotificationPayloads.body(
          co.mumo.okra.notify.Webhook.parse("https://example.com/hook", co.mumo.okra.notify.Webhook.Format.slack, "x"), n, "team-a", "web")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    md.append("## Notifications\n\n")
        .append("`reconcile --notify URL` (or `$OKRA_NOTIFY`) POSTs one JSON document to each webhook when a Cell starts waiting for a human ")
        .append("(`Paused`: an indefinite `pause: {}`, an Inconclusive analysis, or `cell pause`, which records it for the next pass to tell), and when a rollout ended as the ALB was seen ")
        .append("to carry it (`Failed`, `Succeeded`; not at `RollingBack` or `Promoting`). Each transition is sent once however many runners ")
        .append("race and however many passes follow; a runner killed after recording it and before sending leaves it to the next pass ")
        .append("(at least once then); a webhook that does not answer 2xx is tried again by later passes, at most ")
        .append(co.mumo.okra.notify.WebhookNotifier.MAX_ATTEMPTS).append(" times, and nothing older than ")
        .append(co.mumo.okra.cell.CellNotifications.KEPT_FOR.toHours()).append(" hours is sent ")
        .append("([architecture.md](architecture.md#notifications)). The webhook's host must be allowed by the owner policy's ")
        .append("`notifications` section ([security.md](security.md#notifications)).\n\n")
        .append("`json` (the default), schema `").append(co.mumo.okra.notify.NotificationPayloads.SCHEMA).append("` — fields are only ")
        .append("added within a version; `id` names the transition (a receiver can drop a repeat); `commands` holds `promote` and `abort` for ")
        .append("`Paused`, `retry` for `Failed`, nothing for `Succeeded`; `text` is Markdown in which everything Cell and template authors ")
        .append("write is escaped; `version`, `stableVersion` and `message` are plain text with control characters shown as pictures:\n\n")
        .append("```json\n").append(json).append("\n```\n\n")
        .append("`slack` (`slack:URL`, or `--notify-format slack`): Slack's incoming-webhook shape, the same text in mrkdwn, where what ")
        .append("authors write can neither link, mention nor format:\n\n")
        .append("```json\n").append(slack).append("\n```\n\n");
  }

  private void exitCodes() {
    md.append("## Exit codes\n\n")
        .append("CI jobs branch on them, so they never change meaning. Commands whose codes differ list their own above.\n\n")
        .append("| code | meaning |\n| --- | --- |\n");
    for (String line : ExitCodes.HELP.lines().toList()) {
      String t = line.trim();
      if (t.isEmpty() || !Character.isDigit(t.charAt(0))) continue;
      int space = t.indexOf(' ');
      md.append("| ").append(t, 0, space).append(" | ").append(cell(t.substring(space).trim())).append(" |\n");
    }
  }

  private static String synopsis(CommandSpec s) {
    CommandLine.Help help = new CommandLine.Help(s, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    return help.synopsis(0).stripTrailing();
  }

  /** A table cell; %% and %n are picocli's format escapes, which --help renders as % and a line break. */
  private static String cell(String text) {
    return text.replace("%%", "%").replace("%n", " ").replace("|", "\\|").replace("\n", " ");
  }

  /** GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped. */
  static String anchor(String heading) {
    return heading.toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
  }
}
