package co.mumo.okra.cell;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.Version;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RulePlacement;
import co.mumo.okra.rule.TargetWeight;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The step machine: a pure function from what one pass observed (and the time) to a {@link Plan}.
 * It reads no clock, talks to nothing and keeps nothing, so a re-run over the same state decides the
 * same, and every branch is tested without I/O.
 */
public final class CellDecider {
  static final Duration VERIFY_AFTER = Duration.ofSeconds(2);
  /** How a Promoting or RollingBack message ends, and how the Succeeded or Failed one after it says the same. */
  static final String PROMOTING = "; applying, Succeeded once the listener rule carries it";
  static final String ROLLING_BACK_UNTIL = "; Failed once the listener rule carries the rollback";
  static final String ROLLED_BACK = "traffic rolled back to";
  static final String ROLLING_BACK = "rolling traffic back to";
  static final Duration POLL_RUN_EVERY = Duration.ofSeconds(10);

  private CellDecider() {}

  public static Plan decide(Observed o, Instant now) {
    Pass pass = new Pass(o, now);
    Plan plan = pass.waves.annotate(pass.decide(), pass.held);
    return plan.state().phase() == Phase.Invalid ? plan : withRunWork(plan, o);
  }

  /**
   * The runs Okra judges get their measurements as actions, so that observing them never measures: a
   * run the rollout waits on when a measurement is due (or its status moves), and any other run of the
   * Cell still going, which the rollout has left behind, is ended.
   */
  private static Plan withRunWork(Plan plan, Observed o) {
    Set<String> watched = new HashSet<>();
    plan.runs().forEach(r -> watched.add(r.name()));
    List<Action> actions = new ArrayList<>(plan.actions());
    o.runs().values().stream().filter(ChildRun::judgedByOkra).sorted(Comparator.comparing(ChildRun::name)).forEach(r -> {
      if (watched.contains(r.name())) {
        if (r.workDue()) actions.add(new Action.EvaluateRun(r.name(), false));
      } else if (!r.phase().completed()) {
        actions.add(new Action.EvaluateRun(r.name(), true));
      }
    });
    if (actions.size() == plan.actions().size()) return plan;
    return plan.withActions(actions);
  }

  /**
   * The plan for an invalid Cell, whether the spec is malformed (found by the validator) or refers to
   * something missing or taken (found by the decider): phase Invalid with the step it was at kept, the
   * fields named, and nothing to apply: an invalid Cell never changes the load balancer.
   */
  public static Plan invalid(String key, RolloutState state, String reason, List<FieldError> errors,
                             List<TargetGroupInventory.Rejected> rejected) {
    String message = "Cell " + key + " is invalid: " + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    List<CellCondition> conditions = List.of(
        new CellCondition(Reasons.READY, false, reason, message),
        new CellCondition(Reasons.SPEC_VALID, false, reason, message));
    return new Plan(state.withPhase(Phase.Invalid), Optional.empty(), List.of(), List.of(), Optional.empty(), message, conditions, rejected,
        Optional.empty(), errors);
  }

  /** The name of the AnalysisRun or Experiment of one step (-1 = the background analysis). */
  public static String runName(String cell, String rolloutId, int stepIndex) {
    return cell + "-" + rolloutId + (stepIndex < 0 ? "-bg" : "-step" + stepIndex);
  }

  /** A new rollout id: short, stable for one attempt, different for a retry of the same version. */
  static String rolloutId(Version v, Instant startedAt) {
    return CellDefinition.sha256(v.canonical() + "@" + startedAt).substring(0, 8);
  }

  /** One decision; a class only to keep the observed inputs at hand while branching. */
  private static final class Pass {
    private final Observed o;
    private final CellDefinition cell;
    private final Instant now;
    private final TargetGroupInventory inventory;
    private final List<Action> actions = new ArrayList<>();
    /** The runs this pass waited on (the step's and the background one), reported in the status. */
    private final Map<String, ChildRun> watched = new LinkedHashMap<>();
    private final Map<Version, String> blocked;
    /** The Cells this one waits for (spec.rolloutAfter), and the version they hold back, if any. */
    private final WaveGate waves;
    private Optional<WaveGate.Hold> held = Optional.empty();

    Pass(Observed o, Instant now) {
      this.waves = new WaveGate(o.cell(), o.waves());
      this.o = o;
      this.cell = o.cell();
      this.now = now;
      this.inventory = TargetGroupInventory.of(o.targetGroups(), cell.versionLabels());
      // A failure whose blocklist entry is not yet written counts as blocked all the same, so that a
      // runner killed between the two writes cannot start the failed version again.
      Map<Version, String> b = new HashMap<>(o.blocked());
      o.state().failure().filter(f -> !f.blocklisted() && !f.retryRequested()).ifPresent(f -> b.putIfAbsent(f.version(), f.cause()));
      // A retry recorded in status unblocks the version, whether or not its entry is removed yet.
      o.state().failure().filter(RolloutState.Failure::retryRequested).ifPresent(f -> b.keySet().removeIf(v -> v.sameAs(f.version())));
      this.blocked = b;
    }

