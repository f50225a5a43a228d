package co.mumo.okra.cell;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.Condition;
import co.mumo.okra.core.Version;
import co.mumo.okra.rule.TargetWeight;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Maps the Cell's status bean to the step machine's state and back, in one place. */
public final class CellStatusMapping {
  private CellStatusMapping() {}

  public static RolloutState toState(CellStatus s) {
    if (s == null) return RolloutState.initial();
    Optional<RolloutState.Failure> failure = Optional.ofNullable(s.failure)
        .flatMap(f -> Version.tryParse(f.version).map(v -> new RolloutState.Failure(v, f.cause == null ? "" : f.cause,
            instant(f.at).orElse(Instant.EPOCH), Boolean.TRUE.equals(f.blocklisted), Boolean.TRUE.equals(f.retryRequested))));
    return new RolloutState(Phase.parse(s.phase), Version.tryParse(s.stableVersion), Version.tryParse(s.desiredVersion),
        Optional.ofNullable(s.currentStepIndex), instant(s.currentStepStartedAt), Optional.ofNullable(s.stepsHash),
        Optional.ofNullable(s.rolloutId), Boolean.TRUE.equals(s.pausedByUser), Optional.ofNullable(s.abortRequested), failure,
        Boolean.TRUE.equals(s.backgroundAnalysisAccepted));
  }

  /** {@code old} with the step machine's fields replaced by {@code r}; used by the human commands. */
  public static CellStatus withState(CellStatus old, RolloutState r, String message, Instant now) {
    CellStatus s = Json.copy(old == null ? new CellStatus() : old);
    writeState(s, r);
    s.message = message;
    s.notifications = CellNotifications.next(old, s, now);
    s.lastSyncTime = now.toString();
    return s;
  }

  /** The step machine's own fields, the same for a pass and for a human command. */
  private static void writeState(CellStatus s, RolloutState r) {
    s.phase = r.phase().name();
    s.stableVersion = r.stable().map(Version::toString).orElse(null);
    s.desiredVersion = r.desired().map(Version::toString).orElse(null);
    s.currentStepIndex = r.stepIndex().orElse(null);
    s.currentStepStartedAt = r.stepStartedAt().map(Instant::toString).orElse(null);
    s.stepsHash = r.stepsHash().orElse(null);
    s.rolloutId = r.rolloutId().orElse(null);
    s.pausedByUser = r.pausedByUser() ? Boolean.TRUE : null;
    s.abortRequested = r.abortRequested().orElse(null);
    s.backgroundAnalysisAccepted = r.backgroundAccepted() ? Boolean.TRUE : null;
    s.failure = r.failure().map(CellStatusMapping::failure).orElse(null);
  }

  private static CellStatus.Failure failure(RolloutState.Failure f) {
    CellStatus.Failure out = new CellStatus.Failure();
    out.version = f.version().toString();
    out.cause = f.cause();
    out.at = f.at().toString();
    out.blocklisted = f.blocklisted();
    out.retryRequested = f.retryRequested() ? Boolean.TRUE : null;
    return out;
  }

  /** The weights the Cell last wanted, as recorded, to tell drift from a change of our own. */
  public static List<TargetWeight> previousWeights(CellStatus s) {
    if (s == null || s.targetGroups == null) return List.of();
    List<TargetWeight> out = new ArrayList<>();
    for (CellStatus.TargetGroupWeight t : s.targetGroups) {
      if (t.arn != null && t.weight != null && t.weight >= 0) out.add(new TargetWeight(t.arn, t.weight));
    }
    return out;
  }

  /**
   * The status to record for {@code plan}. Conditions keep their lastTransitionTime unless their
   * status flips; {@code lastSyncTime} is the only field that moves on every pass.
   */
  public static CellStatus toStatus(Plan plan, CellStatus old, long generation, Instant now) {
    RolloutState r = plan.state();
    CellStatus s = new CellStatus();
    s.observedGeneration = generation;
    writeState(s, r);
    s.message = plan.message();
    s.pauseEndsAt = plan.pauseEndsAt().map(Instant::toString).orElse(null);
    if (plan.rule().isPresent()) {
      s.targetGroups = plan.weights().stream().map(sh -> {
        CellStatus.TargetGroupWeight w = new CellStatus.TargetGroupWeight();
        w.name = sh.group().name();
        w.arn = sh.group().arn();
        w.version = sh.group().version().toString();
        w.role = sh.role().name().toLowerCase();
        w.weight = sh.weight();
        return w;
      }).toList();
    } else if (old != null) {
      s.targetGroups = old.targetGroups;
    }
    s.albTargetGroups = plan.rule().isEmpty() && old != null ? old.albTargetGroups
        : plan.onAlb().isEmpty() ? null : plan.onAlb().stream().map(a -> {
          CellStatus.TargetGroupWeight w = new CellStatus.TargetGroupWeight();
          w.name = a.name().orElse(null);
          w.arn = a.arn();
          w.version = a.version().map(Version::toString).orElse(null);
          w.weight = a.weight();
          return w;
        }).toList();
    s.headerRoutes = plan.rule().isEmpty() ? (old == null ? null : old.headerRoutes)
        : plan.headerRules().isEmpty() ? null : plan.headerRules().stream().map(CellStatusMapping::headerRoute).toList();
    s.invalidTargetGroups = plan.rejected().isEmpty() ? null : plan.rejected().stream().map(rj -> {
      CellStatus.InvalidTargetGroup i = new CellStatus.InvalidTargetGroup();
      i.name = rj.name();
      i.reason = rj.reason();
      return i;
    }).toList();
    List<CellCondition> computed = plan.conditions();
    // The pass that sees the final weights on the ALB says why they are there in the words the intent was
    // recorded in ("all 5 steps passed: 2.0.0 is stable", "fell back"), not only "2.0.0 has 100%".
    Optional<String> story = WaveGate.holding(plan) ? Optional.empty() : carriedOver(old, r); // a held version is news
    if (story.isPresent()) {
      s.message = story.get();
      String why = old.conditions == null ? null : old.conditions.stream().filter(c -> Reasons.READY.equals(c.type))
          .map(c -> c.reason).findFirst().orElse(null);
      computed = computed.stream().map(c -> c.type().equals(Reasons.READY) || c.type().equals(Reasons.PROGRESSING)
          ? new CellCondition(c.type(), c.status(), why == null ? c.reason() : why, story.get()) : c).toList();
    }
    s.conditions = conditions(computed, old == null ? null : old.conditions, generation, now);
    s.analysisRuns = plan.runs().isEmpty() ? null : plan.runs().stream().map(CellStatusMapping::summary).toList();
    // A failed rollout keeps the verdicts that failed it, for people to read, until the next rollout starts.
    if (s.analysisRuns == null && r.phase() == Phase.Failed && old != null) s.analysisRuns = old.analysisRuns;
    s.history = RolloutHistory.next(old, s, now);
    s.notifications = CellNotifications.next(old, s, now);
    s.lastSyncTime = now.toString();
    return s;
  }

