package co.mumo.okra.cell;

import co.mumo.okra.api.AnalysisSpec;
import co.mumo.okra.api.CanaryStep;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellIngress;
import co.mumo.okra.api.CellSpec;
import co.mumo.okra.api.ListenerRule;
import co.mumo.okra.api.ManagedRoute;
import co.mumo.okra.api.UpdateStrategy;
import co.mumo.okra.core.CanonicalJson;
import co.mumo.okra.core.Durations;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import co.mumo.okra.core.Version;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.RulePlacement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a Cell manifest into a {@link CellDefinition}, collecting every problem with the path of the
 * field it concerns, so that a user fixes all of them in one go.
 */
public final class CellValidator {
  public static final String ADOPT_ANNOTATION = RulePlacement.ADOPT_ANNOTATION;
  /** The Cell's choice of analysis evaluator (okra or argo) for steps that do not name one. */
  public static final String EVALUATOR_ANNOTATION = "okra.mumo.co/analysis-evaluator";
  private static final String ALB = "spec.ingress.awsApplicationLoadBalancer";
  private static final String KINDS = "setWeight, pause, analysis, experiment or setHeaderRoute";
  /** ALB's quota of condition values per rule. */
  static final int MAX_CONDITION_VALUES = 5;
  private static final Pattern ROUTE_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  private final List<FieldError> errors = new ArrayList<>();

  private CellValidator() {}

  /** @throws InvalidSpecException naming every invalid field */
  public static CellDefinition validate(Cell cell) {
    return new CellValidator().run(cell);
  }

