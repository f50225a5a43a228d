package co.mumo.okra.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.cell.Action;
import co.mumo.okra.cell.CellControl;
import co.mumo.okra.cell.CellDecider;
import co.mumo.okra.cell.CellDefinition;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.EarlierWaves;
import co.mumo.okra.cell.Observed;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.cell.Plan;
import co.mumo.okra.cell.RolloutState;
import co.mumo.okra.cell.Step;
import co.mumo.okra.cell.TargetGroup;
import co.mumo.okra.cell.TargetGroupInventory;
import co.mumo.okra.cell.VersionedTargetGroup;
import co.mumo.okra.cell.WaveReference;
import co.mumo.okra.cell.Weights;
import co.mumo.okra.core.Durations;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.Version;
import co.mumo.okra.policy.AnalysisPolicy;
import co.mumo.okra.policy.DiscoveryPolicy;
import co.mumo.okra.policy.ListenerGrant;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.TargetWeight;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A fluent builder of one {@link CellDecider} pass: a Cell (steps, replicas, pinned version, ...), its
 * target groups by version, the recorded state, the rule as the ALB has it, analysis runs, blocklist
 * and clock. {@link #decide()} runs the decider, checks the {@linkplain #assertInvariants plan
 * invariants} and idempotence, and returns the plan; {@link #simulate()} loops passes the way the
 * runner would, feeding each plan's state and rule into the next observation.
 *
 * <p>Target groups made by {@link #targetGroups(String, int)} are named {@code tg-<version>-a},
 * {@code tg-<version>-b}, ... so that name order (which decides who gets weight remainders) is obvious.
 */
public final class CellScenario {
  public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  public static final String NAMESPACE = "default";
  public static final String NAME = "cell1";
  public static final String KEY = NAMESPACE + "/" + NAME;
  public static final String LISTENER_ARN =
      "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener/app/web/0123456789abcdef/fedcba9876543210";
  public static final String ROLLOUT_ID = "r0110u7a";
  public static final RuleConditions CONDITIONS =
      new RuleConditions(List.of("example.com"), null, null, null, null, null);

  // --- the Cell
  private String namespace = NAMESPACE;
  private String name = NAME;
  private int priority = 10;
  private RuleConditions conditions = CONDITIONS;
  private List<String> versionLabels = List.of(CellDefinition.DEFAULT_VERSION_LABEL);
  private int replicas = 1;
  private Optional<Version> pinned = Optional.empty();
  private List<Step> steps = List.of();
  private Optional<Step.Background> background = Optional.empty();
  private boolean adopt;
  private OwnerPolicy policy = OwnerPolicy.defaults();
  private final List<ObservedRule> otherRules = new ArrayList<>();
  private final List<CellDefinition.ManagedRoute> managedRoutes = new ArrayList<>();
  /** This Cell's header routes' rules on the listener, by priority. */
  private final Map<Integer, ObservedRule> headerRules = new TreeMap<>();

  // --- what the pass observes
  private final List<TargetGroup> targetGroups = new ArrayList<>();
  private Function<CellDefinition, RolloutState> state = d -> RolloutState.initial();
  private final List<UnaryOperator<RolloutState>> stateTweaks = new ArrayList<>();
  private final Map<Version, String> blocked = new LinkedHashMap<>();
  private RuleSpec rule;
  private Optional<Map<String, Integer>> previous = Optional.empty();
  private final List<Function<CellDefinition, ChildRun>> runs = new ArrayList<>();
  private final List<FieldError> referenceErrors = new ArrayList<>();
  private final List<EarlierWaves.Earlier> earlierWaves = new ArrayList<>();
  private final List<FieldError> refusedWaves = new ArrayList<>();
  private final Map<String, List<String>> waveGraph = new LinkedHashMap<>();
  private Instant now = T0;

  private record RuleSpec(Map<String, Integer> weightsByTargetGroup, Optional<String> owner, boolean isDefault,
                          Optional<RuleConditions> conditions, List<TargetWeight> rawForwards) {}

  private CellScenario() {}

  public static CellScenario cell() {
    return new CellScenario();
  }

  // =============================================================== Cell definition

  public CellScenario named(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
    return this;
  }

  public CellScenario priority(int priority) {
    this.priority = priority;
    return this;
  }

  public CellScenario conditions(RuleConditions conditions) {
    this.conditions = conditions;
    return this;
  }

  public CellScenario versionLabels(String... labels) {
    this.versionLabels = List.of(labels);
    return this;
  }

  public CellScenario replicas(int replicas) {
    this.replicas = replicas;
    return this;
  }

  public CellScenario pinned(String version) {
    this.pinned = Optional.of(Version.parse(version));
    return this;
  }

  public CellScenario steps(Step... steps) {
    this.steps = List.of(steps);
    return this;
  }

  public CellScenario steps(List<Step> steps) {
    this.steps = List.copyOf(steps);
    return this;
  }

  /** The README's steps: setWeight 20, analysis success-rate, pause 5s, setWeight 40. */
  public CellScenario readmeSteps() {
    return steps(setWeight(20), analysis("success-rate"), pause("5s"), setWeight(40));
  }

  public CellScenario background(int startingStep, String... templates) {
    this.background = Optional.of(new Step.Background(analysis(templates), startingStep));
    return this;
  }

  /** Sets the adopt annotation: an untagged rule at the priority may be taken over. */
  public CellScenario adoptUnownedRule() {
    this.adopt = true;
    return this;
  }

  /** The runner's owner policy (default: the built-in one, which allows no adoption). */
  public CellScenario policy(OwnerPolicy policy) {
    this.policy = policy;
    return this;
  }

  /** An owner policy that lets every namespace adopt rules on every listener. */
  public CellScenario policyAllowsAdoption() {
    return policy(new OwnerPolicy("a test policy", Optional.of(List.of(new ListenerGrant("*", List.of("*"), List.of(), true, false))),
        AnalysisPolicy.DEFAULT, DiscoveryPolicy.DEFAULT));
  }

  /** Another rule on the Cell's listener: {@code owner} empty for one Okra did not create. */
  public CellScenario otherRule(int priority, Optional<String> owner, RuleConditions conditions) {
    otherRules.add(new ObservedRule("arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener-rule/app/web/1/2/other" + priority,
        LISTENER_ARN, priority, false, owner, conditions, List.of(new TargetWeight("arn:other-" + priority, 100))));
    return this;
  }

  public CellDefinition definition() {
    return new CellDefinition(namespace, name, 1, LISTENER_ARN, priority, conditions, Map.of("role", "web"),
        versionLabels, replicas, pinned, steps, background, adopt).withManagedRoutes(managedRoutes);
  }

  /** Declares a header route (spec.ingress.awsApplicationLoadBalancer.managedRoutes). */
  public CellScenario managedRoute(String route, int routePriority) {
    managedRoutes.add(new CellDefinition.ManagedRoute(route, routePriority));
    return this;
  }

  /** {@code setHeaderRoute: {name, match: [{headerName, headerValue: {exact: value}}]}}. */
  public static Step.SetHeaderRoute setHeaderRoute(String route, String headerName, String value) {
    return new Step.SetHeaderRoute(route, List.of(new Step.HeaderMatch(headerName, value)));
  }

  /** {@code setHeaderRoute: {name}}: removes the route. */
  public static Step.SetHeaderRoute removeHeaderRoute(String route) {
    return new Step.SetHeaderRoute(route, List.of());
  }

  /** A header route's rule of this Cell on the listener, as the ALB has it (tagged with the Cell and the route). */
  public CellScenario headerRuleOnAlb(String route, int routePriority, RuleConditions ruleConditions, Object... nameWeightPairs) {
    return headerRuleOnAlb(route, routePriority, ruleConditions, Optional.of(KEY), nameWeightPairs);
  }

  public CellScenario headerRuleOnAlb(String route, int routePriority, RuleConditions ruleConditions, Optional<String> owner,
                                      Object... nameWeightPairs) {
    headerRules.put(routePriority, new ObservedRule(headerRuleArn(routePriority), LISTENER_ARN, routePriority, false, owner,
        ruleConditions, forwards(pairs(nameWeightPairs)), Optional.of(route)));
    return this;
  }

  /** The plan's header rules have been applied, and no others are left. */
  public CellScenario headerRulesApplied(Plan plan) {
    headerRules.clear();
    plan.headerRules().forEach(h -> headerRules.put(h.rule().priority(), observedHeaderRule(h.rule())));
    return this;
  }

  private static ObservedRule observedHeaderRule(DesiredRule r) {
    return new ObservedRule(headerRuleArn(r.priority()), LISTENER_ARN, r.priority(), false, Optional.of(r.owner()), r.conditions(),
        r.forwards(), r.route());
  }

  private static String headerRuleArn(int priority) {
    return "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener-rule/app/web/1/2/header" + priority;
  }

  /** The Cell's conditions plus one header: what a header route's rule matches. */
  public static RuleConditions withHeader(RuleConditions base, String headerName, String value) {
    TreeMap<String, List<String>> headers = new TreeMap<>(base.headers());
    headers.put(headerName, List.of(value));
    return new RuleConditions(base.hosts(), base.pathPatterns(), base.methods(), base.sourceIps(), headers, base.queryStrings());
  }

  public static Step.SetWeight setWeight(int percent) {
    return new Step.SetWeight(percent);
  }

  public static Step.Pause pause(String duration) {
    return new Step.Pause(Optional.of(Durations.parse(duration)));
  }

  /** {@code pause: {}}: waits for a human. */
  public static Step.Pause pause() {
    return new Step.Pause(Optional.empty());
  }

  public static Step.Analysis analysis(String... templates) {
    return new Step.Analysis(Arrays.stream(templates).map(t -> new Step.TemplateRef(t, false)).toList(),
        List.of(new Step.Arg("service-name", Optional.of("exampleapp"), Optional.empty(), Optional.empty())));
  }

  public static Step.Experiment experiment(String template) {
    return new Step.Experiment(Optional.of("1m"), List.of(new Step.ExperimentTemplate(template, template + "-rs", 1, Optional.empty())),
        List.of());
  }

  // =============================================================== target groups

  /** {@code count} target groups labelled with {@code version}: tg-&lt;version&gt;-a, -b, ... */
  public CellScenario targetGroups(String version, int count) {
    for (int i = 0; i < count; i++) {
      targetGroup(tgName(version, i), Map.of(CellDefinition.DEFAULT_VERSION_LABEL, version));
    }
    return this;
  }

  public CellScenario targetGroup(String name, Map<String, String> labels) {
    targetGroups.add(new TargetGroup(name, arn(name), labels));
    return this;
  }

  public CellScenario targetGroupWithoutArn(String name, String version) {
    targetGroups.add(new TargetGroup(name, "", Map.of(CellDefinition.DEFAULT_VERSION_LABEL, version)));
    return this;
  }

  /** Removes every target group labelled (by any version label) with {@code version}. */
  public CellScenario withoutTargetGroups(String version) {
    Version v = Version.parse(version);
    targetGroups.removeIf(g -> g.labels().values().stream().anyMatch(l -> Version.tryParse(l).map(v::sameAs).orElse(false)));
    return this;
  }

  public CellScenario withoutTargetGroup(String name) {
    targetGroups.removeIf(g -> g.name().equals(name));
    return this;
  }

  public static String tgName(String version, int index) {
    return "tg-" + version + "-" + (char) ('a' + index);
  }

  public static String arn(String targetGroupName) {
    return "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/" + targetGroupName.replace('.', '-') + "/"
        + String.format("%016x", Math.abs((long) targetGroupName.hashCode()));
  }

  // =============================================================== recorded state

  public CellScenario state(RolloutState state) {
    this.state = d -> state;
    return this;
  }

  /** {@code version} is stable and has everything (a settled Cell). */
  public CellScenario stable(String version) {
    Version v = Version.parse(version);
    this.state = d -> RolloutState.settled(Phase.Succeeded, v, Optional.empty());
    return this;
  }

  /** A rollout from {@code stable} to {@code canary} is at {@code stepIndex}, which started at {@code stepStartedAt}. */
  public CellScenario rollingOut(String stable, String canary, int stepIndex, Instant stepStartedAt) {
    Version s = Version.parse(stable);
    Version c = Version.parse(canary);
    this.state = d -> new RolloutState(Phase.Progressing, Optional.of(s), Optional.of(c), Optional.of(stepIndex),
        Optional.of(stepStartedAt), Optional.of(d.stepsHash()), Optional.of(ROLLOUT_ID), false, Optional.empty(), Optional.empty(), false);
    return this;
  }

  public CellScenario rollingOut(String stable, String canary, int stepIndex) {
    return rollingOut(stable, canary, stepIndex, now);
  }

  /** The rollout of {@code failed} failed; {@code stable} has everything; the blocklist write is seen or not. */
  public CellScenario failed(String stable, String failed, String cause, boolean blocklisted) {
    Version s = Version.parse(stable);
    Version f = Version.parse(failed);
    this.state = d -> RolloutState.settled(Phase.Failed, s,
        Optional.of(new RolloutState.Failure(f, cause, T0, blocklisted)));
    return this;
  }

  /** Changes the recorded state after it is built (e.g. phase, pausedByUser). */
  public CellScenario tweakState(UnaryOperator<RolloutState> tweak) {
    stateTweaks.add(tweak);
    return this;
  }

  public CellScenario pausedByUser() {
    return tweakState(s -> s.withPausedByUser(true));
  }

  public CellScenario abortRequested(String reason) {
    return tweakState(s -> s.withAbortRequested(Optional.of(reason)));
  }

  public CellScenario recordedPhase(Phase phase) {
    return tweakState(s -> s.withPhase(phase));
  }

  // =============================================================== the listener rule

  /** The rule at the Cell's priority, tagged as this Cell's, forwarding with these weights. */
  public CellScenario observedWeights(Object... nameWeightPairs) {
    this.rule = new RuleSpec(pairs(nameWeightPairs), Optional.of(KEY), false, Optional.empty(), List.of());
    return this;
  }

  /** The rule forwards exactly like {@code desired}, tagged as this Cell's. */
  public CellScenario observedRule(DesiredRule desired) {
    this.rule = new RuleSpec(Map.of(), Optional.of(desired.owner()), false, Optional.of(desired.conditions()), desired.forwards());
    return this;
  }

  /** The plan's rule has been applied (and is what the Cell wanted last time). */
  public CellScenario applied(Plan plan) {
    DesiredRule r = plan.rule().orElseThrow(() -> new AssertionError("the plan wants no rule"));
    observedRule(r);
    this.previous = Optional.of(weights(r.forwards()));
    return this;
  }

  /** The rule (tagged as this Cell's) sends everything to {@code version}, and that is what the Cell wanted. */
  public CellScenario ruleForwardingTo(String version) {
    return ruleSplit(version, null, 0);
  }

  /**
   * The rule (tagged as this Cell's) gives {@code canary} {@code percent} and {@code stable} the rest,
   * split as {@link Weights#split} does, and that is what the Cell wanted last time.
   */
  public CellScenario ruleSplit(String stable, String canary, int percent) {
    TargetGroupInventory inv = TargetGroupInventory.of(targetGroups, versionLabels);
    List<VersionedTargetGroup> s = inv.of(Version.parse(stable));
    List<VersionedTargetGroup> c = canary == null ? List.of() : inv.of(Version.parse(canary));
    Map<String, Integer> w = new LinkedHashMap<>();
    Weights.split(s, c, percent).forEach(sh -> w.put(sh.group().name(), sh.weight()));
    this.rule = new RuleSpec(w, Optional.of(KEY), false, Optional.empty(), List.of());
    this.previous = Optional.of(w);
    return this;
  }

  public CellScenario ruleOwnedBy(String owner) {
    requireRule();
    rule = new RuleSpec(rule.weightsByTargetGroup, Optional.ofNullable(owner), rule.isDefault, rule.conditions, rule.rawForwards);
    return this;
  }

  public CellScenario untaggedRule() {
    return ruleOwnedBy(null);
  }

  public CellScenario defaultRule() {
    requireRule();
    rule = new RuleSpec(rule.weightsByTargetGroup, Optional.empty(), true, rule.conditions, rule.rawForwards);
    return this;
  }

  public CellScenario observedConditions(RuleConditions c) {
    requireRule();
    rule = new RuleSpec(rule.weightsByTargetGroup, rule.owner, rule.isDefault, Optional.of(c), rule.rawForwards);
    return this;
  }

  public CellScenario noRule() {
    this.rule = null;
    return this;
  }

  /** What the Cell wanted on the rule at the end of the last pass (status.targetGroups). */
  public CellScenario previousWeights(Object... nameWeightPairs) {
    this.previous = Optional.of(pairs(nameWeightPairs));
    return this;
  }

  private void requireRule() {
    if (rule == null) rule = new RuleSpec(Map.of(), Optional.of(KEY), false, Optional.empty(), List.of());
  }

  // =============================================================== runs, blocklist, references, clock

  public CellScenario run(String runName, RunPhase phase) {
    runs.add(d -> new ChildRun(runName, "AnalysisRun", phase, phase == RunPhase.FAILED ? "success-rate below 0.95" : ""));
    return this;
  }

  /** A run Okra judges that belongs to an earlier rollout of the Cell, still going. */
  public CellScenario leftoverOkraRun(String name, RunPhase phase) {
    runs.add(d -> new ChildRun(name, "AnalysisRun", phase, "", List.of(), Optional.empty(), true, false));
    return this;
  }

  /** The run of step {@code stepIndex} (-1: background) of the recorded rollout. */
  public CellScenario stepRun(int stepIndex, RunPhase phase) {
    runs.add(d -> {
      String id = buildState(d).rolloutId().orElseThrow(() -> new AssertionError("no rollout id recorded"));
      String runName = CellDecider.runName(d.name(), id, stepIndex);
      return new ChildRun(runName, "AnalysisRun", phase, phase == RunPhase.FAILED ? "success-rate below 0.95" : "");
    });
    return this;
  }

  /** As {@link #stepRun(int, RunPhase)}, for a run Okra evaluates: its metrics and when it next measures. */
  public CellScenario stepRun(int stepIndex, RunPhase phase, List<co.mumo.okra.cell.MetricSummary> metrics, Instant nextMeasurementAt) {
    runs.add(d -> {
      String id = buildState(d).rolloutId().orElseThrow(() -> new AssertionError("no rollout id recorded"));
      return new ChildRun(CellDecider.runName(d.name(), id, stepIndex), "AnalysisRun", phase, "", metrics,
          Optional.ofNullable(nextMeasurementAt), true, nextMeasurementAt != null && !nextMeasurementAt.isAfter(now));
    });
    return this;
  }

  public CellScenario blocked(String version, String cause) {
    blocked.put(Version.parse(version), cause);
    return this;
  }

  public CellScenario referenceError(String path, String message) {
    referenceErrors.add(new FieldError(path, message));
    return this;
  }

  // =============================================================== waves (spec.rolloutAfter)

  /** The Cell waits for {@code key} (namespace/name), which the pass read with this state and blocklist. */
  public CellScenario waitsFor(String key, RolloutState state, String... blocked) {
    Set<Version> b = new HashSet<>();
    for (String v : blocked) b.add(Version.parse(v));
    earlierWaves.add(new EarlierWaves.Earlier(waveRef(key), Optional.of(new EarlierWaves.State(state, b))));
    return this;
  }

  /** The Cell waits for {@code key}, which does not exist. */
  public CellScenario waitsForMissing(String key) {
    earlierWaves.add(new EarlierWaves.Earlier(waveRef(key), Optional.empty()));
    return this;
  }

  /** An entry of rolloutAfter the owner policy refused (not read). */
  public CellScenario waveRefused(String field, String message) {
    refusedWaves.add(new FieldError(field, message));
    return this;
  }

  /** The Cell {@code from} waits for {@code to}, as the pass found when it followed the waits. */
  public CellScenario waveEdge(String from, String... to) {
    waveGraph.computeIfAbsent(from, k -> new ArrayList<>()).addAll(List.of(to));
    return this;
  }

  private WaveReference waveRef(String key) {
    String[] nsName = key.split("/", 2);
    return new WaveReference(earlierWaves.size(), nsName[0], nsName[1]);
  }

  /** A settled earlier wave: {@code version} stable, in {@code phase}. */
  public static RolloutState earlierAt(String version, Phase phase) {
    return RolloutState.settled(phase, Version.parse(version), Optional.empty());
  }

  /** An earlier wave rolling {@code canary} out over {@code stable}. */
  public static RolloutState earlierRollingOut(String stable, String canary) {
    return new RolloutState(Phase.Progressing, Optional.of(Version.parse(stable)), Optional.of(Version.parse(canary)), Optional.of(0),
        Optional.of(T0), Optional.of("hash"), Optional.of(ROLLOUT_ID), false, Optional.empty(), Optional.empty(), false);
  }

  /** An earlier wave whose rollout of {@code failed} failed and went back to {@code stable}. */
  public static RolloutState earlierFailed(String stable, String failed, String cause) {
    return RolloutState.settled(Phase.Failed, Version.parse(stable),
        Optional.of(new RolloutState.Failure(Version.parse(failed), cause, T0, true)));
  }

  private EarlierWaves waves(CellDefinition d) {
    if (earlierWaves.isEmpty() && refusedWaves.isEmpty()) return EarlierWaves.NONE;
    Map<String, List<String>> graph = new LinkedHashMap<>(waveGraph);
    List<String> own = new ArrayList<>(graph.getOrDefault(d.key(), List.of()));
    earlierWaves.forEach(e -> own.add(e.ref().key()));
    graph.put(d.key(), own);
    return new EarlierWaves(earlierWaves, refusedWaves, graph);
  }

  public CellScenario at(Instant now) {
    this.now = now;
    return this;
  }

  public CellScenario after(Duration d) {
    this.now = T0.plus(d);
    return this;
  }

  public Instant now() {
    return now;
  }

  // =============================================================== running it

  public Observed observed() {
    CellDefinition d = definition();
    Map<String, ChildRun> runMap = new HashMap<>();
    for (Function<CellDefinition, ChildRun> r : runs) {
      ChildRun run = r.apply(d);
      runMap.put(run.name(), run);
    }
    List<ObservedRule> listenerRules = new ArrayList<>(otherRules);
    observedRule().ifPresent(listenerRules::add);
    listenerRules.addAll(headerRules.values());
    Map<String, co.mumo.okra.policy.ListenerVerdict> routeVerdicts = new HashMap<>();
    d.managedRoutes().forEach(r -> routeVerdicts.put(r.name(), policy.listener(d.listenerArn(), d.namespace(), r.priority())));
    return new Observed(d, buildState(d), targetGroups, blocked, observedRule(), runMap, referenceErrors,
        previous.map(this::forwards).orElse(List.of()), listenerRules, policy.listener(d.listenerArn(), d.namespace(), d.priority()),
        waves(d), routeVerdicts);
  }

  private RolloutState buildState(CellDefinition d) {
    RolloutState s = state.apply(d);
    for (UnaryOperator<RolloutState> t : stateTweaks) s = t.apply(s);
    return s;
  }

  private Optional<ObservedRule> observedRule() {
    if (rule == null) return Optional.empty();
    List<TargetWeight> forwards = rule.rawForwards.isEmpty() ? forwards(rule.weightsByTargetGroup) : rule.rawForwards;
    return Optional.of(new ObservedRule("arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:listener-rule/app/web/1/2/3",
        LISTENER_ARN, rule.isDefault ? -1 : priority, rule.isDefault, rule.owner, rule.conditions.orElse(conditions), forwards));
  }

  /** One pass: decides, checks idempotence and the invariants, returns the plan. */
  public Plan decide() {
    Observed o = observed();
    Plan plan = CellDecider.decide(o, now);
    assertThat(CellDecider.decide(o, now)).as("a second pass over the same observation decides the same").isEqualTo(plan);
    assertInvariants(plan);
    return plan;
  }

  /**
   * What every plan must satisfy: a desired rule forwards to 1..5 target groups whose weights total
   * exactly 100 (and agree with the shares reported); an Invalid plan changes nothing; a rule is
   * applied only when one is desired, and it is that rule.
   */
  public static void assertInvariants(Plan plan) {
    if (plan.rule().isPresent()) {
      List<TargetWeight> f = plan.rule().get().forwards();
      assertThat(f).as("forward list").isNotEmpty();
      assertThat(f.size()).as("target groups in one forward action").isLessThanOrEqualTo(DesiredRule.MAX_TARGET_GROUPS);
      assertThat(f.stream().mapToInt(TargetWeight::weight).sum()).as("rule weights total").isEqualTo(100);
      assertThat(f.stream().map(TargetWeight::arn).distinct().count()).as("distinct target groups").isEqualTo(f.size());
      assertThat(plan.weights().stream().mapToInt(Weights.Share::weight).sum()).as("shares total").isEqualTo(100);
      assertThat(plan.weights().stream().map(s -> new TargetWeight(s.group().arn(), s.weight())).toList())
          .as("shares agree with the rule").containsExactlyInAnyOrderElementsOf(f);
    } else {
      assertThat(plan.actions()).as("no rule desired: none applied").noneMatch(a -> a instanceof Action.ApplyRule);
    }
    plan.actions().stream().filter(a -> a instanceof Action.ApplyRule).map(a -> ((Action.ApplyRule) a).rule())
        .forEach(r -> assertThat(Optional.of(r)).as("the rule applied is the rule desired").isEqualTo(plan.rule()));
    assertThat(plan.actions().stream().filter(a -> a instanceof Action.ApplyRule).count()).as("ApplyRule actions").isLessThanOrEqualTo(1);
    if (plan.state().phase() == Phase.Invalid) {
      assertThat(plan.actions()).as("an Invalid plan has no actions").isEmpty();
      assertThat(plan.rule()).as("an Invalid plan wants no rule change").isEmpty();
      assertThat(plan.errors()).as("an Invalid plan says why").isNotEmpty();
    }
    plan.rule().ifPresent(r -> assertThat(r.owner()).as("the rule is tagged with its Cell").isNotBlank());
    assertThat(plan.message()).as("message").isNotBlank();
    for (co.mumo.okra.cell.HeaderRule h : plan.headerRules()) {
      List<TargetWeight> f = h.rule().forwards();
      assertThat(f.stream().mapToInt(TargetWeight::weight).sum()).as("header rule weights total").isEqualTo(100);
      assertThat(h.rule().route()).as("the header rule is tagged with its route").contains(h.route());
      assertThat(h.rule().priority()).as("a header rule comes before the Cell's rule").isLessThan(plan.rule().orElseThrow().priority());
      assertThat(h.shares()).as("a header rule forwards to the canary alone").allMatch(sh -> sh.role() == Weights.Role.CANARY);
    }
    if (!plan.state().phase().inRollout()) {
      assertThat(plan.headerRules()).as("header routes live only while a rollout does").isEmpty();
      assertThat(plan.actions()).as("no header rule applied outside a rollout").noneMatch(a -> a instanceof Action.ApplyHeaderRule);
    }
    plan.actions().stream().filter(a -> a instanceof Action.ApplyHeaderRule).map(a -> ((Action.ApplyHeaderRule) a).rule())
        .forEach(r -> assertThat(plan.headerRules()).as("a header rule applied is one desired").anyMatch(h -> h.rule().equals(r)));
  }

  // =============================================================== reading plans

  /** Weight per target group name, in name order. */
  public static Map<String, Integer> weightsByName(Plan plan) {
    Map<String, Integer> out = new TreeMap<>();
    plan.weights().forEach(s -> out.put(s.group().name(), s.weight()));
    return out;
  }

  /** Total weight per version (canonical spelling), lowest version first. */
  public static Map<String, Integer> weightsByVersion(Plan plan) {
    Map<Version, Integer> byVersion = new TreeMap<>();
    plan.weights().forEach(s -> byVersion.merge(s.group().version(), s.weight(), Integer::sum));
    Map<String, Integer> out = new LinkedHashMap<>();
    byVersion.forEach((v, w) -> out.put(v.canonical(), w));
    return out;
  }

  public static int weightOf(Plan plan, String version) {
    return weightsByVersion(plan).getOrDefault(Version.parse(version).canonical(), 0);
  }

  public static <T extends Action> List<T> actions(Plan plan, Class<T> type) {
    return plan.actions().stream().filter(type::isInstance).map(type::cast).toList();
  }

  public static Optional<Boolean> condition(Plan plan, String type) {
    return plan.conditions().stream().filter(c -> c.type().equals(type)).map(c -> c.status()).findFirst();
  }

  public static String conditionReason(Plan plan, String type) {
    return plan.conditions().stream().filter(c -> c.type().equals(type)).map(c -> c.reason()).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + plan.conditions()));
  }

  private Map<String, Integer> weights(List<TargetWeight> forwards) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (TargetWeight f : forwards) out.put(nameOfArn(f.arn()), f.weight());
    return out;
  }

  private String nameOfArn(String arn) {
    return targetGroups.stream().filter(g -> g.arn().equals(arn)).map(TargetGroup::name).findFirst().orElse(arn);
  }

  private List<TargetWeight> forwards(Map<String, Integer> byName) {
    return byName.entrySet().stream().map(e -> new TargetWeight(e.getKey().startsWith("arn:") ? e.getKey() : arn(e.getKey()), e.getValue()))
        .toList();
  }

  private static Map<String, Integer> pairs(Object... nameWeightPairs) {
    if (nameWeightPairs.length % 2 != 0) throw new IllegalArgumentException("name, weight, name, weight, ...");
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < nameWeightPairs.length; i += 2) out.put((String) nameWeightPairs[i], (Integer) nameWeightPairs[i + 1]);
    return out;
  }

  // =============================================================== simulation

  /** Loops passes like the runner: each plan's state and rule become the next observation. */
  public Simulation simulate() {
    return new Simulation(this);
  }

  /** One simulated pass. */
  public record Pass(int number, Instant now, Observed observed, Plan plan) {}

  /**
   * The runner and the world, simulated: the recorded state is the plan's, the rule is the plan's once
   * applied, BlockVersion entries land in the blocklist, started runs appear Running and then reach the
   * outcome {@link #outcome} gives them, and the clock moves by the plan's requeue (1s when none).
   * A human promote ({@link CellControl#promote}) on a quiet Paused plan when {@link #promoteWhenPaused()} is set.
   */
  public static final class Simulation {
    private final CellScenario sc;
    private final List<Pass> passes = new ArrayList<>();
    private Function<String, RunPhase> outcome = name -> RunPhase.SUCCESSFUL;
    private int runningPasses = 1;
    private boolean promoteWhenPaused;
    private final Map<String, Integer> runAge = new HashMap<>();
    private final Map<String, ChildRun> runs = new HashMap<>();
    private UnaryOperator<CellScenario> beforeEachPass = UnaryOperator.identity();

    private Simulation(CellScenario sc) {
      this.sc = sc;
    }

    /** The verdict a run reaches after {@link #runningFor} passes as Running. */
    public Simulation outcome(Function<String, RunPhase> outcome) {
      this.outcome = outcome;
      return this;
    }

    public Simulation runningFor(int passes) {
      this.runningPasses = passes;
      return this;
    }

    public Simulation promoteWhenPaused() {
      this.promoteWhenPaused = true;
      return this;
    }

    /** Lets a test change the world between passes (e.g. a target group disappears at pass 5). */
    public Simulation beforeEachPass(UnaryOperator<CellScenario> change) {
      this.beforeEachPass = change;
      return this;
    }

    public CellScenario scenario() {
      return sc;
    }

    /** Runs until a pass decides nothing more to do (or a human is needed), at most {@code maxPasses}. */
    public Simulation run(int maxPasses) {
      for (int i = 0; i < maxPasses; i++) {
        beforeEachPass.apply(sc);
        Observed o = sc.observed();
        Plan plan = sc.decide();
        passes.add(new Pass(passes.size(), sc.now, o, plan));
        if (plan.actions().isEmpty() && !plan.state().rollingOut()) return this;
        if (plan.state().phase() == Phase.Invalid) return this;
        boolean quiet = plan.actions().isEmpty() && runs.values().stream().noneMatch(r -> r.phase() == RunPhase.RUNNING);
        if (plan.state().phase() == Phase.Paused && quiet) {
          if (!promoteWhenPaused) return this;
          sc.state(CellControl.promote(plan.state(), sc.definition().steps().size(), false, sc.now));
        } else {
          sc.state(plan.state());
        }
        advance(plan);
      }
      throw new AssertionError("no settled state after " + maxPasses + " passes; last: " + last().plan().message());
    }

    private void advance(Plan plan) {
      plan.rule().ifPresent(r -> {
        if (!actions(plan, Action.ApplyRule.class).isEmpty()) sc.observedRule(r);
        sc.previous = Optional.of(sc.weights(r.forwards()));
      });
      for (Action.RemoveHeaderRule rm : actions(plan, Action.RemoveHeaderRule.class)) sc.headerRules.remove(rm.rule().priority());
      for (Action.ApplyHeaderRule h : actions(plan, Action.ApplyHeaderRule.class)) {
        sc.headerRules.put(h.rule().priority(), observedHeaderRule(h.rule()));
      }
      for (Action.BlockVersion b : actions(plan, Action.BlockVersion.class)) sc.blocked.put(b.version(), b.cause());
      for (Action a : plan.actions()) {
        String name = a instanceof Action.StartAnalysis s ? s.runName() : a instanceof Action.StartExperiment e ? e.experimentName() : null;
        if (name != null && !runs.containsKey(name)) {
          runs.put(name, new ChildRun(name, a instanceof Action.StartAnalysis ? "AnalysisRun" : "Experiment", RunPhase.RUNNING, ""));
          runAge.put(name, 0);
        }
      }
      runs.replaceAll((name, r) -> {
        if (r.phase() != RunPhase.RUNNING) return r;
        int age = runAge.merge(name, 1, Integer::sum);
        return age > runningPasses ? new ChildRun(name, r.kind(), outcome.apply(name), "simulated") : r;
      });
      sc.runs.clear();
      runs.values().forEach(r -> sc.runs.add(d -> r));
      Duration wait = plan.requeueAfter().orElse(Duration.ofSeconds(1));
      sc.now = sc.now.plus(wait.isZero() ? Duration.ofSeconds(1) : wait);
    }

    public List<Pass> passes() {
      return passes;
    }

    public Pass last() {
      return passes.get(passes.size() - 1);
    }

    public List<Plan> plans() {
      return passes.stream().map(Pass::plan).toList();
    }

    /** Every distinct weight set the rule was asked to have, by target group name, in order. */
    public List<Map<String, Integer>> weightSets() {
      List<Map<String, Integer>> out = new ArrayList<>();
      for (Plan p : plans()) {
        if (p.rule().isEmpty()) continue;
        Map<String, Integer> w = weightsByName(p);
        if (out.isEmpty() || !out.get(out.size() - 1).equals(w)) out.add(w);
      }
      return out;
    }

    /** Every distinct split between versions the rule was asked to have, in order. */
    public List<Map<String, Integer>> versionSplits() {
      List<Map<String, Integer>> out = new ArrayList<>();
      for (Plan p : plans()) {
        if (p.rule().isEmpty()) continue;
        Map<String, Integer> w = weightsByVersion(p);
        if (out.isEmpty() || !out.get(out.size() - 1).equals(w)) out.add(w);
      }
      return out;
    }

    /** The header routes' rules on the listener now, by priority. */
    public Map<Integer, ObservedRule> headerRulesOnAlb() {
      return Map.copyOf(sc.headerRules);
    }

    /** Every action of every pass, in order. */
    public List<Action> allActions() {
      return plans().stream().flatMap(p -> p.actions().stream()).toList();
    }
  }
}
