package co.mumo.okra.cell;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Events a status write stands for: a pure function of the status before and after it, so a pass
 * that changes nothing stands for nothing, and the same transition always reads the same. Messages
 * carry no times, so that a transition that recurs (a drift repaired, then again) is one Event with a
 * count, as Kubernetes aggregates them.
 */
public final class CellEvents {
  /** How the decider names the step it stands at: "step 2/5 (pause 5m): ...". */
  private static final Pattern STEP = Pattern.compile("step (\\d+)/(\\d+) \\(([^)]*)\\)");

  private CellEvents() {}

  public static List<CellEvent> between(CellStatus before, CellStatus after) {
    CellStatus b = before == null ? new CellStatus() : before;
    List<CellEvent> out = new ArrayList<>();
    Phase was = decided(Phase.parse(b.phase));
    Phase is = decided(Phase.parse(after.phase));
    if (is == Phase.Invalid) {
      if (was != Phase.Invalid || !Objects.equals(b.message, after.message)) {
        out.add(CellEvent.warning(CellEvent.INVALID, after.message == null ? "the Cell is invalid" : after.message));
      }
      return out;
    }
    humanRequests(b, after, out);
    rollout(b, after, was, is, out);
    analyses(b, after, out);
    traffic(b, after, out);
    if (Phase.parse(b.phase).applying() && !Phase.parse(after.phase).applying() && is == was) {
      out.add(CellEvent.normal(CellEvent.WEIGHTS_APPLIED, "the listener rule carries " + weights(after)));
    }
    return out;
  }

  /**
   * The phase as decided: Promoting and RollingBack are Succeeded and Failed whose weights are on their
   * way to the ALB, and what they mean is told when they are decided; seeing the weights there is told
   * on its own ({@link CellEvent#WEIGHTS_APPLIED}).
   */
  static Phase decided(Phase p) {
    return switch (p) {
      case Promoting -> Phase.Succeeded;
      case RollingBack -> Phase.Failed;
      default -> p;
    };
  }

  /** What {@code cell abort} and {@code cell retry} record; the next pass acts on them. */
  private static void humanRequests(CellStatus b, CellStatus after, List<CellEvent> out) {
    if (b.abortRequested == null && after.abortRequested != null) {
      out.add(CellEvent.warning(CellEvent.ABORT_REQUESTED, "abort of " + after.desiredVersion + " requested: " + after.abortRequested));
    }
    boolean retry = after.failure != null && Boolean.TRUE.equals(after.failure.retryRequested);
    boolean wasRetry = b.failure != null && Boolean.TRUE.equals(b.failure.retryRequested);
    if (retry && !wasRetry) {
      out.add(CellEvent.normal(CellEvent.RETRY_REQUESTED, "retry of " + after.failure.version + " requested: it is no longer blocked"));
    }
  }

  private static void rollout(CellStatus b, CellStatus after, Phase was, Phase is, List<CellEvent> out) {
    String version = after.desiredVersion;
    boolean started = after.rolloutId != null && !after.rolloutId.equals(b.rolloutId);
    boolean wasRolling = b.rolloutId != null && was.inRollout();
    if (started) {
      if (wasRolling) {
        out.add(CellEvent.normal(CellEvent.ROLLOUT_SUPERSEDED, "the rollout of " + b.desiredVersion + " was replaced by one of " + version));
      }
      out.add(CellEvent.normal(CellEvent.ROLLOUT_STARTED, "rolling out " + version + " over " + after.stableVersion));
      steps(-1, after.currentStepIndex, version, after, out);
    } else if (after.rolloutId != null && is.inRollout() && was.inRollout()) {
      steps(b.currentStepIndex == null ? -1 : b.currentStepIndex, after.currentStepIndex, version, after, out);
      if (was == Phase.Paused && is == Phase.Progressing) {
        boolean promoted = !Objects.equals(b.currentStepIndex, after.currentStepIndex)
            || (!Boolean.TRUE.equals(b.backgroundAnalysisAccepted) && Boolean.TRUE.equals(after.backgroundAnalysisAccepted));
        out.add(promoted ? CellEvent.normal(CellEvent.PROMOTED, "promoted: the rollout of " + version + " goes on")
            : CellEvent.normal(CellEvent.RESUMED, "the rollout of " + version + " goes on"));
      }
    }
    if (is == Phase.Paused && was != Phase.Paused) {
      String why = reason(after, Reasons.PROGRESSING).orElse("");
      boolean inconclusive = why.equals(Reasons.ANALYSIS_INCONCLUSIVE) || why.equals(Reasons.BACKGROUND_INCONCLUSIVE);
      out.add(new CellEvent(inconclusive ? CellEvent.Type.Warning : CellEvent.Type.Normal, CellEvent.PAUSED, after.message));
    }
    if (is == Phase.Failed && was != Phase.Failed) {
      boolean aborted = b.abortRequested != null;
      out.add(CellEvent.warning(aborted ? CellEvent.ABORTED : CellEvent.ROLLED_BACK, after.message));
    }
    boolean settledNow = is == Phase.Succeeded && (was != Phase.Succeeded || !Objects.equals(b.stableVersion, after.stableVersion));
    if (settledNow) {
      if (wasRolling && b.currentStepIndex != null && Objects.equals(b.desiredVersion, after.stableVersion)) {
        out.add(CellEvent.normal(CellEvent.STEP_COMPLETED, stepWords(b.currentStepIndex, b) + " done for " + b.desiredVersion));
      }
      String why = reason(after, Reasons.READY).orElse(Reasons.ROLLOUT_COMPLETE);
      out.add(switch (why) {
        case Reasons.FIRST_VERSION -> CellEvent.normal(CellEvent.FIRST_VERSION, after.message);
        case Reasons.FELL_BACK -> CellEvent.warning(CellEvent.FELL_BACK, after.message);
        case Reasons.MANUAL_ROLLBACK -> CellEvent.warning(CellEvent.MANUAL_ROLLBACK, after.message);
        default -> CellEvent.normal(CellEvent.COMPLETED, after.message);
      });
    }
  }