  private CellDefinition run(Cell cell) {
    String ns = cell.getMetadata().getNamespace() == null ? "default" : cell.getMetadata().getNamespace();
    String name = cell.getMetadata().getName();
    CellSpec spec = cell.getSpec();
    if (spec == null) {
      throw new InvalidSpecException("Cell " + ns + "/" + name, List.of(new FieldError("spec", "required")));
    }
    CellIngress ingress = spec.ingress;
    CellIngress.AwsApplicationLoadBalancer alb = ingress == null ? null : ingress.awsApplicationLoadBalancer;
    if (ingress == null) {
      error("spec.ingress", "required");
    } else if (ingress.type != null && !ingress.type.equals("AWSApplicationLoadBalancer")) {
      error("spec.ingress.type", "\"" + ingress.type + "\" is not supported (only AWSApplicationLoadBalancer)");
    }
    if (ingress != null && alb == null) error(ALB, "required");

    String listenerArn = alb == null ? null : alb.listenerARN;
    if (alb != null) {
      if (listenerArn == null || listenerArn.isBlank()) {
        error(ALB + ".listenerARN", "required");
      } else if (!listenerArn.startsWith("arn:") || !listenerArn.contains(":listener/")) {
        error(ALB + ".listenerARN", "\"" + listenerArn + "\" is not an ALB listener ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener/app/...)");
      }
    }
    ListenerRule rule = alb == null || alb.listener == null ? null : alb.listener.rule;
    int priority = 0;
    RuleConditions conditions = RuleConditions.none();
    if (alb != null && rule == null) error(ALB + ".listener.rule", "required");
    if (rule != null) {
      if (rule.priority == null) {
        error(ALB + ".listener.rule.priority", "required (1..50000; the default rule is never managed)");
      } else if (rule.priority < 1 || rule.priority > 50_000) {
        error(ALB + ".listener.rule.priority", "must be 1..50000, got " + rule.priority);
      } else {
        priority = rule.priority;
      }
      conditions = new RuleConditions(rule.hosts, rule.pathPatterns, rule.methods, rule.sourceIPs,
          rule.headers == null ? null : new TreeMap<>(rule.headers),
          rule.queryStrings == null ? null : new TreeMap<>(rule.queryStrings));
      if (conditions.isEmpty()) {
        error(ALB + ".listener.rule", "needs at least one condition (hosts, pathPatterns, methods, sourceIPs, headers or queryStrings)");
      } else if (conditions.valueCount() > MAX_CONDITION_VALUES) {
        error(ALB + ".listener.rule", "has " + conditions.valueCount() + " condition values; ALB allows at most "
            + MAX_CONDITION_VALUES + " per rule (each host, path, method, source IP, header value and query pair counts)");
      }
    }

    List<CellDefinition.ManagedRoute> routes = alb == null ? List.of() : managedRoutes(alb.managedRoutes, priority);

    Map<String, String> matchLabels = Map.of();
    List<String> versionLabels = List.of(CellDefinition.DEFAULT_VERSION_LABEL);
    CellIngress.TargetGroupSelector selector = alb == null ? null : alb.targetGroupSelector;
    if (alb != null && (selector == null || selector.matchLabels == null || selector.matchLabels.isEmpty())) {
      error(ALB + ".targetGroupSelector.matchLabels", "required: at least one label, so the Cell does not take every target group in the namespace");
    } else if (selector != null) {
      matchLabels = selector.matchLabels;
      if (selector.versionLabels != null && !selector.versionLabels.isEmpty()) {
        versionLabels = selector.versionLabels;
        for (int i = 0; i < versionLabels.size(); i++) {
          if (versionLabels.get(i) == null || versionLabels.get(i).isBlank()) {
            error(ALB + ".targetGroupSelector.versionLabels[" + i + "]", "must not be empty");
          }
        }
      }
    }

    int replicas = spec.replicas == null ? 1 : spec.replicas;
    if (replicas < 1) error("spec.replicas", "must be at least 1, got " + replicas);
    if (replicas > DesiredRule.MAX_TARGET_GROUPS) {
      error("spec.replicas", "must be at most " + DesiredRule.MAX_TARGET_GROUPS + " (ALB forwards to at most 5 target groups), got " + replicas);
    }

    Optional<Version> pinned = Optional.empty();
    if (spec.version != null && !spec.version.isBlank()) {
      pinned = Version.tryParse(spec.version);
      if (pinned.isEmpty()) error("spec.version", "\"" + spec.version + "\" is not a semantic version (e.g. 1.2.3 or v1.2.3)");
    }

    List<Step> steps = new ArrayList<>();
    Optional<Step.Background> background = Optional.empty();
    UpdateStrategy strategy = spec.updateStrategy;
    // What the user wrote, not Okra's reading of it: a release that models steps differently hashes the same.
    UpdateStrategy.Canary canary = strategy == null ? null : strategy.canary;
    String stepsHash = CanonicalJson.hash(Arrays.asList(canary == null || canary.steps == null ? List.of() : canary.steps,
        canary == null ? null : canary.analysis), CellDefinition.STEPS_HASH_LENGTH);
    if (strategy != null) {
      if (strategy.type != null && !strategy.type.equals("Canary")) {
        error("spec.updateStrategy.type", "\"" + strategy.type + "\" is not supported (only Canary)");
      }
      if (strategy.canary != null) {
        List<CanaryStep> raw = strategy.canary.steps == null ? List.of() : strategy.canary.steps;
        for (int i = 0; i < raw.size(); i++) {
          String path = "spec.updateStrategy.canary.steps[" + i + "]";
          Optional<Step> st = step(path, raw.get(i));
          st.ifPresent(steps::add);
          if (st.orElse(null) instanceof Step.SetHeaderRoute r) headerRouteFits(path + ".setHeaderRoute", r, routes, conditions);
        }
        UpdateStrategy.BackgroundAnalysis bg = strategy.canary.analysis;
        if (bg != null) {
          String path = "spec.updateStrategy.canary.analysis";
          int starting = bg.startingStep == null ? 0 : bg.startingStep;
          int last = Math.max(0, raw.size() - 1);
          if (starting < 0 || starting > last) {
            error(path + ".startingStep", "must be 0.." + last + " (the index of a step), got " + starting);
          }
          background = analysis(path, bg).map(a -> new Step.Background(a, starting));
        }
      }
    }
    if (!steps.isEmpty() && 2 * replicas > DesiredRule.MAX_TARGET_GROUPS) {
      error("spec.replicas", "a canary step puts the stable and the canary target groups in one forward action: 2 x "
          + replicas + " exceeds ALB's limit of " + DesiredRule.MAX_TARGET_GROUPS);
    }

    errors.addAll(WaveReference.errors(cell));

    Map<String, String> annotations = cell.getMetadata().getAnnotations();
    boolean adopt = annotations != null && "true".equalsIgnoreCase(annotations.get(ADOPT_ANNOTATION));
    if (annotations != null && annotations.get(EVALUATOR_ANNOTATION) != null) {
      try {
        Evaluator.parse(annotations.get(EVALUATOR_ANNOTATION));
      } catch (IllegalArgumentException e) {
        error("metadata.annotations[" + EVALUATOR_ANNOTATION + "]", e.getMessage());
      }
    }
    if (!errors.isEmpty()) throw new InvalidSpecException("Cell " + ns + "/" + name, errors);
    long generation = cell.getMetadata().getGeneration() == null ? 0 : cell.getMetadata().getGeneration();
    return new CellDefinition(ns, name, generation, listenerArn, priority, conditions, matchLabels, versionLabels,
        replicas, pinned, steps, background, adopt, stepsHash, routes);
  }

