package co.mumo.okra.runner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The help's text sections, wrapped at spaces only. picocli wraps with the JDK's line breaker, which
 * also breaks after a dot or a slash, so that {@code okra.mumo.co/analysis-evaluator} or
 * {@code ~/.kube/config} came out split across lines; here a word is never split. Each element of a
 * description is a paragraph; the command list shows each command's first sentence, whole.
 */
final class HelpLayout {
  static final int WIDTH = 80;
  /** Where option and parameter descriptions start, as in picocli's own layout. */
  private static final int DESCRIPTION_COLUMN = 29;

  private HelpLayout() {}

  /** Installs the sections on {@code cli} and every subcommand under it. */
  static void install(CommandLine cli) {
    cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> {
      StringBuilder out = new StringBuilder();
      for (String p : paragraphs(help.commandSpec().usageMessage().description())) out.append(hanging("", p, 0));
      return out.toString();
    });
    cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> footer(help.commandSpec().usageMessage().footer()));
    cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::options);
    cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, HelpLayout::parameters);
    cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commands);
    for (CommandLine sub : cli.getSubcommands().values()) install(sub);
  }

  /** The first sentence of a command's description, whole: what the command list shows. */
  static String summary(CommandLine.Model.CommandSpec spec) {
    List<String> description = paragraphs(spec.usageMessage().header());
    if (description.isEmpty()) description = paragraphs(spec.usageMessage().description());
    return description.isEmpty() ? "" : description.get(0).split("(?<=[.!?])\\s+(?=[A-Z`(])", 2)[0];
  }

  /**
   * A description's paragraphs: an element of the annotation's array that does not end a sentence
   * (or a clause, with a colon) goes on into the next one, as source lines do.
   */
  static List<String> paragraphs(String[] lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      for (String line : unescape(raw).split("\n", -1)) {
        if (current.length() > 0) current.append(' ');
        current.append(line.strip());
        if (line.strip().isEmpty() || line.strip().matches(".*[.:!?]$")) {
          if (!current.toString().isBlank()) out.add(current.toString().strip());
          current.setLength(0);
        }
      }
    }
    if (current.length() > 0) out.add(current.toString().strip());
    return out;
  }

  private static String options(CommandLine.Help help) {
    List<OptionSpec> options = new ArrayList<>(help.commandSpec().options().stream().filter(o -> !o.hidden()).toList());
    options.sort(Comparator.comparing(o -> o.shortestName().replaceFirst("^-+", "").toLowerCase(Locale.ROOT)));
    StringBuilder out = new StringBuilder();
    for (OptionSpec o : options) {
      String shortName = Arrays.stream(o.names()).filter(n -> !n.startsWith("--")).findFirst().orElse(null);
      String longName = Arrays.stream(o.names()).filter(n -> n.startsWith("--")).findFirst().orElse(null);
      String names = "  " + (shortName == null ? "    " : shortName + (longName == null ? "" : ", ")) + (longName == null ? "" : longName)
          + (o.arity().max() > 0 ? "=" + o.paramLabel() : "");
      row(out, names, String.join(" ", o.description()));
    }
    return out.toString();
  }

  private static String parameters(CommandLine.Help help) {
    StringBuilder out = new StringBuilder();
    for (PositionalParamSpec p : help.commandSpec().positionalParameters()) {
      if (!p.hidden()) row(out, "      " + p.paramLabel(), String.join(" ", p.description()));
    }
    return out.toString();
  }

  private static String commands(CommandLine.Help help) {
    List<CommandLine> subs = help.commandSpec().subcommands().values().stream().distinct().toList();
    if (subs.isEmpty()) return "";
    int width = subs.stream().mapToInt(c -> c.getCommandName().length()).max().orElse(0) + 4;
    StringBuilder out = new StringBuilder();
    for (CommandLine c : subs) {
      String name = "  " + c.getCommandName();
      out.append(hanging(name + " ".repeat(width - name.length() + 2), summary(c.getCommandSpec()), width + 2));
    }
    return out.toString();
  }

  /** Option or parameter names, and the description beside them (below them when the names are long). */
  private static void row(StringBuilder out, String names, String description) {
    String text = unescape(description);
    if (names.length() < DESCRIPTION_COLUMN - 1) {
      out.append(hanging(names + " ".repeat(DESCRIPTION_COLUMN - names.length()), text, DESCRIPTION_COLUMN));
    } else {
      out.append(names).append('\n').append(hanging(" ".repeat(DESCRIPTION_COLUMN), text, DESCRIPTION_COLUMN));
    }
  }

  /** Footer lines as written; a long one wraps under its text (after an exit code and its spaces, say). */
  private static String footer(String[] lines) {
    StringBuilder out = new StringBuilder();
    for (String raw : lines) {
      for (String line : unescape(raw).split("\n", -1)) {
        Matcher m = Pattern.compile("^(\\s*(?:\\d+\\s+)?)").matcher(line);
        int indent = m.find() ? m.group(1).length() : 0;
        out.append(hanging(line.substring(0, indent), line.substring(indent), indent));
      }
    }
    return out.toString();
  }

  /** {@code first} followed by {@code text} wrapped at spaces, continuation lines indented by {@code indent}. */
  static String hanging(String first, String text, int indent) {
    StringBuilder out = new StringBuilder(first);
    int column = first.length();
    boolean lineEmpty = true;
    for (String word : text.strip().split(" +")) {
      if (word.isEmpty()) continue;
      if (!lineEmpty && column + 1 + word.length() > WIDTH) {
        out.append('\n').append(" ".repeat(indent));
        column = indent;
        lineEmpty = true;
      }
      if (!lineEmpty) {
        out.append(' ');
        column++;
      }
      out.append(word);
      column += word.length();
      lineEmpty = false;
    }
    return out.append('\n').toString();
  }

  /** picocli's format escapes in descriptions: %n is a line break, %% a percent sign. */
  private static String unescape(String text) {
    return text.replace("%n", "\n").replace("%%", "%");
  }
}