    Plan decide() {
      if (!o.referenceErrors().isEmpty()) {
        return invalid(Reasons.INVALID_SPEC, o.referenceErrors());
      }
      List<FieldError> waveErrors = waves.errors();
      if (!waveErrors.isEmpty()) return invalid(Reasons.INVALID_SPEC, waveErrors);
      Optional<Plan> conflict = ownershipConflict();
      if (conflict.isPresent()) return conflict.get();

      RolloutState s = bookkeepFailure(o.state());
      Predicate<Version> unblocked = v -> !blocked.containsKey(v);
      Optional<Version> target = target(unblocked.and(v -> startable(s, v)));
      Optional<Version> ungated = target(unblocked);
      // Falling back never waits for a wave: with the stable version's target groups gone, the newest complete one takes over.
      if (target.isEmpty() && ungated.isPresent() && s.stable().map(st -> inventory.of(st).isEmpty()).orElse(false)) target = ungated;
      if (!target.equals(ungated)) held = ungated.flatMap(waves::hold);
      Optional<Version> stable = s.stable();

      if (target.isEmpty()) {
        if (stable.isPresent() && !inventory.of(stable.get()).isEmpty()) {
          return settle(s, stable.get(), s.phase().failed() ? Phase.Failed : Phase.Succeeded,
              Reasons.ROLLOUT_COMPLETE, waitingMessage("no other complete version; keeping " + stable.get()));
        }
        return waiting(s);
      }
      Version t = target.get();
      if (stable.isEmpty()) {
        return promote(s, t, Reasons.FIRST_VERSION,
            "first version " + t + ": 100% at once (nothing to compare against)");
      }
      Version st = stable.get();
      int order = t.compareTo(st);
      if (order == 0) {
        if (inFlight(s) && !s.desired().get().sameAs(st)) {
          Version gone = s.desired().get();
          if (cell.pinnedVersion().isPresent()) {
            return settle(s, st, Phase.Succeeded, Reasons.MANUAL_ROLLBACK, "spec.version pins " + st
                + ": the rollout of " + gone + " stopped, traffic back to " + st);
          }
          return settle(s, st, Phase.Succeeded, Reasons.FELL_BACK, "version " + gone + " is no longer complete ("
              + inventory.of(gone).size() + " of " + cell.replicas() + " target groups) or blocked: traffic back to " + st);
        }
        // Invalid in between (a bad edit, a missing template) does not forget a failure.
        if ((s.phase().failed() || s.phase() == Phase.Invalid) && s.failure().isPresent()) {
          RolloutState.Failure f = s.failure().get();
          return settle(s, st, Phase.Failed, Reasons.ROLLED_BACK,
              "rollout of " + f.version() + " failed: " + f.cause() + "; " + ROLLED_BACK + " " + st + ", which has 100%. "
                  + "The version stays blocked until a newer one appears or `okra-runner cell retry` is run");
        }
        return settle(s, st, Phase.Succeeded, Reasons.ROLLOUT_COMPLETE, st + " has 100% of the traffic");
      }
      if (order < 0) {
        String why = cell.pinnedVersion().isPresent()
            ? "spec.version pins " + t + ", lower than stable " + st + ": manual rollback, 100% at once"
            : "stable " + st + " is no longer complete (" + inventory.of(st).size() + " of " + cell.replicas()
                + " target groups) or blocked: falling back to " + t + " at once";
        return promote(s, t, cell.pinnedVersion().isPresent() ? Reasons.MANUAL_ROLLBACK : Reasons.FELL_BACK, why);
      }
      return rollout(s, st, t);
    }

    /** The pinned version if complete and allowed, else the newest complete allowed one. */
    private Optional<Version> target(Predicate<Version> allowed) {
      return cell.pinnedVersion().isPresent()
          ? cell.pinnedVersion().filter(v -> inventory.of(v).size() >= cell.replicas() && allowed.test(v))
          : inventory.newestComplete(cell.replicas(), allowed);
    }

    /** The earlier waves hold back only the start of a newer version: never the stable one, nor a rollout in flight. */
    private boolean startable(RolloutState s, Version v) {
      boolean starts = s.stable().map(st -> v.compareTo(st) > 0).orElse(true) && !(inFlight(s) && s.desired().get().sameAs(v));
      return !starts || waves.hold(v).isEmpty();
    }