  private Optional<Step> step(String path, CanaryStep s) {
    if (s == null) {
      error(path, "empty step");
      return Optional.empty();
    }
    List<String> kinds = new ArrayList<>();
    if (s.setWeight != null) kinds.add("setWeight");
    if (s.pause != null) kinds.add("pause");
    if (s.analysis != null) kinds.add("analysis");
    if (s.experiment != null) kinds.add("experiment");
    if (s.setHeaderRoute != null) kinds.add("setHeaderRoute");
    for (String unknown : s.unknownFields().keySet()) {
      error(path + "." + unknown, "unknown step \"" + unknown + "\" (expected " + KINDS + ")");
    }
    if (!s.unknownFields().isEmpty()) return Optional.empty();
    if (kinds.size() != 1) {
      error(path, kinds.isEmpty() ? "empty step (expected one of " + KINDS + ")"
          : "a step has exactly one kind, found " + String.join(" and ", kinds));
      return Optional.empty();
    }
    if (s.setHeaderRoute != null) return setHeaderRoute(path + ".setHeaderRoute", s.setHeaderRoute);
    if (s.setWeight != null) {
      if (s.setWeight < 0 || s.setWeight > 100) {
        error(path + ".setWeight", "must be 0..100, got " + s.setWeight);
        return Optional.empty();
      }
      return Optional.of(new Step.SetWeight(s.setWeight));
    }
    if (s.pause != null) {
      if (s.pause.duration == null) return Optional.of(new Step.Pause(Optional.empty()));
      Object raw = s.pause.duration.getValue();
      try {
        Duration d = raw instanceof Integer n ? Duration.ofSeconds(n) : Durations.parse(String.valueOf(raw));
        if (d.isNegative()) throw new IllegalArgumentException("must not be negative");
        return Optional.of(new Step.Pause(Optional.of(d)));
      } catch (IllegalArgumentException e) {
        error(path + ".pause.duration", e.getMessage());
        return Optional.empty();
      }
    }
    if (s.analysis != null) return analysis(path + ".analysis", s.analysis).map(a -> a);
    return experiment(path + ".experiment", s.experiment);
  }

  private Optional<Step.Analysis> analysis(String path, AnalysisSpec a) {
    int before = errors.size();
    List<Step.TemplateRef> templates = templates(path + ".templates", a.templates);
    List<Step.Arg> args = args(path + ".args", a.args);
    Optional<Evaluator> evaluator = Optional.empty();
    if (a.evaluator != null) {
      try {
        evaluator = Optional.of(Evaluator.parse(a.evaluator));
      } catch (IllegalArgumentException e) {
        error(path + ".evaluator", e.getMessage());
      }
    }
    return errors.size() == before ? Optional.of(new Step.Analysis(templates, args, evaluator)) : Optional.empty();
  }

  private List<Step.TemplateRef> templates(String path, List<AnalysisSpec.TemplateRef> refs) {
    List<Step.TemplateRef> out = new ArrayList<>();
    if (refs == null || refs.isEmpty()) {
      error(path, "at least one template is required");
      return out;
    }
    for (int i = 0; i < refs.size(); i++) {
      AnalysisSpec.TemplateRef r = refs.get(i);
      if (r == null || r.templateName == null || r.templateName.isBlank()) {
        error(path + "[" + i + "].templateName", "required");
      } else {
        out.add(new Step.TemplateRef(r.templateName, Boolean.TRUE.equals(r.clusterScope)));
      }
    }
    return out;
  }