  /**
   * Succeeded says why in the words its intent was recorded with ("all 5 steps passed: 2.0.0 is stable",
   * "... no longer complete: traffic back to 1.0.0"), not only "2.0.0 has 100%", and keeps saying it while
   * nothing changes (so a pass that decides nothing still writes nothing).
   */
  private static Optional<String> carriedOver(CellStatus old, RolloutState now) {
    if (old == null || old.message == null || now.phase() != Phase.Succeeded) return Optional.empty();
    Phase before = Phase.parse(old.phase);
    if (before == Phase.Promoting && old.message.endsWith(CellDecider.PROMOTING)) {
      return Optional.of(old.message.substring(0, old.message.length() - CellDecider.PROMOTING.length()) + CARRIED);
    }
    boolean same = now.stable().map(Version::toString).map(v -> v.equals(old.stableVersion)).orElse(false);
    return before == Phase.Succeeded && same && old.message.endsWith(CARRIED) ? Optional.of(old.message) : Optional.empty();
  }

  private static final String CARRIED = "; the listener rule carries it";

  private static CellStatus.HeaderRoute headerRoute(HeaderRule h) {
    CellStatus.HeaderRoute out = new CellStatus.HeaderRoute();
    out.name = h.route();
    out.priority = h.rule().priority();
    out.match = h.match().stream().map(m -> {
      CellStatus.HeaderValue v = new CellStatus.HeaderValue();
      v.headerName = m.headerName();
      v.value = m.value();
      return v;
    }).toList();
    out.targetGroups = h.shares().stream().map(sh -> {
      CellStatus.TargetGroupWeight w = new CellStatus.TargetGroupWeight();
      w.name = sh.group().name();
      w.arn = sh.group().arn();
      w.version = sh.group().version().toString();
      w.weight = sh.weight();
      return w;
    }).toList();
    return out;
  }

  private static CellStatus.AnalysisRunSummary summary(ChildRun run) {
    CellStatus.AnalysisRunSummary out = new CellStatus.AnalysisRunSummary();
    out.name = run.name();
    out.kind = run.kind();
    out.phase = run.phase().argoName();
    out.message = run.message() == null || run.message().isEmpty() ? null : run.message();
    out.nextMeasurementAt = run.nextMeasurementAt().map(Instant::toString).orElse(null);
    out.metrics = run.metrics().isEmpty() ? null : run.metrics().stream().map(m -> {
      CellStatus.MetricSummary ms = new CellStatus.MetricSummary();
      ms.name = m.name();
      ms.phase = m.phase().argoName();
      ms.count = m.count();
      ms.successful = m.successful();
      ms.failed = m.failed();
      ms.inconclusive = m.inconclusive();
      ms.error = m.error();
      ms.lastValue = m.lastValue().orElse(null);
      ms.lastReason = m.lastReason().orElse(null);
      ms.message = m.message().orElse(null);
      return ms;
    }).toList();
    return out;
  }

  private static List<Condition> conditions(List<CellCondition> computed, List<Condition> old, long generation, Instant now) {
    List<Condition> out = new ArrayList<>();
    for (CellCondition c : computed) {
      String status = c.status() ? "True" : "False";
      String since = old == null ? null : old.stream()
          .filter(o -> c.type().equals(o.type) && status.equals(o.status)).map(o -> o.lastTransitionTime).findFirst().orElse(null);
      out.add(new Condition(c.type(), status, c.reason(), c.message(), since == null ? now.toString() : since, generation));
    }
    return out;
  }

  /** True when the two differ in more than the sync time: a pass that changes nothing else writes nothing. */
  public static boolean differs(CellStatus a, CellStatus b) {
    if (a == null || b == null) return a != b;
    String sa = a.lastSyncTime;
    String sb = b.lastSyncTime;
    try {
      a.lastSyncTime = null;
      b.lastSyncTime = null;
      return !Objects.equals(Json.write(a), Json.write(b));
    } finally {
      a.lastSyncTime = sa;
      b.lastSyncTime = sb;
    }
  }

  private static Optional<Instant> instant(String text) {
    try {
      return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The engine's JSON, for comparing and copying statuses. */
  static final class Json {
    private Json() {}

    static String write(Object o) {
      return co.mumo.okra.core.Json.write(o);
    }

    static CellStatus copy(CellStatus s) {
      return co.mumo.okra.core.Json.copy(s);
    }
  }
}