    /** A rollout is in flight, also when the last pass found the Cell Invalid (which keeps the step it was at). */
    private static boolean inFlight(RolloutState s) {
      return s.rollingOut() || (s.phase() == Phase.Invalid && s.desired().isPresent() && s.stepIndex().isPresent());
    }

    /**
     * The rule's place on the listener, by the rules {@code alb apply} follows too ({@link RulePlacement}):
     * the owner policy's grant, another owner's rule at our priority, adoption, shadowing.
     */
    private Optional<Plan> ownershipConflict() {
      String base = "spec.ingress.awsApplicationLoadBalancer.";
      if (o.rule().isPresent() && o.rule().get().isDefault()) {
        return Optional.of(invalid(Reasons.RULE_CONFLICT, List.of(new FieldError(base + "listener.rule.priority", "the default rule is never managed"))));
      }
      boolean adopt = cell.adoptUnownedRule();
      return RulePlacement.check(cell.priority(), cell.conditions(), cell.key(), o.verdict(), adopt, o.listenerRules())
          .map(r -> invalid(Reasons.RULE_CONFLICT, List.of(new FieldError(switch (r.field()) {
            case LISTENER -> base + "listenerARN";
            case PRIORITY -> base + "listener.rule.priority";
            case CONDITIONS -> base + "listener.rule";
            case ADOPTION -> "metadata.annotations[" + CellValidator.ADOPT_ANNOTATION + "]";
          }, r.message()))));
    }

    /**
     * Completes the record of a failure: notices the blocklist entry, or writes it if it is missing; for a
     * retry, removes the entry and, once it is gone, forgets the failure.
     */
    private RolloutState bookkeepFailure(RolloutState s) {
      if (s.failure().isEmpty()) return s;
      RolloutState.Failure f = s.failure().get();
      if (f.retryRequested()) {
        if (o.blocked().keySet().stream().noneMatch(v -> v.sameAs(f.version()))) return s.withFailure(Optional.empty());
        actions.add(new Action.UnblockVersion(f.version()));
        return s;
      }
      if (f.blocklisted()) {
        return s;
      }
      if (o.blocked().containsKey(f.version())) {
        return s.withFailure(Optional.of(f.blocklisted(true)));
      }
      actions.add(new Action.BlockVersion(f.version(), f.cause()));
      return s;
    }

    private Plan rollout(RolloutState s, Version stable, Version canary) {
      List<VersionedTargetGroup> stableGroups = inventory.of(stable);
      List<VersionedTargetGroup> canaryGroups = inventory.of(canary);
      if (stableGroups.size() + canaryGroups.size() > DesiredRule.MAX_TARGET_GROUPS) {
        return invalid(Reasons.TOO_MANY_TARGET_GROUPS, List.of(new FieldError("spec.ingress.awsApplicationLoadBalancer.targetGroupSelector",
            "rolling " + stable + " (" + stableGroups.size() + " target groups) over to " + canary + " (" + canaryGroups.size()
                + ") needs " + (stableGroups.size() + canaryGroups.size()) + " target groups in one forward action; ALB allows "
                + DesiredRule.MAX_TARGET_GROUPS)));
      }
      String message = "";
      boolean sameRollout = inFlight(s) && s.desired().get().sameAs(canary);
      if (!sameRollout) {
        if (inFlight(s)) message = "newer version " + canary + " replaces the rollout of " + s.desired().get() + "; ";
        s = startRollout(s, stable, canary);
      } else if (!cell.sameSteps(s.stepsHash())) {
        message = "the steps changed: starting them again; ";
        s = new RolloutState(Phase.Progressing, s.stable(), s.desired(), Optional.of(0), Optional.of(now),
            Optional.of(cell.stepsHash()), Optional.of(rolloutId(canary, now)), s.pausedByUser(), s.abortRequested(), s.failure(), false);
      }
      if (s.abortRequested().isPresent()) {
        return fail(s, stableGroups, canaryGroups, "aborted by user: " + s.abortRequested().get());
      }
      if (stableGroups.isEmpty()) {
        return promote(s, canary, Reasons.FELL_BACK, message + "no target group of stable " + stable
            + " is left: " + canary + " takes all the traffic");
      }
      return walkSteps(s, stableGroups, canaryGroups, message);
    }

    private RolloutState startRollout(RolloutState s, Version stable, Version canary) {
      return new RolloutState(Phase.Progressing, Optional.of(stable), Optional.of(canary), Optional.of(0), Optional.of(now),
          Optional.of(cell.stepsHash()), Optional.of(rolloutId(canary, now)), false, Optional.empty(),
          s.failure().filter(f -> !f.blocklisted()), false);
    }

