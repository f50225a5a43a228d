package co.mumo.okra.runner;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.core.Durations;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.failure.Failure;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders results for people (one line per event) or machines (one JSON object per line). Every JSON
 * line has a {@code type} saying what it is; docs/output.schema.json describes each type (schema
 * version {@link #SCHEMA_VERSION}), and the tests check every command's lines against it.
 */
final class Output {
  /** The version of docs/output.schema.json these lines follow: new optional fields keep it, anything else bumps it. */
  static final String SCHEMA_VERSION = "1";

  enum Format {
    text, json;

    /** The format the command line asks for, read before (or without) parsing: errors in parsing are printed in it too. */
    static Format requested(String... args) {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String value = null;
        if ((a.equals("-o") || a.equals("--output")) && i + 1 < args.length) value = args[i + 1];
        else if (a.startsWith("--output=")) value = a.substring("--output=".length());
        else if (a.startsWith("-o=")) value = a.substring(3);
        else if (a.startsWith("-o") && a.length() > 2 && !a.startsWith("--")) value = a.substring(2);
        if ("json".equals(value)) return json;
      }
      return text;
    }
  }

  private final Format format;
  private final PrintWriter out;
  /** For what is shown relative to now: a pause's time left, when the next measurement is due. */
  private final Clock clock;

  Output(Format format, PrintWriter out, Clock clock) {
    this.format = format;
    this.out = out;
    this.clock = clock;
  }

  boolean json() {
    return format == Format.json;
  }

  void pass(PassResult r) {
    if (json()) {
      line(passJson(r));
      return;
    }
    CellStatus s = r.status();
    StringBuilder b = new StringBuilder("[").append(r.cell()).append("] ").append(r.phase());
    if (r.outcome() == CellReconciler.Outcome.ERROR) {
      b.append(" (ERROR): ").append(s.message);
    } else if (r.outcome() == CellReconciler.Outcome.CONFLICT) {
      b.append(": another runner updated the Cell first; this pass changed nothing");
    } else {
      b.append(": ").append(s.message).append(countdown(s, clock.instant()));
    }
    String weights = weights(s);
    if (!weights.isEmpty()) b.append("\n    traffic: ").append(weights);
    String sync = trafficSync(s);
    // What the ALB carries when that is not (yet) what the Cell wants.
    if (!sync.equals("Synced") && !albWeights(s).isEmpty()) b.append("\n    on the ALB (").append(sync).append("): ").append(albWeights(s));
    if (s.invalidTargetGroups != null) {
      // Not fatal, but the user should see it without reading the status.
      for (CellStatus.InvalidTargetGroup t : s.invalidTargetGroups) b.append("\n    ignored target group ").append(t.name).append(": ").append(t.reason);
    }
    for (String line : analysisLines(s, clock.instant())) b.append("\n    ").append(line);
    for (String done : r.done()) b.append("\n    ").append(done);
    if (r.outcome() == CellReconciler.Outcome.DRY_RUN) {
      List<String> planned = r.done();
      b.append(planned.isEmpty() ? "\n    (dry run: nothing to do)" : "\n    (dry run: nothing was written)");
    }
    r.plan().ifPresent(p -> {
      for (FieldError e : p.errors()) b.append("\n    error: ").append(e);
    });
    out.println(b);
    out.flush();
  }

  /**
   * One line per analysis run the rollout waits on, then one per metric: its verdict so far, counts, and
   * why the latest measurement came out as it did; and when the next measurement is due.
   */
  static List<String> analysisLines(CellStatus s, Instant now) {
    List<String> lines = new ArrayList<>();
    if (s == null || s.analysisRuns == null) return lines;
    for (CellStatus.AnalysisRunSummary run : s.analysisRuns) {
      StringBuilder b = new StringBuilder(run.kind).append(' ').append(run.name).append(": ").append(run.phase);
      if (run.message != null) b.append(" (").append(run.message).append(')');
      if (run.nextMeasurementAt != null) {
        Duration in = Duration.between(now, Instant.parse(run.nextMeasurementAt));
        b.append(in.isNegative() || in.isZero() ? "; next measurement due now" : "; next measurement in " + Durations.format(in.plusMillis(999)));
      }
      lines.add(b.toString());
      if (run.metrics == null) continue;
      for (CellStatus.MetricSummary m : run.metrics) {
        StringBuilder mb = new StringBuilder("  metric ").append(m.name).append(": ").append(m.phase)
            .append(", ").append(m.successful).append(" of ").append(m.count).append(" successful");
        if (m.failed != null && m.failed > 0) mb.append(", ").append(m.failed).append(" failed");
        if (m.inconclusive != null && m.inconclusive > 0) mb.append(", ").append(m.inconclusive).append(" inconclusive");
        if (m.error != null && m.error > 0) mb.append(", ").append(m.error).append(" errors");
        String why = m.message != null ? m.message : m.lastReason;
        if (why != null) mb.append(": ").append(why);
        lines.add(mb.toString());
      }
    }
    return lines;
  }

  /** How long a timed pause has left, worked out now (the status records only when it ends), e.g. " (4m59s left)". */
  static String countdown(CellStatus s, Instant now) {
    if (s == null || s.pauseEndsAt == null) return "";
    try {
      Duration left = Duration.between(now, Instant.parse(s.pauseEndsAt));
      return left.isNegative() || left.isZero() ? " (over; the next pass moves on)" : " (" + Durations.format(left.plusMillis(999)) + " left)";
    } catch (DateTimeParseException e) {
      return "";
    }
  }

  /** What a --wait loop compares to decide whether a pass is worth printing: each run's phase and counts. */
  static String analysisKey(CellStatus s) {
    if (s == null || s.analysisRuns == null) return "";
    StringBuilder b = new StringBuilder();
    for (CellStatus.AnalysisRunSummary run : s.analysisRuns) {
      b.append(run.name).append(run.phase);
      if (run.metrics != null) for (CellStatus.MetricSummary m : run.metrics) b.append(m.name).append(m.phase).append(m.count).append(m.error);
    }
    return b.toString();
  }

  /** The traffic the Cell wants, per version, e.g. {@code 1.0.0 80% (web-a 40, web-b 40) | 2.0.0 20% (web-c 20)}. */
  static String weights(CellStatus s) {
    return s == null ? "" : weights(s.targetGroups);
  }

  /** The traffic the listener rule carried when the status was written, in the same form. */
  static String albWeights(CellStatus s) {
    return s == null ? "" : weights(s.albTargetGroups);
  }

  /** A header route in effect, e.g. {@code tester (priority 5: X-Okra-Preview=yes -> 2.0.0 100% (web-c 100))}. */
  static String headerRoute(CellStatus.HeaderRoute h) {
    return h.name + " (priority " + h.priority + ": "
        + (h.match == null ? "" : h.match.stream().map(m -> m.headerName + "=" + m.value).collect(Collectors.joining(", ")))
        + " -> " + weights(h.targetGroups) + ")";
  }

  /** Whether the ALB carries what the Cell wants: Synced, Applying, Drift (the TrafficSynced condition), or "-". */
  static String trafficSync(CellStatus s) {
    if (s == null || s.conditions == null) return "-";
    return s.conditions.stream().filter(c -> "TrafficSynced".equals(c.type)).findFirst()
        .map(c -> "True".equals(c.status) ? "Synced" : c.reason == null ? "Applying" : c.reason).orElse("-");
  }

  private static String weights(List<CellStatus.TargetGroupWeight> groups) {
    if (groups == null || groups.isEmpty()) return "";
    Map<String, List<CellStatus.TargetGroupWeight>> byVersion = new LinkedHashMap<>();
    for (CellStatus.TargetGroupWeight w : groups) {
      byVersion.computeIfAbsent(w.version == null ? "(not the Cell's)" : w.version, k -> new ArrayList<>()).add(w);
    }
    return byVersion.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().stream().mapToInt(w -> w.weight).sum() + "% ("
        + e.getValue().stream().map(w -> (w.name == null ? w.arn : w.name) + " " + w.weight).collect(Collectors.joining(", ")) + ")")
        .collect(Collectors.joining(" | "));
  }

  static Map<String, Object> passJson(PassResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "pass");
    CellStatus s = r.status();
    m.put("cell", r.cell());
    m.put("outcome", r.outcome().name());
    m.put("phase", r.phase().name());
    m.put("message", s.message);
    m.put("stableVersion", s.stableVersion);
    m.put("desiredVersion", s.desiredVersion);
    m.put("currentStepIndex", s.currentStepIndex);
    m.put("pauseEndsAt", s.pauseEndsAt);
    m.put("targetGroups", s.targetGroups);
    m.put("albTargetGroups", s.albTargetGroups);
    m.put("headerRoutes", s.headerRoutes);
    m.put("trafficSync", trafficSync(s));
    m.put("invalidTargetGroups", s.invalidTargetGroups);
    m.put("failure", s.failure);
    m.put("analysisRuns", s.analysisRuns);
    m.put("actions", r.done());
    r.plan().ifPresent(p -> {
      m.put("errors", p.errors().stream().map(e -> Map.of("field", e.path(), "message", e.message())).toList());
      p.requeueAfter().ifPresent(d -> m.put("requeueAfterSeconds", d.toSeconds()));
    });
    return m;
  }

  /** One JSON line of {@code type}: the type first, then the fields in their order. */
  void line(String type, Map<String, ?> fields) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.putAll(fields);
    m.put("type", type);
    line(m);
  }

  private void line(Map<String, Object> jsonValue) {
    out.println(Serialization.asJson(jsonValue).replace("\n", ""));
    out.flush();
  }

  /** A failed command, as one JSON line: what failed, why, what to do, and the exit code it ends with. */
  void error(String kind, Failure failure, int exitCode) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("exitCode", exitCode);
    m.put("message", failure.line());
    if (!failure.where().isEmpty()) m.put("where", failure.where());
    m.put("cause", failure.cause());
    if (!failure.hint().isEmpty()) m.put("hint", failure.hint());
    line("error", m);
  }

  void text(String text) {
    if (!json()) {
      out.println(text);
      out.flush();
    }
  }

  /** A message for people; in JSON mode it becomes {"type": "event", "event": ..., "message": ...}. */
  void event(String event, String message) {
    if (json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("event", event);
      m.put("message", message);
      line("event", m);
    } else {
      out.println(message);
      out.flush();
    }
  }
}
