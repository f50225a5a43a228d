package co.mumo.okra.cell;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import co.mumo.okra.core.Json;
import co.mumo.okra.core.Version;
import co.mumo.okra.policy.ListenerVerdict;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RuleRefusedException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over one Cell: observe, decide, record, act. The status write comes first and carries
 * the resourceVersion read at the start, so of two runners racing on a Cell only one acts on a
 * decision; the other changes nothing. A runner killed after the write leaves the intent in status,
 * and the next pass completes it (the rule is compared with the ALB, runs are found by name).
 */
public final class CellReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(CellReconciler.class);

  private final ClusterStore store;
  private final LoadBalancer loadBalancer;
  private final Analyses analyses;
  private final AlbConfigApplier albApplier;
  private final Clock clock;
  private final OwnerPolicy policy;
  private final Notifier notifier;

  /** With the built-in default owner policy ({@link OwnerPolicy#defaults()}). */
  public CellReconciler(ClusterStore store, LoadBalancer loadBalancer, Analyses analyses, Clock clock) {
    this(store, loadBalancer, analyses, clock, OwnerPolicy.defaults());
  }

  public CellReconciler(ClusterStore store, LoadBalancer loadBalancer, Analyses analyses, Clock clock, OwnerPolicy policy) {
    this(store, loadBalancer, analyses, clock, policy, Notifier.NONE);
  }

  private CellReconciler(ClusterStore store, LoadBalancer loadBalancer, Analyses analyses, Clock clock, OwnerPolicy policy,
                         Notifier notifier) {
    this.notifier = notifier;
    this.store = store;
    this.loadBalancer = loadBalancer;
    this.analyses = analyses;
    this.clock = clock;
    this.policy = policy;
    this.albApplier = new AlbConfigApplier(loadBalancer, store, clock);
  }

  /** This reconciler, telling people of the transitions it finds recorded ({@link CellNotifications}) through {@code n}. */
  public CellReconciler withNotifier(Notifier n) {
    return new CellReconciler(store, loadBalancer, analyses, clock, policy, n);
  }

  /** How a pass ended. */
  public enum Outcome {
    /** Status and/or the load balancer were written. */
    CHANGED,
    /** Everything already matched: nothing was written. */
    UNCHANGED,
    /** Another writer changed the Cell first: this pass wrote nothing. */
    CONFLICT,
    /** The Cell is invalid: its status says why, nothing else was touched. */
    INVALID,
    /** Decided but, as asked, wrote nothing. */
    DRY_RUN,
    /**
     * Talking to Kubernetes or AWS failed for this Cell (in a pass over many, the others went on);
     * whatever this pass had not written yet stays unwritten, and the next pass starts again from the status.
     */
    ERROR
  }

  public record PassResult(String cell, Outcome outcome, Phase phase, CellStatus status, Optional<Plan> plan, List<String> done) {
    /**
     * Settled: nothing more will happen without a new version or a human, so a loop of passes may stop
     * ({@code reconcile --wait}). Succeeded and Idle only once a pass found nothing to do; Failed once
     * the rollback and the blocklist entry are done; Paused and Invalid wait for people; Promoting and
     * RollingBack wait for the ALB to be seen carrying the weights.
     */
    public boolean settled() {
      if (outcome == Outcome.CONFLICT || outcome == Outcome.ERROR) return false;
      if (plan.map(WaveGate::waitingInMotion).orElse(false)) return false; // an earlier wave is rolling out
      return switch (phase) {
        case Succeeded, Idle -> outcome == Outcome.UNCHANGED;
        case Failed -> plan.map(p -> p.actions().isEmpty()).orElse(true);
        case Paused, Invalid -> true;
        case Progressing, Promoting, RollingBack -> false;
      };
    }
  }

  /**
   * Options for a pass. {@code dryRun} decides and reports but writes nothing. {@code parallelism}: how
   * many listeners a pass over many Cells works on at once (the Cells of one listener always one
   * after another, so that they see each other's rules); 1 is one Cell after another.
   */
  public record Options(boolean dryRun, int parallelism) {
    public Options {
      if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }

    public Options(boolean dryRun) {
      this(dryRun, 1);
    }
  }

  public PassResult reconcile(String namespace, String name, Options options) {
    Cell cell = store.cell(namespace, name).orElseThrow(() -> new CellNotFoundException(namespace, name));
    return reconcile(cell, options, new HashMap<>());
  }

  /** Every Cell in the namespace (all namespaces when null), reading each listener's rules once. */
  public List<PassResult> reconcileAll(String namespace, Options options) {
    // One pass over many Cells reads each kind once per namespace and each listener's rules once,
    // so its cost grows with namespaces and listeners, not with Cells.
    PassCachingClusterStore passStore = new PassCachingClusterStore(store);
    CellReconciler pass = new CellReconciler(passStore, loadBalancer, analyses.forPass(), clock, policy, notifier);
    Map<String, List<ObservedRule>> rulesByListener = new HashMap<>();
    // Copies: the listing stays as it was when the pass began, for the waves of other Cells to read (from other threads too).
    List<Cell> cells = passStore.cells(namespace).stream().map(Json::copy).toList();
    if (options.parallelism() == 1 || cells.size() < 2) {
      List<PassResult> out = new ArrayList<>();
      for (Cell cell : cells) out.add(pass.reconcileOrReport(cell, options, rulesByListener));
      return out;
    }
    return pass.reconcileByListener(cells, options);
  }

  /** One Cell; one Cell's listener gone, or one call refused, must not stop the rollouts of the others. */
  private PassResult reconcileOrReport(Cell cell, Options options, Map<String, List<ObservedRule>> rulesByListener) {
    try {
      return reconcile(cell, options, rulesByListener);
    } catch (RuntimeException e) {
      return failed(cell, e);
    }
  }

  /**
   * The Cells grouped by listener, up to {@code parallelism} listeners at once, each listener's Cells
   * in order; the results in the order of {@code cells}. The pass's caches are safe to share: each
   * kind is still listed once per namespace.
   */
  private List<PassResult> reconcileByListener(List<Cell> cells, Options options) {
    Map<String, List<Integer>> byListener = new LinkedHashMap<>();
    for (int i = 0; i < cells.size(); i++) byListener.computeIfAbsent(listenerOf(cells.get(i)), k -> new ArrayList<>()).add(i);
    PassResult[] results = new PassResult[cells.size()];
    Map<String, List<ObservedRule>> rulesByListener = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(options.parallelism(), byListener.size()), r -> {
          Thread t = new Thread(r, "okra-pass");
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (List<Integer> group : byListener.values()) {
        running.add(pool.submit(() -> {
          for (int i : group) results[i] = reconcileOrReport(cells.get(i), options, rulesByListener);
        }));
      }
      for (Future<?> f : running) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during a pass", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return List.of(results);
  }

  private static String listenerOf(Cell cell) {
    var spec = cell.getSpec();
    var alb = spec == null || spec.ingress == null ? null : spec.ingress.awsApplicationLoadBalancer;
    return alb == null || alb.listenerARN == null ? "" : alb.listenerARN;
  }

  private static PassResult failed(Cell cell, RuntimeException e) {
    String key = cell.getMetadata().getNamespace() + "/" + cell.getMetadata().getName();
    String why = PassFailures.describe(e);
    // One line: the result says it too; the stack trace is for --verbose (debug).
    LOG.warn("cell={} pass failed: {}", key, why);
    LOG.debug("cell={} pass failure", key, e);
    CellStatus shown = cell.getStatus() == null ? new CellStatus() : CellStatusMapping.Json.copy(cell.getStatus());
    shown.message = "this pass failed, nothing more was written: " + why;
    return new PassResult(key, Outcome.ERROR, Phase.parse(shown.phase), shown, Optional.empty(), List.of());
  }

  /**
   * A pass, and more at once while the last one left something to be seen (at most {@value #PASSES_PER_CALL}
   * in all): a measurement it took (the verdict may bring a rollback, acted on now rather than by
   * whichever pass comes next, a cron job's minutes later), or final weights it applied (Promoting,
   * RollingBack: the next pass reads the listener's rules again, and says Succeeded or Failed only if the
   * ALB carries them).
   */
  private PassResult reconcile(Cell cell, Options options, Map<String, List<ObservedRule>> rulesByListener) {
    PassResult result = pass(cell, options, rulesByListener);
    for (int n = 1; n < PASSES_PER_CALL && leftSomethingToSee(result); n++) {
      // Seen, not assumed: the rules this pass wrote are read from the ALB again.
      if (result.phase().applying()) rulesByListener.remove(listenerOf(cell));
      Optional<Cell> again = store.cell(cell.getMetadata().getNamespace(), cell.getMetadata().getName());
      if (again.isEmpty()) break;
      PassResult next = pass(again.get(), options, rulesByListener);
      List<String> done = new ArrayList<>(result.done());
      done.addAll(next.done());
      Outcome outcome = next.outcome() == Outcome.UNCHANGED ? Outcome.CHANGED : next.outcome();
      result = new PassResult(next.cell(), outcome, next.phase(), next.status(), next.plan(), done);
    }
    return notified(cell, result, options);
  }

  /**
   * Sends what the status holds that this runner's webhooks have not had: a transition this pass recorded,
   * or one a runner killed before sending left behind. A pass that lost a race leaves it to the winner.
   */
  private PassResult notified(Cell cell, PassResult result, Options options) {
    if (options.dryRun() || result.outcome() == Outcome.CONFLICT || result.outcome() == Outcome.ERROR) return result;
    List<String> told = notifier.deliver(cell.getMetadata().getNamespace(), cell.getMetadata().getName(), result.status());
    if (told.isEmpty()) return result;
    List<String> done = new ArrayList<>(result.done());
    done.addAll(told);
    return new PassResult(result.cell(), result.outcome(), result.phase(), result.status(), result.plan(), done);
  }

  /** Passes one call makes at most: a measurement, the rollback it brings, the rule read again. */
  static final int PASSES_PER_CALL = 3;

  private static boolean leftSomethingToSee(PassResult r) {
    return r.outcome() == Outcome.CHANGED && r.plan().map(p ->
        p.actions().stream().anyMatch(a -> a instanceof Action.EvaluateRun) || p.state().phase().applying()).orElse(false);
  }

  private PassResult pass(Cell cell, Options options, Map<String, List<ObservedRule>> rulesByListener) {
    String key = cell.getMetadata().getNamespace() + "/" + cell.getMetadata().getName();
    Instant now = clock.instant();
    long generation = cell.getMetadata().getGeneration() == null ? 0 : cell.getMetadata().getGeneration();
    CellDefinition def;
    try {
      def = CellValidator.validate(cell);
    } catch (InvalidSpecException e) {
      return recordInvalid(cell, key, e.errors(), generation, now, options);
    }
    ListenerVerdict verdict = policy.listener(def.listenerArn(), def.namespace(), def.priority());
    if (verdict.refusal().isPresent()) {
      // Refused by the owner policy before anything is read from the ALB.
      ListenerVerdict.Refusal r = verdict.refusal().get();
      String field = "spec.ingress.awsApplicationLoadBalancer." + (r.field().equals(ListenerVerdict.PRIORITY) ? "listener.rule.priority" : "listenerARN");
      return recordInvalid(cell, key, List.of(new FieldError(field, r.message())), generation, now, options);
    }
    // Each header route's rule is held to the owner policy like the Cell's own, also before anything is read from the ALB.
    Map<String, ListenerVerdict> routeVerdicts = new HashMap<>();
    for (int i = 0; i < def.managedRoutes().size(); i++) {
      CellDefinition.ManagedRoute route = def.managedRoutes().get(i);
      ListenerVerdict v = policy.listener(def.listenerArn(), def.namespace(), route.priority());
      if (v.refusal().isPresent()) {
        return recordInvalid(cell, key, List.of(new FieldError("spec.ingress.awsApplicationLoadBalancer.managedRoutes[" + i + "].priority",
            "header route " + route.name() + ": " + v.refusal().get().message())), generation, now, options);
      }
      routeVerdicts.put(route.name(), v);
    }
    Observed observed = observe(cell, def, verdict, routeVerdicts, rulesByListener);
    Plan plan = CellDecider.decide(observed, now);
    CellStatus status = CellStatusMapping.toStatus(plan, cell.getStatus(), generation, now);
    Phase phase = plan.state().phase();
    if (options.dryRun()) {
      return new PassResult(key, Outcome.DRY_RUN, phase, status, Optional.of(plan), describe(plan));
    }
    // Measuring a run is guarded by the run itself: a pass whose only work is that writes no Cell status.
    if (plan.actions().stream().allMatch(a -> a instanceof Action.EvaluateRun) && !CellStatusMapping.differs(status, cell.getStatus())) {
      List<String> done = new ArrayList<>(evaluateRuns(cell, plan));
      done.addAll(recordSyncedRule(def, observed, plan));
      return new PassResult(key, done.isEmpty() ? Outcome.UNCHANGED : Outcome.CHANGED, phase, status, Optional.of(plan), done);
    }
    Cell recorded;
    try {
      recorded = writeStatus(cell, status);
    } catch (ClusterStore.ConflictException e) {
      LOG.info("cell={} another runner updated the Cell first; this pass changed nothing", key);
      return new PassResult(key, Outcome.CONFLICT, phase, status, Optional.of(plan), List.of());
    }
    if (plan.actions().stream().anyMatch(CellReconciler::writesToAlb) && superseded(recorded)) {
      LOG.info("cell={} another runner moved the Cell on right after this pass recorded it; leaving the rule to it", key);
      return new PassResult(key, Outcome.CONFLICT, phase, status, Optional.of(plan), List.of());
    }
    List<String> done = new ArrayList<>(act(recorded, def, observed, plan, rulesByListener));
    done.addAll(recordSyncedRule(def, observed, plan));
    return new PassResult(key, phase == Phase.Invalid ? Outcome.INVALID : Outcome.CHANGED, phase, status, Optional.of(plan), done);
  }

  /**
   * When the ALB already has the rule the Cell wants, its AWSApplicationLoadBalancerConfig status must
   * say so: a runner killed between the rule write and that record would otherwise leave it stale.
   */
  private List<String> recordSyncedRule(CellDefinition def, Observed observed, Plan plan) {
    if (plan.rule().isEmpty() || observed.rule().isEmpty() || plan.actions().stream().anyMatch(a -> a instanceof Action.ApplyRule)) {
      return List.of();
    }
    List<String> names = plan.weights().stream().map(s -> s.group().name()).toList();
    AWSApplicationLoadBalancerConfig desired = AlbConfigs.of(def.namespace(), def.name(), plan.rule().get(), names);
    Optional<AWSApplicationLoadBalancerConfig> config = store.albConfig(def.namespace(), def.name())
        .filter(c -> AlbConfigs.sameSpec(c, desired));
    if (config.isEmpty() || !albApplier.recordIfStale(config.get(), observed.rule().get())) return List.of();
    LOG.info("cell={} recorded in AWSApplicationLoadBalancerConfig {} that the rule already matches", def.key(), def.name());
    return List.of("recorded the applied rule in AWSApplicationLoadBalancerConfig " + def.name());
  }

  /**
   * ALB writes cannot be made conditional, so just before one we check that our status write is
   * still the latest: a runner that stalled after recording must not apply weights that a faster
   * runner has already moved past. This narrows the window to one GET; it cannot close it.
   */
  private boolean superseded(Cell recorded) {
    String ours = recorded.getMetadata().getResourceVersion();
    return store.cell(recorded.getMetadata().getNamespace(), recorded.getMetadata().getName())
        .map(latest -> ours != null && !ours.equals(latest.getMetadata().getResourceVersion())).orElse(true);
  }

  private static boolean writesToAlb(Action a) {
    return a instanceof Action.ApplyRule || a instanceof Action.ApplyHeaderRule || a instanceof Action.RemoveHeaderRule;
  }

  private Observed observe(Cell cell, CellDefinition def, ListenerVerdict verdict, Map<String, ListenerVerdict> routeVerdicts,
                           Map<String, List<ObservedRule>> rulesByListener) {
    List<TargetGroup> groups = new ArrayList<>();
    for (AWSTargetGroup tg : store.targetGroups(def.namespace(), def.matchLabels())) {
      groups.add(new TargetGroup(tg.getMetadata().getName(), tg.getSpec() == null ? null : tg.getSpec().arn, tg.getMetadata().getLabels()));
    }
    Map<Version, String> blocked = new HashMap<>();
    store.blocklist(def.namespace(), def.name()).map(VersionBlocklist::getSpec).ifPresent(spec -> {
      for (VersionBlocklist.Item item : spec.items) {
        Version.tryParse(item.version).ifPresent(v -> blocked.put(v, item.cause == null ? "" : item.cause));
      }
    });
    boolean hasRuns = def.background().isPresent()
        || def.steps().stream().anyMatch(Step::startsRuns);
    List<FieldError> referenceErrors = hasRuns ? analyses.checkReferences(def, cell) : List.of();
    // A Cell that refers to something missing is Invalid whatever the rule says: it costs no AWS call.
    List<ObservedRule> listenerRules = referenceErrors.isEmpty()
        ? rulesByListener.computeIfAbsent(def.listenerArn(), loadBalancer::rules) : List.of();
    Optional<ObservedRule> rule = listenerRules.stream().filter(r -> !r.isDefault() && r.priority() == def.priority()).findFirst();
    Map<String, ChildRun> runs = hasRuns ? analyses.runs(def, cell) : Map.of();
    return new Observed(def, CellStatusMapping.toState(cell.getStatus()), groups, blocked, rule, runs, referenceErrors,
        CellStatusMapping.previousWeights(cell.getStatus()), listenerRules, verdict, new WaveReader(store, policy).read(cell, def),
        routeVerdicts);
  }

  private PassResult recordInvalid(Cell cell, String key, List<FieldError> errors, long generation, Instant now, Options options) {
    Plan plan = CellDecider.invalid(key, CellStatusMapping.toState(cell.getStatus()), Reasons.INVALID_SPEC, errors, List.of());
    CellStatus status = CellStatusMapping.toStatus(plan, cell.getStatus(), generation, now);
    if (!options.dryRun() && CellStatusMapping.differs(status, cell.getStatus())) {
      try {
        writeStatus(cell, status);
      } catch (ClusterStore.ConflictException e) {
        return new PassResult(key, Outcome.CONFLICT, Phase.Invalid, status, Optional.of(plan), List.of());
      }
    }
    return new PassResult(key, Outcome.INVALID, Phase.Invalid, status, Optional.of(plan), List.of());
  }

  private Cell writeStatus(Cell cell, CellStatus status) {
    CellStatus previous = cell.getStatus();
    cell.setStatus(status);
    try {
      Cell written = store.updateCellStatus(cell);
      // Only the runner whose guarded write recorded the transition tells of it: racing runners tell it once.
      store.events().record(written, CellEvents.between(previous, status), clock.instant());
      return written;
    } catch (RuntimeException e) {
      cell.setStatus(previous);
      throw e;
    }
  }

  /** Okra's measurements, each taken once however many runners race (see {@link Analyses#evaluate}). */
  private List<String> evaluateRuns(Cell cell, Plan plan) {
    List<String> done = new ArrayList<>();
    for (Action a : plan.actions()) {
      if (a instanceof Action.EvaluateRun run) analyses.evaluate(run, cell).ifPresent(what -> {
        done.add(what);
        LOG.info("cell={} {}", cell.getMetadata().getNamespace() + "/" + cell.getMetadata().getName(), what);
      });
    }
    return done;
  }

  /**
   * Traffic first (a rollback must not wait): header routes' rules that go, then the Cell's rule, then header routes'
   * rules that come or change; then the blocklist, then new runs, then measurements.
   */
  private List<String> act(Cell cell, CellDefinition def, Observed observed, Plan plan, Map<String, List<ObservedRule>> rulesByListener) {
    List<String> done = new ArrayList<>();
    Set<String> removed = new HashSet<>();
    for (Action a : plan.actions()) {
      if (a instanceof Action.RemoveHeaderRule rm) {
        boolean deleted = loadBalancer.deleteHeaderRule(rm.rule(), def.key());
        removed.add(rm.rule().ruleArn());
        rulesByListener.computeIfPresent(def.listenerArn(), (arn, rules) -> rules.stream()
            .filter(r -> !r.ruleArn().equals(rm.rule().ruleArn())).toList());
        done.add("header route " + rm.route() + (deleted ? " removed" : " already gone") + " (rule at priority " + rm.rule().priority() + ")");
        LOG.info("cell={} header route {} {} (priority {})", def.key(), rm.route(), deleted ? "removed" : "already gone", rm.rule().priority());
      }
    }
    for (Action a : plan.actions()) {
      if (a instanceof Action.ApplyRule apply) {
        LoadBalancer.ApplyResult result = applyRule(cell, def, apply.rule(), plan, observed.rule());
        // The Cells after this one on the listener must see this rule, e.g. not to be put in front of it.
        rulesByListener.computeIfPresent(def.listenerArn(), (arn, rules) -> withRule(rules, applied(apply.rule(), result)));
        done.add("rule " + result.change().name().toLowerCase() + ": " + weights(plan));
        LOG.info("cell={} version={} rule {} {}", def.key(), plan.state().desired().orElse(null), result.change(), weights(plan));
      }
    }
    for (Action a : plan.actions()) {
      if (a instanceof Action.ApplyHeaderRule h) {
        Optional<ObservedRule> current = observed.listenerRules().stream()
            .filter(r -> !r.isDefault() && r.priority() == h.rule().priority() && !removed.contains(r.ruleArn())).findFirst();
        current.filter(r -> !r.owner().equals(Optional.of(def.key()))).ifPresent(r -> {
          throw new RuleRefusedException("the rule at priority " + r.priority() + " on " + def.listenerArn() + " belongs to "
              + r.owner().orElse("no Okra Cell") + ", not to " + def.key() + ": not touching it for header route " + h.route());
        });
        LoadBalancer.ApplyResult result = loadBalancer.apply(h.rule(), current);
        rulesByListener.computeIfPresent(def.listenerArn(), (arn, rules) -> withRule(rules, applied(h.rule(), result)));
        String what = headerRoute(plan, h);
        done.add("header route " + h.route() + " " + result.change().name().toLowerCase() + ": " + what);
        LOG.info("cell={} version={} header route {} {} {}", def.key(), plan.state().desired().orElse(null), h.route(), result.change(), what);
      }
    }
    for (Action a : plan.actions()) {
      if (a instanceof Action.BlockVersion block) {
        store.block(cell, block.version().toString(), block.cause());
        done.add("blocked " + block.version() + ": " + block.cause());
        LOG.info("cell={} version={} blocked: {}", def.key(), block.version(), block.cause());
      } else if (a instanceof Action.UnblockVersion unblock) {
        store.unblock(cell, unblock.version().toString());
        done.add("unblocked " + unblock.version() + " (cell retry)");
        LOG.info("cell={} version={} unblocked for a retry", def.key(), unblock.version());
      } else if (a instanceof Action.StartAnalysis start) {
        // Another runner that read the same step may have created it first: only a creation is news.
        if (!analyses.start(start, cell)) continue;
        done.add("started AnalysisRun " + start.runName());
        LOG.info("cell={} version={} step={} started AnalysisRun {}", def.key(), start.version(), start.stepIndex(), start.runName());
      } else if (a instanceof Action.StartExperiment start) {
        if (!analyses.start(start, cell)) continue;
        done.add("started Experiment " + start.experimentName());
        LOG.info("cell={} version={} step={} started Experiment {}", def.key(), start.version(), start.stepIndex(), start.experimentName());
      }
    }
    done.addAll(evaluateRuns(cell, plan));
    return done;
  }

  private static ObservedRule applied(DesiredRule rule, LoadBalancer.ApplyResult result) {
    return new ObservedRule(result.ruleArn(), rule.listenerArn(), rule.priority(), false, Optional.of(rule.owner()), rule.conditions(),
        rule.forwards(), rule.route());
  }

  /** A header route's rule in words: priority, headers, target groups. */
  private static String headerRoute(Plan plan, Action.ApplyHeaderRule h) {
    return plan.headerRules().stream().filter(r -> r.route().equals(h.route())).findFirst()
        .map(r -> "priority " + r.rule().priority() + ", " + String.join(", ", r.match().stream().map(Step.HeaderMatch::toString).toList())
            + " -> " + String.join(", ", r.shares().stream().map(sh -> sh.group().name() + "(" + sh.group().version() + ")=" + sh.weight())
            .toList()))
        .orElse("priority " + h.rule().priority());
  }

  private static List<ObservedRule> withRule(List<ObservedRule> rules, ObservedRule rule) {
    List<ObservedRule> out = new ArrayList<>(rules.stream().filter(r -> r.isDefault() || r.priority() != rule.priority()).toList());
    out.add(rule);
    return List.copyOf(out);
  }

  private LoadBalancer.ApplyResult applyRule(Cell cell, CellDefinition def, DesiredRule rule, Plan plan, Optional<ObservedRule> current) {
    List<String> names = plan.weights().stream().map(s -> s.group().name()).toList();
    AWSApplicationLoadBalancerConfig desired = AlbConfigs.of(def.namespace(), def.name(), rule, names);
    Optional<AWSApplicationLoadBalancerConfig> existing = store.albConfig(def.namespace(), def.name());
    // Replacing the copy this pass read saves reading it again; the store falls back to a read when it is stale.
    AWSApplicationLoadBalancerConfig config = existing.isPresent() && AlbConfigs.sameSpec(existing.get(), desired) ? existing.get()
        : store.putAlbConfig(existing.map(e -> AlbConfigs.withSpecOf(e, desired)).orElse(desired), Optional.of(cell));
    return albApplier.apply(config, rule, current);
  }

  private static String weights(Plan plan) {
    return String.join(", ", plan.weights().stream().map(s -> s.group().name() + "(" + s.group().version() + ")=" + s.weight()).toList());
  }

  /** What a dry run would do, in the words of a real pass: names and versions. */
  private static List<String> describe(Plan plan) {
    Action.Visitor<String> words = new Action.Visitor<>() {
      @Override
      public String applyRule(Action.ApplyRule a) {
        return "would apply the rule at priority " + a.rule().priority() + ": " + weights(plan);
      }

      @Override
      public String applyHeaderRule(Action.ApplyHeaderRule a) {
        return "would apply header route " + a.route() + ": " + headerRoute(plan, a);
      }

      @Override
      public String removeHeaderRule(Action.RemoveHeaderRule a) {
        return "would remove header route " + a.route() + " (rule at priority " + a.rule().priority() + ")";
      }

      @Override
      public String startAnalysis(Action.StartAnalysis a) {
        return "would start AnalysisRun " + a.runName() + " (" + a.version() + ")";
      }

      @Override
      public String startExperiment(Action.StartExperiment a) {
        return "would start Experiment " + a.experimentName() + " (" + a.version() + ")";
      }

      @Override
      public String evaluateRun(Action.EvaluateRun a) {
        return (a.terminate() ? "would end AnalysisRun " : "would measure AnalysisRun ") + a.runName();
      }

      @Override
      public String blockVersion(Action.BlockVersion a) {
        return "would block " + a.version() + ": " + a.cause();
      }

      @Override
      public String unblockVersion(Action.UnblockVersion a) {
        return "would unblock " + a.version() + " (cell retry)";
      }
    };
    return plan.actions().stream().map(a -> a.accept(words)).toList();
  }

  /** The Cell named on the command line does not exist. */
  public static final class CellNotFoundException extends RuntimeException {
    public CellNotFoundException(String namespace, String name) {
      // The usual cause is the namespace (-n, else the kubeconfig context's): say how to see what is there.
      super("Cell " + namespace + "/" + name + " not found; the Cells of " + namespace + ": okra-runner cell get -n " + namespace);
    }
  }
}