  /** Steps done between the two indices, then the one the rollout stands at now. */
  private static void steps(int from, Integer to, String version, CellStatus after, List<CellEvent> out) {
    if (to == null || to <= from) return;
    for (int i = Math.max(0, from); i < to; i++) out.add(CellEvent.normal(CellEvent.STEP_COMPLETED, "step " + (i + 1) + " done for " + version));
    out.add(CellEvent.normal(CellEvent.STEP_STARTED, stepWords(to, after) + " started for " + version));
  }

  /** "step 2/5 (pause 5m)" when the status message names the step, else "step 2". */
  private static String stepWords(int index, CellStatus s) {
    if (s.message != null) {
      Matcher m = STEP.matcher(s.message);
      if (m.find() && Integer.parseInt(m.group(1)) == index + 1) return m.group();
    }
    return "step " + (index + 1);
  }

  private static void analyses(CellStatus b, CellStatus after, List<CellEvent> out) {
    if (after.analysisRuns == null) return;
    Map<String, CellStatus.AnalysisRunSummary> before = b.analysisRuns == null ? Map.of()
        : b.analysisRuns.stream().collect(Collectors.toMap(r -> r.name, Function.identity(), (x, y) -> y));
    for (CellStatus.AnalysisRunSummary run : after.analysisRuns) {
      CellStatus.AnalysisRunSummary was = before.get(run.name);
      if (was == null) out.add(CellEvent.normal(CellEvent.ANALYSIS_STARTED, run.kind + " " + run.name + " started for " + after.desiredVersion));
      if (run.phase == null || (was != null && run.phase.equals(was.phase))) continue;
      String verdict = run.kind + " " + run.name + " " + run.phase + (run.message == null ? "" : ": " + run.message);
      switch (run.phase) {
        case "Successful" -> out.add(CellEvent.normal(CellEvent.ANALYSIS_SUCCESSFUL, verdict));
        case "Failed" -> out.add(CellEvent.warning(CellEvent.ANALYSIS_FAILED, verdict));
        case "Error" -> out.add(CellEvent.warning(CellEvent.ANALYSIS_ERROR, verdict));
        case "Inconclusive" -> out.add(CellEvent.warning(CellEvent.ANALYSIS_INCONCLUSIVE, verdict));
        default -> { }
      }
    }
  }

  private static void traffic(CellStatus b, CellStatus after, List<CellEvent> out) {
    String weights = weights(after);
    if (!weights.isEmpty() && !weights.equals(weights(b))) out.add(CellEvent.normal(CellEvent.SETTING_WEIGHTS, "setting traffic to " + weights));
    Optional<Condition> synced = condition(after, Reasons.TRAFFIC_SYNCED);
    boolean drift = synced.map(c -> Reasons.DRIFT.equals(c.reason)).orElse(false);
    boolean wasDrift = condition(b, Reasons.TRAFFIC_SYNCED).map(c -> Reasons.DRIFT.equals(c.reason)).orElse(false);
    if (drift && !wasDrift) out.add(CellEvent.warning(CellEvent.TRAFFIC_DRIFT, synced.get().message));
  }

  /** Traffic per version, as the runner prints it: {@code 1.0.0 80% (web-1 80) | 2.0.0 20% (web-2 20)}. */
  public static String weights(CellStatus s) {
    if (s.targetGroups == null || s.targetGroups.isEmpty()) return "";
    Map<String, List<CellStatus.TargetGroupWeight>> byVersion = new LinkedHashMap<>();
    for (CellStatus.TargetGroupWeight w : s.targetGroups) byVersion.computeIfAbsent(w.version, k -> new ArrayList<>()).add(w);
    return byVersion.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().stream().mapToInt(w -> w.weight == null ? 0 : w.weight).sum()
        + "% (" + e.getValue().stream().map(w -> w.name + " " + w.weight).collect(Collectors.joining(", ")) + ")")
        .collect(Collectors.joining(" | "));
  }

  private static Optional<Condition> condition(CellStatus s, String type) {
    return s.conditions == null ? Optional.empty() : s.conditions.stream().filter(c -> type.equals(c.type)).findFirst();
  }

  private static Optional<String> reason(CellStatus s, String type) {
    return condition(s, type).map(c -> c.reason);
  }
}