  private List<Step.Arg> args(String path, List<AnalysisSpec.Arg> args) {
    List<Step.Arg> out = new ArrayList<>();
    if (args == null) return out;
    for (int i = 0; i < args.size(); i++) {
      String p = path + "[" + i + "]";
      AnalysisSpec.Arg a = args.get(i);
      if (a == null || a.name == null || a.name.isBlank()) {
        error(p + ".name", "required");
        continue;
      }
      AnalysisSpec.ValueFrom vf = a.valueFrom;
      if (a.value != null && vf != null) {
        error(p, "set either value or valueFrom, not both");
      } else if (vf == null) {
        out.add(new Step.Arg(a.name, Optional.ofNullable(a.value), Optional.empty(), Optional.empty()));
      } else if ((vf.fieldRef == null) == (vf.secretKeyRef == null)) {
        error(p + ".valueFrom", "set exactly one of fieldRef or secretKeyRef");
      } else if (vf.fieldRef != null) {
        if (vf.fieldRef.fieldPath == null || vf.fieldRef.fieldPath.isBlank()) {
          error(p + ".valueFrom.fieldRef.fieldPath", "required (e.g. status.desiredVersion)");
        } else {
          out.add(new Step.Arg(a.name, Optional.empty(), Optional.of(vf.fieldRef.fieldPath), Optional.empty()));
        }
      } else if (blank(vf.secretKeyRef.name) || blank(vf.secretKeyRef.key)) {
        error(p + ".valueFrom.secretKeyRef", "name and key are required");
      } else {
        out.add(new Step.Arg(a.name, Optional.empty(), Optional.empty(),
            Optional.of(new Step.SecretRef(vf.secretKeyRef.name, vf.secretKeyRef.key))));
      }
    }
    return out;
  }

  private Optional<Step> experiment(String path, CanaryStep.Experiment e) {
    int before = errors.size();
    Optional<String> duration = Optional.ofNullable(e.duration).filter(d -> !d.isBlank());
    duration.ifPresent(d -> {
      try {
        Durations.parse(d);
      } catch (IllegalArgumentException bad) {
        error(path + ".duration", bad.getMessage());
      }
    });
    List<Step.ExperimentTemplate> templates = new ArrayList<>();
    if (e.templates == null || e.templates.isEmpty()) error(path + ".templates", "at least one template is required");
    for (int i = 0; e.templates != null && i < e.templates.size(); i++) {
      CanaryStep.ExperimentTemplate t = e.templates.get(i);
      String p = path + ".templates[" + i + "]";
      if (t == null || blank(t.name)) {
        error(p + ".name", "required");
      } else if (blank(t.specRef)) {
        error(p + ".specRef", "required: the name of a ReplicaSet in the Cell's namespace");
      } else if (t.replicas != null && t.replicas < 0) {
        error(p + ".replicas", "must not be negative");
      } else {
        templates.add(new Step.ExperimentTemplate(t.name, t.specRef, t.replicas == null ? 1 : t.replicas,
            Optional.ofNullable(t.weight)));
      }
    }
    List<Step.ExperimentAnalysis> analyses = new ArrayList<>();
    for (int i = 0; e.analyses != null && i < e.analyses.size(); i++) {
      CanaryStep.ExperimentAnalysis a = e.analyses.get(i);
      String p = path + ".analyses[" + i + "]";
      if (a == null || blank(a.name)) {
        error(p + ".name", "required");
      } else if (blank(a.templateName)) {
        error(p + ".templateName", "required");
      } else {
        analyses.add(new Step.ExperimentAnalysis(a.name, new Step.TemplateRef(a.templateName, Boolean.TRUE.equals(a.clusterScope)),
            args(p + ".args", a.args), Boolean.TRUE.equals(a.requiredForCompletion)));
      }
    }
    return errors.size() == before ? Optional.of(new Step.Experiment(duration, templates, analyses)) : Optional.empty();
  }