    /** Works through the steps from the recorded one for as long as each is already complete. */
    private Plan walkSteps(RolloutState s, List<VersionedTargetGroup> stableGroups, List<VersionedTargetGroup> canaryGroups,
                           String prefix) {
      List<Step> steps = cell.steps();
      Version canary = s.desired().orElseThrow();
      int i = s.stepIndex().orElse(0);
      s = s.withPhase(Phase.Progressing);
      while (true) {
        if (i >= steps.size()) {
          return promote(s, canary, Reasons.ROLLOUT_COMPLETE, prefix + "all " + steps.size() + " steps passed: " + canary + " is stable");
        }
        Step step = steps.get(i);
        List<Weights.Share> shares = Weights.split(stableGroups, canaryGroups, canaryWeightAt(i));
        String where = "step " + (i + 1) + "/" + steps.size() + " (" + step.describe() + ")";
        Optional<Plan> background = background(s, i, shares, stableGroups, canaryGroups, prefix);
        if (background.isPresent()) return background.get();
        if (s.pausedByUser()) {
          return progressing(s.withPhase(Phase.Paused), shares, Reasons.PAUSED_BY_USER,
              prefix + where + ": paused by user; `okra-runner cell resume` continues", Optional.empty(), Optional.empty());
        }
        Optional<Plan> waiting = step.accept(new StepProgress(s, i, shares, stableGroups, canaryGroups, prefix + where));
        if (waiting.isPresent()) return waiting.get();
        i++;
        s = s.atStep(i, now).withPhase(Phase.Progressing);
      }
    }

    /**
     * Whether the step at {@code index} is complete: empty when it is (the walk goes on to the next),
     * else the plan for this pass (the weights to set, the run to start or wait for, the pause to keep).
     * One method per kind of step: a new kind does not compile until it is handled here.
     */
    private final class StepProgress implements Step.Visitor<Optional<Plan>> {
      private final RolloutState s;
      private final int index;
      private final List<Weights.Share> shares;
      private final List<VersionedTargetGroup> stableGroups;
      private final List<VersionedTargetGroup> canaryGroups;
      private final String where;

      StepProgress(RolloutState s, int index, List<Weights.Share> shares, List<VersionedTargetGroup> stableGroups,
                   List<VersionedTargetGroup> canaryGroups, String where) {
        this.s = s;
        this.index = index;
        this.shares = shares;
        this.stableGroups = stableGroups;
        this.canaryGroups = canaryGroups;
        this.where = where;
      }

      @Override
      public Optional<Plan> setWeight(Step.SetWeight w) {
        if (o.rule().map(rule(shares)::isSatisfiedBy).orElse(false)) return Optional.empty();
        return Optional.of(progressing(s, shares, Reasons.STEP_IN_PROGRESS,
            where + ": setting " + s.desired().orElseThrow() + " to " + w.percent() + "%", Optional.of(VERIFY_AFTER), Optional.empty()));
      }

      @Override
      public Optional<Plan> pause(Step.Pause p) {
        if (p.duration().isEmpty()) {
          return Optional.of(progressing(s.withPhase(Phase.Paused), shares, Reasons.PAUSED_FOR_PROMOTION,
              where + ": waiting for `okra-runner cell promote`", Optional.empty(), Optional.empty()));
        }
        Instant ends = s.stepStartedAt().orElse(now).plus(p.duration().get());
        if (!now.isBefore(ends)) return Optional.empty();
        // The end is recorded once; how long is left is worked out when shown, so waiting writes nothing.
        return Optional.of(progressing(s, shares, Reasons.STEP_IN_PROGRESS, where + ": waiting until " + ends,
            Optional.of(Duration.between(now, ends)), Optional.of(ends)));
      }

      @Override
      public Optional<Plan> analysis(Step.Analysis a) {
        String name = runName(cell.name(), s.rolloutId().orElseThrow(), index);
        return awaitRun(s, name, "AnalysisRun", shares, stableGroups, canaryGroups, where,
            () -> actions.add(new Action.StartAnalysis(name, index, s.desired().orElseThrow(), a)));
      }

      @Override
      public Optional<Plan> experiment(Step.Experiment e) {
        String name = runName(cell.name(), s.rolloutId().orElseThrow(), index);
        return awaitRun(s, name, "Experiment", shares, stableGroups, canaryGroups, where,
            () -> actions.add(new Action.StartExperiment(name, index, s.desired().orElseThrow(), e)));
      }

