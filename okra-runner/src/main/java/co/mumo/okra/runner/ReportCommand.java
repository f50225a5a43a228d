package co.mumo.okra.runner;

import co.mumo.okra.core.PlainText;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code okra-runner report}: turns what {@code reconcile -o json} printed into what a CI system
 * shows — a Markdown summary, step outputs or a dotenv file, annotations — so the GitHub Action and
 * the GitLab template need no JSON tooling of their own (only Java, which the runner needs anyway).
 */
@Command(name = "report", description = {
    "Summarise the output of `reconcile -o json` for CI: a Markdown summary, step",
    "outputs, a dotenv file, annotations. Reads JSON lines (other lines are",
    "ignored); writes nothing to Kubernetes or AWS."}, footer = ExitCodes.REPORT_HELP)
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--input", description = "The JSON lines to read (default: standard input).")
  Path input;

  @Option(names = "--exit-code", description = "The exit code of the reconcile run, to say how it ended.", defaultValue = "0")
  int exitCode;

  @Option(names = "--markdown", description = "Append a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY).")
  Path markdown;

  @Option(names = "--outputs", description = "Append name=value lines to this file (e.g. $GITHUB_OUTPUT): phase, version, stable-version, desired-version, step, weights, exit-code.")
  Path outputs;

  @Option(names = "--dotenv", description = "Write OKRA_PHASE=... lines to this file (a GitLab dotenv report).")
  Path dotenv;

  @Option(names = "--annotations", description = "Print workflow commands for this CI when the run did not succeed: github.")
  String annotations;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (annotations != null && !annotations.equals("github")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--annotations: only github is supported, got " + annotations);
    }
    List<JsonNode> lines = read();
    Report report = Report.of(lines, exitCode);
    if (markdown != null) append(markdown, report.markdown());
    if (outputs != null) append(outputs, lines(report.values(false)));
    if (dotenv != null) Files.writeString(dotenv, lines(report.values(true)), StandardCharsets.UTF_8);
    if (annotations != null && exitCode != ExitCodes.OK) {
      // Workflow commands: %, CR and LF must be escaped in the message.
      String level = exitCode == ExitCodes.NEEDS_HUMAN ? "warning" : "error";
      String message = Report.visible((report.cell() + ": " + report.outcome() + ": " + report.message())
          .replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"));
      spec.commandLine().getOut().println("::" + level + " title=Okra::" + message);
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private List<JsonNode> read() throws IOException {
    try (InputStream in = input == null ? System.in : Files.newInputStream(input)) {
      List<JsonNode> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String t = line.trim();
        if (!t.startsWith("{")) continue;
        try {
          out.add(Serialization.jsonMapper().readTree(t));
        } catch (IOException notJson) {
          // a log line that happens to start with a brace
        }
      }
      return out;
    }
  }

  private static String lines(Map<String, String> values) {
    StringBuilder b = new StringBuilder();
    // One line per value, as both formats need: a control character in a value (a newline could add an
    // output of its own) is shown as its Unicode picture instead.
    values.forEach((k, v) -> b.append(k).append('=').append(Report.visible(v)).append('\n'));
    return b.toString();
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last pass, the runs started along the way, and how the run ended. */
  record Report(JsonNode last, List<String> runs, int exitCode, String timeout, String error) {
    static Report of(List<JsonNode> lines, int exitCode) {
      JsonNode last = null;
      Set<String> runs = new LinkedHashSet<>();
      String timeout = null;
      String error = null;
      for (JsonNode n : lines) {
        if (n.hasNonNull("phase") && !"error".equals(n.path("type").asText())) last = n;
        if ("timeout".equals(n.path("event").asText())) timeout = n.path("message").asText();
        // A failed run's own words: what failed, why, what to do.
        if ("error".equals(n.path("type").asText())) error = n.path("message").asText();
        for (JsonNode a : n.path("actions")) {
          String text = a.asText();
          if (text.startsWith("started ")) runs.add(text.substring("started ".length()));
        }
      }
      return new Report(last, List.copyOf(runs), exitCode, timeout, error);
    }

    String text(String field) {
      return last == null || !last.hasNonNull(field) ? "" : last.get(field).asText();
    }

    String cell() {
      return last == null ? "okra" : text("cell");
    }

    String version() {
      return !text("desiredVersion").isEmpty() ? text("desiredVersion") : text("stableVersion");
    }

    String message() {
      if (error != null && exitCode != ExitCodes.OK) return error;
      if (timeout != null && exitCode == ExitCodes.TIMED_OUT) return timeout;
      return last == null ? "the runner printed no pass (see the log)" : text("message");
    }

    String outcome() {
      return switch (exitCode) {
        case ExitCodes.OK -> "done";
        case ExitCodes.ERROR -> "Kubernetes or AWS failed (or an internal error)";
        case ExitCodes.INVALID -> "bad input or configuration";
        case ExitCodes.ROLLOUT_FAILED -> "rollout failed and was rolled back";
        case ExitCodes.TIMED_OUT -> "timed out";
        case ExitCodes.NEEDS_HUMAN -> "waiting for a human (cell promote / resume / abort)";
        default -> "exit code " + exitCode;
      };
    }

    /** Percent per version the Cell wants, in the order the target groups are listed. */
    Map<String, Integer> weights() {
      return weights("targetGroups");
    }

    /** Percent per version the listener rule carried when the last status was written. */
    Map<String, Integer> albWeights() {
      return weights("albTargetGroups");
    }

    private Map<String, Integer> weights(String field) {
      Map<String, Integer> out = new LinkedHashMap<>();
      if (last != null) {
        for (JsonNode tg : last.path(field)) {
          String version = tg.hasNonNull("version") ? tg.path("version").asText() : tg.path("arn").asText();
          out.merge(version, tg.path("weight").asInt(), Integer::sum);
        }
      }
      return out;
    }

    Map<String, String> values(boolean dotenv) {
      Map<String, String> v = new LinkedHashMap<>();
      v.put("phase", text("phase"));
      v.put("version", version());
      v.put("stable-version", text("stableVersion"));
      v.put("desired-version", text("desiredVersion"));
      v.put("step", text("currentStepIndex"));
      v.put("weights", Serialization.asJson(weights()).replace("\n", ""));
      v.put("alb-weights", Serialization.asJson(albWeights()).replace("\n", ""));
      v.put("traffic-synced", String.valueOf("Synced".equals(text("trafficSync"))));
      v.put("exit-code", String.valueOf(exitCode));
      if (!dotenv) return v;
      Map<String, String> env = new LinkedHashMap<>();
      v.forEach((k, x) -> env.put("OKRA_" + k.toUpperCase().replace('-', '_'), x));
      return env;
    }

    String markdown() {
      StringBuilder md = new StringBuilder("### Okra: ").append(markdownText(cell())).append(" — ")
          .append(last == null ? "no pass" : markdownText(text("phase"))).append("\n\n");
      md.append("| | |\n| --- | --- |\n");
      row(md, "outcome", outcome() + " (exit " + exitCode + ")");
      row(md, "version", version());
      row(md, "stable version", text("stableVersion"));
      row(md, "step", text("currentStepIndex").isEmpty() ? "" : "index " + text("currentStepIndex"));
      row(md, "message", message());
      if (last != null && last.hasNonNull("trafficSync")) {
        String sync = text("trafficSync");
        row(md, "on the ALB", sync.equals("Synced") ? "what the Cell wants (Synced)"
            : sync + ": " + albWeights().entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "%").collect(Collectors.joining(", ")));
      }
      JsonNode failure = last == null ? null : last.get("failure");
      if (failure != null && !failure.isNull()) row(md, "failure", failure.path("version").asText() + ": " + failure.path("cause").asText());
      md.append('\n');
      if (last != null && last.path("targetGroups").size() > 0) {
        md.append("| version | traffic | target groups |\n| --- | --- | --- |\n");
        for (Map.Entry<String, Integer> e : weights().entrySet()) {
          List<String> groups = new ArrayList<>();
          for (JsonNode tg : last.path("targetGroups")) {
            if (tg.path("version").asText().equals(e.getKey())) groups.add(tg.path("name").asText() + " " + tg.path("weight").asInt());
          }
          int filled = Math.max(0, Math.min(20, Math.round(e.getValue() / 5f)));
          md.append("| ").append(markdownText(e.getKey())).append(" | `").append("█".repeat(filled)).append("░".repeat(20 - filled))
              .append("` ").append(e.getValue()).append("% | ").append(markdownText(String.join(", ", groups))).append(" |\n");
        }
        md.append('\n');
      }
      if (!runs.isEmpty()) {
        md.append("Analyses started in this run: ").append(markdownText(String.join(", ", runs))).append("\n\n");
      }
      return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
      if (value == null || value.isEmpty()) return;
      md.append("| ").append(name).append(" | ").append(markdownText(value)).append(" |\n");
    }

    /** What Cell and template authors write, as plain text inside Markdown ({@link PlainText#markdown}). */
    static String markdownText(String s) {
      return PlainText.markdown(s);
    }

    static String visible(String s) {
      return PlainText.visible(s);
    }
  }
}