  /** The header routes the Cell declares: named once each, at priorities of their own in front of the Cell's rule. */
  private List<CellDefinition.ManagedRoute> managedRoutes(List<ManagedRoute> raw, int cellPriority) {
    List<CellDefinition.ManagedRoute> out = new ArrayList<>();
    if (raw == null) return out;
    Set<String> names = new HashSet<>();
    Set<Integer> priorities = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String path = ALB + ".managedRoutes[" + i + "]";
      ManagedRoute r = raw.get(i);
      int before = errors.size();
      if (r == null || blank(r.name)) {
        error(path + ".name", "required");
      } else if (!ROUTE_NAME.matcher(r.name).matches()) {
        error(path + ".name", "\"" + r.name + "\": letters, digits, -, _ and . only, beginning and ending with a letter or digit, at most 63");
      } else if (!names.add(r.name)) {
        error(path + ".name", "\"" + r.name + "\" is declared twice");
      }
      if (r == null || r.priority == null) {
        error(path + ".priority", "required: the priority of the route's rule on the listener");
      } else if (r.priority < 1 || r.priority > 50_000) {
        error(path + ".priority", "must be 1..50000, got " + r.priority);
      } else if (r.priority == cellPriority) {
        error(path + ".priority", r.priority + " is the Cell's own rule's priority: the route's rule needs one of its own");
      } else if (cellPriority > 0 && r.priority > cellPriority) {
        error(path + ".priority", r.priority + " comes after the Cell's own rule (" + cellPriority + "), which would take the"
            + " route's requests first: choose a number below " + cellPriority);
      } else if (!priorities.add(r.priority)) {
        error(path + ".priority", r.priority + " is taken by another route of this Cell");
      }
      if (errors.size() == before) out.add(new CellDefinition.ManagedRoute(r.name, r.priority));
    }
    return out;
  }

  private Optional<Step> setHeaderRoute(String path, CanaryStep.SetHeaderRoute r) {
    int before = errors.size();
    if (blank(r.name)) error(path + ".name", "required: a route of spec.ingress.awsApplicationLoadBalancer.managedRoutes");
    List<Step.HeaderMatch> match = new ArrayList<>();
    Set<String> headerNames = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    List<CanaryStep.HeaderRoutingMatch> raw = r.match == null ? List.of() : r.match;
    for (int i = 0; i < raw.size(); i++) {
      String p = path + ".match[" + i + "]";
      CanaryStep.HeaderRoutingMatch m = raw.get(i);
      if (m == null || blank(m.headerName)) {
        error(p + ".headerName", "required");
        continue;
      }
      Optional<String> nameProblem = HeaderRoutes.nameProblem(m.headerName);
      nameProblem.ifPresent(why -> error(p + ".headerName", why));
      if (nameProblem.isEmpty() && !headerNames.add(m.headerName)) {
        error(p + ".headerName", m.headerName + " is matched twice; ALB takes one value per header here: match it once"
            + " (a prefix can cover both values)");
      }
      headerValue(p + ".headerValue", m.headerValue).ifPresent(v -> match.add(new Step.HeaderMatch(m.headerName, v)));
    }
    return errors.size() == before ? Optional.of(new Step.SetHeaderRoute(r.name, match)) : Optional.empty();
  }

  /** Argo's StringMatch as ALB matches it; a regex has no ALB form. */
  private Optional<String> headerValue(String path, CanaryStep.StringMatch v) {
    if (v == null) {
      error(path, "required: exact or prefix");
      return Optional.empty();
    }
    if (v.regex != null) {
      error(path + ".regex", "ALB header conditions take wildcards, not regular expressions: write exact: VALUE, or prefix: VALUE"
          + " (matched as VALUE*)");
      return Optional.empty();
    }
    if ((v.exact == null) == (v.prefix == null)) {
      error(path, "set exactly one of exact or prefix");
      return Optional.empty();
    }
    String field = v.exact != null ? ".exact" : ".prefix";
    try {
      return Optional.of(v.exact != null ? HeaderRoutes.exact(v.exact) : HeaderRoutes.prefix(v.prefix));
    } catch (IllegalArgumentException e) {
      error(path + field, e.getMessage());
      return Optional.empty();
    }
  }

  /** A route the step sets is declared, and its rule (the Cell's conditions plus the headers) is one ALB takes. */
  private void headerRouteFits(String path, Step.SetHeaderRoute r, List<CellDefinition.ManagedRoute> routes, RuleConditions cell) {
    if (routes.stream().noneMatch(d -> d.name().equals(r.name()))) {
      error(path + ".name", "route \"" + r.name() + "\" is not declared: add {name: " + r.name() + ", priority: N} to "
          + ALB + ".managedRoutes, with N a free priority below the Cell's own");
    }
    for (Step.HeaderMatch m : r.match()) {
      if (cell.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase(m.headerName()))) {
        error(path + ".match", "the Cell's own rule already matches header " + m.headerName() + "; the route's rule carries the Cell's"
            + " conditions, so match another header");
      }
    }
    int values = cell.valueCount() + r.match().size();
    if (!r.removes() && values > MAX_CONDITION_VALUES) {
      error(path + ".match", "the route's rule would have " + values + " condition values (the Cell's " + cell.valueCount() + " and "
          + r.match().size() + " header(s)); ALB allows at most " + MAX_CONDITION_VALUES + " per rule: match fewer headers, or give the"
          + " Cell's rule fewer values");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private void error(String path, String message) {
    errors.add(new FieldError(path, message));
  }
}