      /** Complete once the ALB has the route's rule as the step wants it (or, removing it, no longer has it). */
      @Override
      public Optional<Plan> setHeaderRoute(Step.SetHeaderRoute h) {
        boolean done = h.removes() ? ownHeaderRules().stream().noneMatch(r -> r.route().equals(Optional.of(h.name())))
            : headerRule(new HeaderRoutes.Active(h.name(), h.match(), index), canaryGroups).map(Pass.this::synced).orElse(true);
        if (done) return Optional.empty();
        String what = h.removes() ? "removing header route " + h.name()
            : "sending requests with " + String.join(", ", h.match().stream().map(Step.HeaderMatch::toString).toList()) + " to "
                + s.desired().orElseThrow() + " alone (header route " + h.name() + ", rule at priority "
                + cell.route(h.name()).orElseThrow().priority() + ")";
        return Optional.of(progressing(s, shares, Reasons.STEP_IN_PROGRESS, where + ": " + what, Optional.of(VERIFY_AFTER),
            Optional.empty()));
      }
    }

    /** The background analysis runs from its starting step; its failure fails the rollout. */
    private Optional<Plan> background(RolloutState s, int i, List<Weights.Share> shares,
                                      List<VersionedTargetGroup> stableGroups, List<VersionedTargetGroup> canaryGroups, String prefix) {
      if (cell.background().isEmpty() || i < cell.background().get().startingStep()) return Optional.empty();
      String name = runName(cell.name(), s.rolloutId().orElseThrow(), -1);
      ChildRun run = o.runs().get(name);
      if (run != null) watched.put(name, run);
      if (run == null) {
        if (actions.stream().noneMatch(a -> a instanceof Action.StartAnalysis sa && sa.runName().equals(name))) {
          actions.add(new Action.StartAnalysis(name, -1, s.desired().orElseThrow(), cell.background().get().analysis()));
        }
        return Optional.empty();
      }
      return switch (run.phase()) {
        case FAILED, ERROR -> Optional.of(fail(s, stableGroups, canaryGroups,
            "background analysis " + name + " " + run.phase().argoName() + suffix(run.message())));
        case INCONCLUSIVE -> s.backgroundAccepted() ? Optional.empty()
            : Optional.of(progressing(s.withPhase(Phase.Paused), shares, Reasons.BACKGROUND_INCONCLUSIVE,
            prefix + "background analysis " + name + " is Inconclusive: `okra-runner cell promote` to go on, `cell abort` to roll back",
            Optional.empty(), Optional.empty()));
        default -> Optional.empty();
      };
    }

    /** Empty when the run succeeded; otherwise the plan for waiting, pausing or failing. */
    private Optional<Plan> awaitRun(RolloutState s, String name, String kind, List<Weights.Share> shares,
                                    List<VersionedTargetGroup> stableGroups, List<VersionedTargetGroup> canaryGroups,
                                    String where, Runnable start) {
      ChildRun run = o.runs().get(name);
      if (run != null) watched.put(name, run);
      if (run == null) {
        start.run();
        return Optional.of(progressing(s, shares, Reasons.STEP_IN_PROGRESS, where + ": starting " + kind + " " + name,
            Optional.of(POLL_RUN_EVERY), Optional.empty()));
      }
      return switch (run.phase()) {
        case SUCCESSFUL -> Optional.empty();
        case FAILED, ERROR -> Optional.of(fail(s, stableGroups, canaryGroups,
            kind + " " + name + " " + run.phase().argoName() + suffix(run.message())));
        case INCONCLUSIVE -> Optional.of(progressing(s.withPhase(Phase.Paused), shares, Reasons.ANALYSIS_INCONCLUSIVE,
            where + ": " + kind + " " + name + " is Inconclusive: `okra-runner cell promote` to go on, `cell abort` to roll back",
            Optional.empty(), Optional.empty()));
        default -> Optional.of(progressing(s, shares, Reasons.STEP_IN_PROGRESS,
            where + ": waiting for " + kind + " " + name + " (" + run.phase().argoName() + ")", Optional.of(pollAfter()), Optional.empty()));
      };
    }

    /**
     * When to look again while a run is going: when the next measurement of a watched run Okra evaluates
     * is due (so --wait sleeps until then), at most {@link #POLL_RUN_EVERY} (runs judged elsewhere end
     * when they end).
     */
    private Duration pollAfter() {
      Duration after = POLL_RUN_EVERY;
      for (ChildRun r : watched.values()) {
        Optional<Duration> due = r.nextMeasurementAt().map(t -> t.isAfter(now) ? Duration.between(now, t) : Duration.ZERO);
        if (due.isPresent() && due.get().compareTo(after) < 0) after = due.get();
      }
      return after;
    }

    /** The canary's share while at step {@code i}: the last setWeight at or before it, else 0. */
    private int canaryWeightAt(int i) {
      for (int k = Math.min(i, cell.steps().size() - 1); k >= 0; k--) {
        if (cell.steps().get(k) instanceof Step.SetWeight w) return w.percent();
      }
      return 0;
    }

    private Plan fail(RolloutState s, List<VersionedTargetGroup> stableGroups, List<VersionedTargetGroup> canaryGroups, String cause) {
      Version canary = s.desired().orElseThrow();
      actions.add(new Action.BlockVersion(canary, cause));
      List<Weights.Share> shares = Weights.split(stableGroups, stableGroups.isEmpty() ? canaryGroups : List.of(), 0);
      RolloutState failed = new RolloutState(Phase.Failed, s.stable(), s.desired(), Optional.empty(), Optional.empty(),
          Optional.empty(), s.rolloutId(), false, Optional.empty(), Optional.of(new RolloutState.Failure(canary, cause, now, false)), false);
      String message = stableGroups.isEmpty()
          ? "rollout of " + canary + " failed: " + cause + "; no stable target group is left to roll back to"
          : "rollout of " + canary + " failed: " + cause + "; traffic rolled back to " + s.stable().get() + " and " + canary + " blocked";
      return plan(failed, shares, Reasons.ROLLED_BACK, message, Optional.empty(), Optional.empty());
    }

    /** {@code version} gets everything now, without steps. */
    private Plan promote(RolloutState s, Version version, String reason, String message) {
      List<Weights.Share> shares = Weights.split(inventory.of(version), List.of(), 0);
      Optional<RolloutState.Failure> failure = s.failure().filter(f -> !f.version().sameAs(version) && blocked.containsKey(f.version()));
      return plan(RolloutState.settled(Phase.Succeeded, version, failure), shares, reason, message, Optional.empty(), Optional.empty());
    }

    private Plan settle(RolloutState s, Version version, Phase phase, String reason, String message) {
      List<Weights.Share> shares = Weights.split(inventory.of(version), List.of(), 0);
      Optional<RolloutState.Failure> failure = phase == Phase.Failed ? s.failure() : s.failure().filter(f -> !f.blocklisted());
      return plan(RolloutState.settled(phase, version, failure), shares, reason, message, Optional.empty(), Optional.empty());
    }

    private Plan progressing(RolloutState s, List<Weights.Share> shares, String reason, String message,
                             Optional<Duration> requeue, Optional<Instant> pauseEnds) {
      return plan(s, shares, reason, message, requeue, pauseEnds);
    }

    private Plan waiting(RolloutState s) {
      String message = waitingMessage("waiting for " + cell.replicas() + " target group(s) of a version");
      RolloutState idle = s.phase().failed() ? s.withPhase(Phase.Failed) : s.withPhase(Phase.Idle);
      // No version to send anything to: a header route left from a rollout whose clusters went away goes too.
      actions.addAll(headerActions(List.of()));
      return new Plan(idle, Optional.empty(), List.of(), actions, Optional.empty(), message,
          conditions(idle.phase(), Reasons.WAITING_FOR_TARGET_GROUPS, message, Optional.empty()), inventory.rejected(),
          Optional.empty(), List.of());
    }

    private String waitingMessage(String head) {
      String found = inventory.byVersion().entrySet().stream()
          .map(e -> e.getKey() + " x" + e.getValue().size() + (blocked.containsKey(e.getKey()) ? " (blocked)" : ""))
          .collect(Collectors.joining(", "));
      String pin = cell.pinnedVersion().map(v -> " (spec.version pins " + v + ")").orElse("");
      return head + pin + "; found " + (found.isEmpty() ? "none" : found);
    }

    private Plan plan(RolloutState s, List<Weights.Share> shares, String reason, String message, Optional<Duration> requeue,
                      Optional<Instant> pauseEnds) {
      if (shares.size() > DesiredRule.MAX_TARGET_GROUPS) {
        return invalid(Reasons.TOO_MANY_TARGET_GROUPS, List.of(new FieldError("spec.ingress.awsApplicationLoadBalancer.targetGroupSelector",
            "sending traffic to " + shares.stream().map(sh -> sh.group().version()).distinct().map(Version::toString)
                .collect(Collectors.joining(" and ")) + " needs " + shares.size()
                + " target groups in one forward action; ALB allows " + DesiredRule.MAX_TARGET_GROUPS)));
      }
      DesiredRule rule = rule(shares);
      // Header routes live only while a rollout does: when it ends, however it ends, their rules go.
      List<HeaderRule> headerRules = s.rollingOut() ? headerRules(s) : List.of();
      Optional<Plan> refused = headerRuleConflict(headerRules);
      if (refused.isPresent()) return refused.get();
      // An adopted rule that already matches still needs our ownership tag written once.
      boolean ruleSynced = o.rule().map(r -> rule.isSatisfiedBy(r) && r.owner().isPresent()).orElse(false);
      List<Action> headerActions = headerActions(headerRules);
      boolean synced = ruleSynced && headerActions.isEmpty();
      if (!ruleSynced) actions.add(new Action.ApplyRule(rule));
      actions.addAll(headerActions);
      if (!synced) {
        if (requeue.isEmpty() || requeue.get().compareTo(VERIFY_AFTER) > 0) requeue = Optional.of(VERIFY_AFTER);
        // A phase that says where the traffic is waits until the ALB is seen to carry it: the pass that
        // moves the weights records the intent, and the pass that sees them there records the outcome.
        if (s.phase() == Phase.Succeeded) {
          s = s.withPhase(Phase.Promoting);
          message = message + PROMOTING;
        } else if (s.phase() == Phase.Failed) {
          s = s.withPhase(Phase.RollingBack);
          message = message.replace(ROLLED_BACK, ROLLING_BACK) + ROLLING_BACK_UNTIL;
        }
      }
      CellCondition traffic = ruleSynced && !headerActions.isEmpty() ? headerTraffic(headerActions) : trafficCondition(rule, ruleSynced);
      List<CellCondition> conditions = conditions(s.phase(), reason, message, Optional.of(traffic));
      return new Plan(s, Optional.of(rule), shares, actions, requeue, message, conditions, inventory.rejected(), pauseEnds, List.of(),
          List.copyOf(watched.values()), onAlb(), headerRules);
    }

    /** The header routes' rules the rollout wants at its recorded step; none while the canary has no target group. */
    private List<HeaderRule> headerRules(RolloutState s) {
      List<VersionedTargetGroup> canary = inventory.of(s.desired().orElseThrow());
      return HeaderRoutes.at(cell.steps(), s.stepIndex().orElseThrow()).stream()
          .flatMap(a -> headerRule(a, canary).stream()).toList();
    }

    /** A route's rule: the Cell's conditions plus the headers, forwarding to the canary's groups alone, split as its share is. */
    private Optional<HeaderRule> headerRule(HeaderRoutes.Active a, List<VersionedTargetGroup> canary) {
      if (canary.isEmpty()) return Optional.empty();
      List<Weights.Share> shares = Weights.split(List.of(), canary, 100);
      DesiredRule rule = new DesiredRule(cell.listenerArn(), cell.route(a.name()).orElseThrow().priority(),
          HeaderRoutes.conditions(cell.conditions(), a.match()), shares.stream().map(sh -> new TargetWeight(sh.group().arn(), sh.weight()))
          .toList(), cell.key(), Optional.of(a.name()));
      return Optional.of(new HeaderRule(a.name(), a.match(), a.setAt(), rule, shares));
    }

    /** The header routes' rules this Cell made, as the ALB has them (never its own rule's priority). */
    private List<ObservedRule> ownHeaderRules() {
      return o.listenerRules().stream().filter(r -> r.isHeaderRouteOf(cell.key()) && r.priority() != cell.priority()).toList();
    }

    private Optional<ObservedRule> ruleAt(int priority) {
      return o.listenerRules().stream().filter(r -> !r.isDefault() && r.priority() == priority).findFirst();
    }

    /** The ALB has the route's rule: at its priority, tagged with this Cell and the route, matching and forwarding as wanted. */
    private boolean synced(HeaderRule h) {
      return ruleAt(h.rule().priority()).map(r -> r.owner().equals(Optional.of(cell.key())) && r.route().equals(h.rule().route())
          && h.rule().isSatisfiedBy(r)).orElse(false);
    }

    /** Removals first (this Cell's route rules nobody wants any more, or at a priority no longer theirs), then creates and changes. */
    private List<Action> headerActions(List<HeaderRule> wanted) {
      List<Action> out = new ArrayList<>();
      for (ObservedRule r : ownHeaderRules()) {
        boolean kept = wanted.stream().anyMatch(h -> h.rule().route().equals(r.route()) && h.rule().priority() == r.priority());
        if (!kept) out.add(new Action.RemoveHeaderRule(r.route().orElseThrow(), r));
      }
      for (HeaderRule h : wanted) if (!synced(h)) out.add(new Action.ApplyHeaderRule(h.route(), h.rule()));
      return out;
    }

    /**
     * A header route's rule about to be created or changed follows the main rule's placement rules ({@link RulePlacement}):
     * the owner policy's grant for its priority, no other owner's rule there, and nothing of another owner's behind it that it
     * would take traffic from. The Cell's own rule is not another owner's: the route's rule is a narrower copy of it.
     */
    private Optional<Plan> headerRuleConflict(List<HeaderRule> wanted) {
      for (HeaderRule h : wanted) {
        if (synced(h)) continue;
        int declared = cell.managedRoutes().indexOf(cell.route(h.route()).orElseThrow());
        Optional<RulePlacement.Refusal> refusal = RulePlacement.check(h.rule().priority(), h.rule().conditions(), cell.key(),
            o.routeVerdict(h.route()), false, o.listenerRules());
        if (refusal.isPresent()) {
          RulePlacement.Refusal r = refusal.get();
          String field = r.field() == RulePlacement.Field.CONDITIONS
              ? "spec.updateStrategy.canary.steps[" + h.step() + "].setHeaderRoute.match"
              : "spec.ingress.awsApplicationLoadBalancer.managedRoutes[" + declared + "].priority";
          return Optional.of(invalid(Reasons.RULE_CONFLICT, List.of(new FieldError(field, "header route " + h.route() + ": " + r.message()))));
        }
      }
      return Optional.empty();
    }

    private CellCondition headerTraffic(List<Action> headerActions) {
      String what = headerActions.stream().map(a -> a instanceof Action.RemoveHeaderRule rm ? "removing header route " + rm.route()
          + " (priority " + rm.rule().priority() + ")" : "applying header route " + ((Action.ApplyHeaderRule) a).route() + " (priority "
          + ((Action.ApplyHeaderRule) a).rule().priority() + ")").collect(Collectors.joining(", "));
      return new CellCondition(Reasons.TRAFFIC_SYNCED, false, Reasons.APPLYING, "the listener rule matches; " + what);
    }

    /** The rule's weights as read from the ALB, named where the ARN is one of the Cell's target groups. */
    private List<AlbWeight> onAlb() {
      return o.rule().map(r -> r.forwards().stream().map(f -> {
        Optional<VersionedTargetGroup> tg = inventory.byArn(f.arn());
        return new AlbWeight(f.arn(), tg.map(VersionedTargetGroup::name), tg.map(VersionedTargetGroup::version), f.weight());
      }).toList()).orElse(List.of());
    }

    private CellCondition trafficCondition(DesiredRule rule, boolean synced) {
      if (synced) return new CellCondition(Reasons.TRAFFIC_SYNCED, true, Reasons.SYNCED, "the listener rule matches");
      if (o.rule().isEmpty()) {
        return new CellCondition(Reasons.TRAFFIC_SYNCED, false, Reasons.APPLYING, "creating the listener rule at priority " + cell.priority());
      }
      ObservedRule r = o.rule().get();
      // Drift: the rule is not what the Cell wanted when it last looked (a hand edit), whether or not it wants
      // something new now. With nothing wanted before (first pass, adoption) it is only applying.
      boolean drift = (!o.previousWeights().isEmpty() && !DesiredRule.sameForwards(o.previousWeights(), r.forwards()))
          || !r.conditions().sameAs(rule.conditions());
      return drift
          ? new CellCondition(Reasons.TRAFFIC_SYNCED, false, Reasons.DRIFT, "the rule was changed outside Okra (found "
              + describe(r.forwards()) + ", want " + describe(rule.forwards()) + "): re-applying")
          : new CellCondition(Reasons.TRAFFIC_SYNCED, false, Reasons.APPLYING, "applying " + describe(rule.forwards()));
    }

    private String describe(List<TargetWeight> forwards) {
      return forwards.stream().map(f -> inventory.byArn(f.arn()).map(VersionedTargetGroup::name).orElse(f.arn()) + "=" + f.weight())
          .collect(Collectors.joining(", ", "[", "]"));
    }

    private DesiredRule rule(List<Weights.Share> shares) {
      return new DesiredRule(cell.listenerArn(), cell.priority(), cell.conditions(),
          shares.stream().map(sh -> new TargetWeight(sh.group().arn(), sh.weight())).toList(), cell.key());
    }

    private Plan invalid(String reason, List<FieldError> errors) {
      return CellDecider.invalid(cell.key(), o.state(), reason, errors, inventory.rejected());
    }

    private List<CellCondition> conditions(Phase phase, String reason, String message, Optional<CellCondition> traffic) {
      List<CellCondition> out = new ArrayList<>();
      boolean ready = phase == Phase.Succeeded && traffic.map(CellCondition::status).orElse(false);
      out.add(new CellCondition(Reasons.READY, ready, reason, message));
      out.add(new CellCondition(Reasons.PROGRESSING, phase.inRollout() || phase.applying(), reason, message));
      traffic.ifPresent(out::add);
      out.add(inventory.rejected().isEmpty()
          ? new CellCondition(Reasons.TARGET_GROUPS_VALID, true, Reasons.ALL_VALID, "every matching target group has a version")
          : new CellCondition(Reasons.TARGET_GROUPS_VALID, false, Reasons.SOME_IGNORED, inventory.rejected().stream()
              .map(r -> r.name() + ": " + r.reason()).collect(Collectors.joining("; "))));
      out.add(new CellCondition(Reasons.SPEC_VALID, true, Reasons.VALID, "the Cell is valid"));
      return out;
    }

    private static String suffix(String message) {
      return message == null || message.isBlank() ? "" : ": " + message;
    }
  }
}
