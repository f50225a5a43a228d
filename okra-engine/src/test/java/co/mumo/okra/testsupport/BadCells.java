package co.mumo.okra.testsupport;

import co.mumo.okra.api.Cell;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A catalogue of malformed Cells and the worlds around them (templates, secrets, ReplicaSets,
 * target groups, rules already on the listener), each with the error text Okra must report. The
 * in-process table test runs all of them; the CLI test runs a subset by name.
 *
 * <p>Every case starts from {@link #BASE}, a valid Cell ({@code web}, host example.com, selector
 * role=web, steps setWeight 20 then a 1m pause) and a world with target group {@code web-1}
 * (version 1.0.0) and the AnalysisTemplate {@code success-rate} (argument {@code version}). In the
 * expected texts {@code {ns}} stands for the case's namespace and {@code {priority}} for its priority.
 */
public final class BadCells {
  /** What the pass must do with the case. */
  public enum Kind {
    /** Phase Invalid, the field named, nothing written but the Cell's status. */
    INVALID,
    /** Not fatal: the bad target group is reported and left out, the rollout goes on with the others. */
    REPORTED
  }

  /**
   * @param readsAws the decision needs the listener's rules (ownership, target group count), so
   *                 Describe calls are expected; writes never are
   * @param apiServer when present, the API server refuses the Cell at apply time (the CRD's schema), and its
   *                  answer contains this text (the field's path, and what is wrong with it); Okra's own
   *                  validation still refuses it with {@code expected}, for clusters with an older CRD
   */
  public record Case(String name, Kind kind, boolean readsAws, Consumer<World> setup, List<String> expected, Optional<String> apiServer) {
    public Case(String name, Kind kind, boolean readsAws, Consumer<World> setup, List<String> expected) {
      this(name, kind, readsAws, setup, expected, Optional.empty());
    }

    /** The same case, refused by the API server with {@code text} in its answer. */
    Case refusedWith(String text) {
      return new Case(name, kind, readsAws, setup, expected, Optional.of(text));
    }

    public boolean refusedByApiServer() {
      return apiServer.isPresent();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Where a case runs. {@code setupPass} runs one ordinary pass (for cases that need an earlier state);
   * {@code apply} writes the Cell's manifest (by default: created through {@code client}).
   */
  public record World(String ns, int priority, AwsFixture.Alb alb, AwsFixture aws, KubernetesClient client, OkraObjects objects,
                      Runnable setupPass, Function<Map<String, Object>, Cell> apply) {
    public World(String ns, int priority, AwsFixture.Alb alb, AwsFixture aws, KubernetesClient client, OkraObjects objects,
                 Runnable setupPass) {
      this(ns, priority, alb, aws, client, objects, setupPass, null);
    }

    /** The same world, with the Cell's manifest handed to {@code apply} instead of created. */
    public World applyingWith(Function<Map<String, Object>, Cell> apply) {
      return new World(ns, priority, alb, aws, client, objects, setupPass, apply);
    }

    public String tg(int i) {
      return alb.targetGroupArns().get(i);
    }

    /** Creates the Cell: {@link #BASE} with the edits applied. */
    @SafeVarargs
    @SuppressWarnings("unchecked")
    public final Cell cell(Consumer<Map<String, Object>>... edits) {
      Map<String, Object> map = Serialization.unmarshal(BASE.formatted(alb.listenerArn(), priority), Map.class);
      for (Consumer<Map<String, Object>> e : edits) e.accept(map);
      ((Map<String, Object>) map.get("metadata")).put("namespace", ns);
      return apply != null ? apply.apply(map) : client.resources(Cell.class).inNamespace(ns).resource(toCell(map)).create();
    }

    public String expand(String text) {
      return text.replace("{ns}", ns).replace("{priority+1}", Integer.toString(priority + 1)).replace("{priority}", Integer.toString(priority)).replace("{tg0}", tg(0));
    }
  }

  /** The manifest as the model class reads it (unknown step keys are kept, as on a cluster with an older CRD). */
  public static Cell toCell(Map<String, Object> manifest) {
    return Serialization.unmarshal(Serialization.asJson(manifest), Cell.class);
  }

  public static final String BASE = """
      apiVersion: okra.mumo.co/v1alpha1
      kind: Cell
      metadata:
        name: web
      spec:
        ingress:
          type: AWSApplicationLoadBalancer
          awsApplicationLoadBalancer:
            listenerARN: %s
            listener:
              rule:
                priority: %d
                hosts: [example.com]
            targetGroupSelector:
              matchLabels:
                role: web
        replicas: 1
        updateStrategy:
          type: Canary
          canary:
            steps:
            - setWeight: 20
            - pause: {duration: 1m}
      """;

  private static final String ALB = "spec.ingress.awsApplicationLoadBalancer";
  private static final String RULE = ALB + ".listener.rule";
  private static final String STEPS = "spec.updateStrategy.canary.steps";

  private BadCells() {}

  /** Every case; at least 40 of them are {@link Kind#INVALID}, most of those refused by the API server already. */
  @SuppressWarnings("unchecked")
  public static List<Case> all() {
    List<Case> c = new ArrayList<>();
    // ---- steps
    c.add(invalid("unknown step", steps("- stepWeight: 20"),
        STEPS + "[0].stepWeight: unknown step \"stepWeight\" (expected setWeight, pause, analysis, experiment or setHeaderRoute)")
        .refusedWith(STEPS + "[0]"));
    c.add(invalid("setWeight above 100", steps("- setWeight: 150"), STEPS + "[0].setWeight: must be 0..100, got 150")
        .refusedWith(STEPS + "[0].setWeight: Invalid value: 150"));
    c.add(invalid("setWeight below 0", steps("- setWeight: -1"), STEPS + "[0].setWeight: must be 0..100, got -1")
        .refusedWith(STEPS + "[0].setWeight: Invalid value: -1"));
    c.add(invalid("pause duration not a duration", steps("- setWeight: 10\n- pause: {duration: soon}"),
        STEPS + "[1].pause.duration: \"soon\" is not a duration"));
    c.add(invalid("pause duration with a unit Okra lacks", steps("- pause: {duration: 2d}"),
        STEPS + "[0].pause.duration: \"2d\" is not a duration"));
    c.add(invalid("negative pause seconds", steps("- pause: {duration: -5}"), STEPS + "[0].pause.duration: must not be negative")
        .refusedWith(STEPS + "[0].pause.duration: Invalid value"));
    c.add(invalid("pause duration overflowing", steps("- pause: {duration: 9999999999999999h}"),
        STEPS + "[0].pause.duration: \"9999999999999999h\" is too long"));
    c.add(invalid("two kinds in one step", steps("- setWeight: 10\n  pause: {}"),
        STEPS + "[0]: a step has exactly one kind, found setWeight and pause")
        .refusedWith(STEPS + "[0]: Invalid value: \"object\": a step has exactly one of setWeight, pause, analysis, experiment or setHeaderRoute"));
    c.add(invalid("empty step", steps("- {}"), STEPS + "[0]: empty step (expected one of setWeight, pause, analysis, experiment or setHeaderRoute)")
        .refusedWith(STEPS + "[0]: Invalid value: \"object\": a step has exactly one of setWeight, pause, analysis, experiment or setHeaderRoute"));
    // ---- setHeaderRoute and managedRoutes
    c.add(invalid("setHeaderRoute naming an undeclared route", steps("""
        - setHeaderRoute: {name: preview, match: [{headerName: X-Preview, headerValue: {exact: "yes"}}]}
        """), STEPS + "[0].setHeaderRoute.name: route \"preview\" is not declared: add {name: preview, priority: N} to " + ALB
        + ".managedRoutes").refusedWith("a setHeaderRoute step names a route"));
    c.add(invalid("setHeaderRoute with a regex", headerRoute("{regex: \"^yes$\"}"),
        STEPS + "[0].setHeaderRoute.match[0].headerValue.regex: ALB header conditions take wildcards, not regular expressions")
        .refusedWith(STEPS + "[0].setHeaderRoute.match[0].headerValue.regex: Invalid value"));
    c.add(invalid("setHeaderRoute exact value with a wildcard", headerRoute("{exact: \"a*b\"}"),
        STEPS + "[0].setHeaderRoute.match[0].headerValue.exact: holds *, which ALB reads as wildcards in a header value")
        .refusedWith(STEPS + "[0].setHeaderRoute.match[0].headerValue.exact: Invalid value"));
    c.add(invalid("setHeaderRoute on the Host header", w -> w.cell(routes(w.priority() - 1), set(STEPS, yaml("""
        - setHeaderRoute: {name: tester, match: [{headerName: Host, headerValue: {exact: a.example.com}}]}
        """))), STEPS + "[0].setHeaderRoute.match[0].headerName: ALB matches the Host header with a host condition")
        .refusedWith(STEPS + "[0].setHeaderRoute.match[0].headerName: Invalid value"));
    c.add(invalid("managed route after the Cell's own rule", w -> w.cell(routes(w.priority() + 1), set(STEPS, yaml("""
        - setHeaderRoute: {name: tester, match: [{headerName: X-Preview, headerValue: {exact: "yes"}}]}
        """))), ALB + ".managedRoutes[0].priority: {priority+1} comes after the Cell's own rule ({priority})")
        .refusedWith(ALB + ".managedRoutes: Invalid value"));
    c.add(invalid("analysis without templates", steps("- analysis: {args: [{name: version, value: x}]}"),
        STEPS + "[0].analysis.templates: at least one template is required").refusedWith(STEPS + "[0].analysis.templates: Required value"));
    c.add(invalid("analysis template without a name", steps("- analysis: {templates: [{clusterScope: false}]}"),
        STEPS + "[0].analysis.templates[0].templateName: required")
        .refusedWith(STEPS + "[0].analysis.templates[0].templateName: Required value"));
    c.add(invalid("arg with value and valueFrom", steps("""
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{name: version, value: "1", valueFrom: {fieldRef: {fieldPath: status.desiredVersion}}}]
        """), STEPS + "[0].analysis.args[0]: set either value or valueFrom, not both")
        .refusedWith(STEPS + "[0].analysis.args[0]: Invalid value: \"object\": set either value or valueFrom, not both"));
    c.add(invalid("arg without a name", steps("""
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{value: "1"}]
        """), STEPS + "[0].analysis.args[0].name: required").refusedWith(STEPS + "[0].analysis.args[0].name: Required value"));
    c.add(invalid("fieldRef without fieldPath", steps("""
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{name: version, valueFrom: {fieldRef: {}}}]
        """), STEPS + "[0].analysis.args[0].valueFrom.fieldRef.fieldPath: required (e.g. status.desiredVersion)")
        .refusedWith(STEPS + "[0].analysis.args[0].valueFrom.fieldRef.fieldPath: Required value"));
    c.add(invalid("secretKeyRef without key", steps("""
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{name: version, valueFrom: {secretKeyRef: {name: db}}}]
        """), STEPS + "[0].analysis.args[0].valueFrom.secretKeyRef: name and key are required")
        .refusedWith(STEPS + "[0].analysis.args[0].valueFrom.secretKeyRef.key: Required value"));
    c.add(invalid("valueFrom with neither source", steps("""
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{name: version, valueFrom: {}}]
        """), STEPS + "[0].analysis.args[0].valueFrom: set exactly one of fieldRef or secretKeyRef")
        .refusedWith(STEPS + "[0].analysis.args[0].valueFrom: Invalid value: \"object\": set exactly one of fieldRef or secretKeyRef"));
    c.add(invalid("analysis evaluator other than okra or argo", steps("""
        - analysis:
            evaluator: kayenta
            templates: [{templateName: success-rate}]
            args: [{name: version, value: "1"}]
        """), STEPS + "[0].analysis.evaluator: analysis evaluator must be okra or argo, got \"kayenta\"")
        .refusedWith(STEPS + "[0].analysis.evaluator: Unsupported value: \"kayenta\""));
    c.add(invalid("evaluator annotation other than okra or argo", w -> w.cell(m -> ((Map<String, Object>) m.computeIfAbsent("metadata",
            k -> new LinkedHashMap<>())).put("annotations", Map.of("okra.mumo.co/analysis-evaluator", "sometimes"))),
        "metadata.annotations[okra.mumo.co/analysis-evaluator]: analysis evaluator must be okra or argo, got \"sometimes\""));
    c.add(invalid("experiment without templates", steps("- experiment: {duration: 1m}"),
        STEPS + "[0].experiment.templates: at least one template is required")
        .refusedWith(STEPS + "[0].experiment.templates: Required value"));
    c.add(invalid("experiment template without specRef", steps("- experiment: {templates: [{name: canary}]}"),
        STEPS + "[0].experiment.templates[0].specRef: required: the name of a ReplicaSet in the Cell's namespace")
        .refusedWith(STEPS + "[0].experiment.templates[0].specRef: Required value"));
    c.add(invalid("experiment template without a name", steps("- experiment: {templates: [{specRef: web-rs}]}"),
        STEPS + "[0].experiment.templates[0].name: required").refusedWith(STEPS + "[0].experiment.templates[0].name: Required value"));
    c.add(invalid("experiment with a bad duration", steps("- experiment: {duration: forever, templates: [{name: c, specRef: web-rs}]}"),
        STEPS + "[0].experiment.duration: \"forever\" is not a duration")
        .refusedWith(STEPS + "[0].experiment.duration: Invalid value: \"forever\""));
    c.add(invalid("experiment with negative replicas", steps("- experiment: {templates: [{name: c, specRef: web-rs, replicas: -1}]}"),
        STEPS + "[0].experiment.templates[0].replicas: must not be negative")
        .refusedWith(STEPS + "[0].experiment.templates[0].replicas: Invalid value: -1"));
    c.add(invalid("background analysis starting past the last step",
        w -> w.cell(set("spec.updateStrategy.canary.analysis", yaml("{templates: [{templateName: success-rate}], startingStep: 7}"))),
        "spec.updateStrategy.canary.analysis.startingStep: must be 0..1 (the index of a step), got 7")
        .refusedWith("spec.updateStrategy.canary.analysis.startingStep: Invalid value"));
    c.add(invalid("update strategy other than Canary", w -> w.cell(set("spec.updateStrategy.type", "BlueGreen")),
        "spec.updateStrategy.type: \"BlueGreen\" is not supported (only Canary)")
        .refusedWith("spec.updateStrategy.type: Unsupported value: \"BlueGreen\""));
    // ---- ingress and rule
    c.add(invalid("missing listenerARN", w -> w.cell(remove(ALB + ".listenerARN")), ALB + ".listenerARN: required")
        .refusedWith(ALB + ".listenerARN: Required value"));
    c.add(invalid("listenerARN not an ARN", w -> w.cell(set(ALB + ".listenerARN", "my-listener")),
        ALB + ".listenerARN: \"my-listener\" is not an ALB listener ARN")
        .refusedWith(ALB + ".listenerARN: Invalid value: \"my-listener\""));
    c.add(invalid("listenerARN of a target group", w -> w.cell(set(ALB + ".listenerARN", w.tg(0))),
        ALB + ".listenerARN: \"{tg0}\" is not an ALB listener ARN").refusedWith(ALB + ".listenerARN: Invalid value"));
    c.add(invalid("ingress type other than ALB", w -> w.cell(set("spec.ingress.type", "NetworkLoadBalancer")),
        "spec.ingress.type: \"NetworkLoadBalancer\" is not supported (only AWSApplicationLoadBalancer)")
        .refusedWith("spec.ingress.type: Unsupported value: \"NetworkLoadBalancer\""));
    c.add(invalid("no ingress", w -> w.cell(remove("spec.ingress")), "spec.ingress: required").refusedWith("spec.ingress: Required value"));
    c.add(invalid("ingress without awsApplicationLoadBalancer", w -> w.cell(remove(ALB)), ALB + ": required")
        .refusedWith(ALB + ": Required value"));
    c.add(invalid("no listener rule", w -> w.cell(remove(ALB + ".listener.rule")), RULE + ": required")
        .refusedWith(RULE + ": Required value"));
    c.add(invalid("priority 0", w -> w.cell(set(RULE + ".priority", 0)), RULE + ".priority: must be 1..50000, got 0")
        .refusedWith(RULE + ".priority: Invalid value: 0"));
    c.add(invalid("priority above 50000", w -> w.cell(set(RULE + ".priority", 50_001)), RULE + ".priority: must be 1..50000, got 50001")
        .refusedWith(RULE + ".priority: Invalid value: 50001"));
    c.add(invalid("priority missing", w -> w.cell(remove(RULE + ".priority")),
        RULE + ".priority: required (1..50000; the default rule is never managed)").refusedWith(RULE + ".priority: Required value"));
    c.add(invalid("rule without conditions", w -> w.cell(remove(RULE + ".hosts")), RULE + ": needs at least one condition")
        .refusedWith(RULE + ": Invalid value: \"object\": needs at least one condition"));
    c.add(invalid("more condition values than ALB allows",
        w -> w.cell(set(RULE + ".hosts", List.of("a.example.com", "b.example.com", "c.example.com")),
            set(RULE + ".pathPatterns", List.of("/a", "/b", "/c"))),
        RULE + ": has 6 condition values; ALB allows at most 5 per rule")
        .refusedWith(RULE + ": Invalid value: \"object\": ALB allows at most 5 condition values per rule"));
    c.add(invalid("empty matchLabels", w -> w.cell(set(ALB + ".targetGroupSelector.matchLabels", Map.of())),
        ALB + ".targetGroupSelector.matchLabels: required: at least one label")
        .refusedWith(ALB + ".targetGroupSelector.matchLabels: Invalid value: 0"));
    c.add(invalid("no targetGroupSelector", w -> w.cell(remove(ALB + ".targetGroupSelector")),
        ALB + ".targetGroupSelector.matchLabels: required").refusedWith(ALB + ".targetGroupSelector: Required value"));
    c.add(invalid("blank version label", w -> w.cell(set(ALB + ".targetGroupSelector.versionLabels", List.of(""))),
        ALB + ".targetGroupSelector.versionLabels[0]: must not be empty")
        .refusedWith(ALB + ".targetGroupSelector.versionLabels[0]: Invalid value: \"\""));
    // ---- replicas, version
    c.add(invalid("replicas 0", w -> w.cell(set("spec.replicas", 0)), "spec.replicas: must be at least 1, got 0")
        .refusedWith("spec.replicas: Invalid value: 0"));
    c.add(invalid("replicas 6", w -> w.cell(set("spec.replicas", 6)),
        "spec.replicas: must be at most 5 (ALB forwards to at most 5 target groups), got 6")
        .refusedWith("spec.replicas: Invalid value: 6"));
    c.add(invalid("2 x replicas above 5 with steps", w -> w.cell(set("spec.replicas", 3)),
        "spec.replicas: a canary step puts the stable and the canary target groups in one forward action: 2 x 3 exceeds ALB's limit of 5")
        .refusedWith("spec.replicas: Invalid value: \"object\": a canary step puts"));
    c.add(invalid("spec.version not semver", w -> w.cell(set("spec.version", "latest")),
        "spec.version: \"latest\" is not a semantic version (e.g. 1.2.3 or v1.2.3)")
        .refusedWith("spec.version: Invalid value: \"latest\""));
    // ---- references, checked against the cluster
    c.add(references("missing AnalysisTemplate", steps("- analysis: {templates: [{templateName: nope}]}"),
        STEPS + "[0].analysis.templates[0].templateName: AnalysisTemplate {ns}/nope not found"));
    c.add(references("missing ClusterAnalysisTemplate", steps("- analysis: {templates: [{templateName: okra-nope, clusterScope: true}]}"),
        STEPS + "[0].analysis.templates[0].templateName: ClusterAnalysisTemplate okra-nope not found"));
    c.add(references("template argument without a value", steps("- analysis: {templates: [{templateName: success-rate}]}"),
        STEPS + "[0].analysis.args: the template argument \"version\" has no value: add it to the step's args"));
    c.add(references("argument the template does not declare", steps("""
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{name: version, value: "1"}, {name: colour, value: red}]
        """), STEPS + "[0].analysis.args[1].name: \"colour\" is not an argument of success-rate (declared: version)"));
    c.add(references("missing Secret", steps("""
        - analysis:
            templates: [{templateName: success-rate}]
            args: [{name: version, valueFrom: {secretKeyRef: {name: db, key: token}}}]
        """), STEPS + "[0].analysis.args[0].valueFrom.secretKeyRef.name: Secret {ns}/db not found"));
    c.add(references("Secret without the key", w -> {
      w.client().secrets().inNamespace(w.ns()).resource(new SecretBuilder().withNewMetadata().withName("db").endMetadata()
          .addToStringData("password", "x").build()).create();
      w.cell(set(STEPS, yaml("""
          - analysis:
              templates: [{templateName: success-rate}]
              args: [{name: version, valueFrom: {secretKeyRef: {name: db, key: token}}}]
          """)));
    }, STEPS + "[0].analysis.args[0].valueFrom.secretKeyRef.key: Secret {ns}/db has no key \"token\""));
    c.add(references("experiment specRef to a missing ReplicaSet", steps("- experiment: {templates: [{name: canary, specRef: web-rs}]}"),
        STEPS + "[0].experiment.templates[0].specRef: ReplicaSet {ns}/web-rs not found"));
    c.add(references("experiment analysis with a missing template", w -> {
      replicaSet(w, "web-rs");
      w.cell(set(STEPS, yaml("- experiment: {templates: [{name: canary, specRef: web-rs}], analyses: [{name: smoke, templateName: nope}]}")));
    }, STEPS + "[0].experiment.analyses[0].templateName: AnalysisTemplate {ns}/nope not found"));
    c.add(references("background analysis with a missing template",
        w -> w.cell(set("spec.updateStrategy.canary.analysis", yaml("{templates: [{templateName: nope}]}"))),
        "spec.updateStrategy.canary.analysis.templates[0].templateName: AnalysisTemplate {ns}/nope not found"));
    // ---- the world on the listener and the target groups
    c.add(new Case("6 target groups of the first version", Kind.INVALID, true, w -> {
      w.cell();
      for (int i = 1; i < 6; i++) w.objects().targetGroup(w.ns(), "web-" + (i + 1), w.tg(i), "1.0.0");
    }, List.of(ALB + ".targetGroupSelector: sending traffic to 1.0.0 needs 6 target groups in one forward action; ALB allows 5")));
    c.add(new Case("3 stable and 3 canary target groups", Kind.INVALID, true, w -> {
      w.cell();
      w.objects().targetGroup(w.ns(), "web-2", w.tg(1), "1.0.0");
      w.objects().targetGroup(w.ns(), "web-3", w.tg(2), "1.0.0");
      w.setupPass().run();
      for (int i = 3; i < 6; i++) w.objects().targetGroup(w.ns(), "web-" + (i + 1), w.tg(i), "2.0.0");
    }, List.of(ALB + ".targetGroupSelector: rolling 1.0.0 (3 target groups) over to 2.0.0 (3) needs 6 target groups in one "
        + "forward action; ALB allows 5")));
    c.add(new Case("a rule at the priority owned by another Cell", Kind.INVALID, true, w -> {
      w.aws().createRule(w.alb().listenerArn(), w.priority(), "example.com", Map.of(w.tg(0), 100), Optional.of("other/web"));
      w.cell();
    }, List.of(RULE + ".priority: the rule at priority {priority} (", ") belongs to Cell other/web, not to {ns}/web")));
    c.add(new Case("an untagged rule without the adopt annotation", Kind.INVALID, true, w -> {
      w.aws().createRule(w.alb().listenerArn(), w.priority(), "example.com", Map.of(w.tg(0), 100), Optional.empty());
      w.cell();
    }, List.of(RULE + ".priority: a rule Okra did not create is at priority {priority} (",
        "annotate with okra.mumo.co/adopt-rule=true where the runner's policy allows adoption")));
    c.add(new Case("a target group with a non-semver version label next to a good one", Kind.REPORTED, true, w -> {
      w.cell();
      w.objects().targetGroup(w.ns(), "web-bad", w.tg(1), "banana");
    }, List.of("web-bad: label okra.mumo.co/version=\"banana\" is not a semantic version")));
    c.add(new Case("a target group without ARN next to a good one", Kind.REPORTED, true, w -> {
      w.cell();
      w.objects().targetGroup(w.ns(), "web-noarn", null, "2.0.0");
    }, List.of("web-noarn: spec.arn is empty")));
    c.add(new Case("a target group without a version label next to a good one", Kind.REPORTED, true, w -> {
      w.cell();
      w.objects().targetGroup(w.ns(), "web-unlabelled", w.tg(1), null);
    }, List.of("web-unlabelled: no version label (looked for okra.mumo.co/version)")));
    return c;
  }

  /** The cases named, in the order given. */
  public static List<Case> named(String... names) {
    List<Case> all = all();
    List<Case> out = new ArrayList<>();
    for (String n : names) {
      out.add(all.stream().filter(c -> c.name().equals(n)).findFirst().orElseThrow(() -> new IllegalArgumentException("no case " + n)));
    }
    return out;
  }

  private static Case invalid(String name, Consumer<World> setup, String expected) {
    return new Case(name, Kind.INVALID, false, setup, List.of(expected));
  }

  /** Invalid, but found by looking at the cluster (templates, secrets, ReplicaSets): still no AWS call. */
  private static Case references(String name, Consumer<World> setup, String expected) {
    return new Case(name, Kind.INVALID, false, setup, List.of(expected));
  }

  /** A Cell whose steps are {@code stepsYaml} (a YAML list). */
  public static Consumer<World> steps(String stepsYaml) {
    return w -> w.cell(set(STEPS, yaml(stepsYaml)));
  }

  /** A Cell whose one step sets route tester (declared at priority - 1) with {@code headerValue} for X-Preview. */
  private static Consumer<World> headerRoute(String headerValue) {
    return w -> w.cell(routes(w.priority() - 1), set(STEPS, yaml("- setHeaderRoute: {name: tester, match: [{headerName: X-Preview,"
        + " headerValue: " + headerValue + "}]}")));
  }

  /** managedRoutes: tester at {@code priority}. */
  private static Consumer<Map<String, Object>> routes(int priority) {
    return set(ALB + ".managedRoutes", List.of(Map.of("name", "tester", "priority", priority)));
  }

  /** A YAML value (list or map, block or flow style). */
  public static Object yaml(String text) {
    // Wrapped in a document: fabric8 reads text that starts with "{" as JSON.
    return Serialization.unmarshal("value:\n" + text.indent(2), Map.class).get("value");
  }

  /** Sets the value at a dotted path, creating maps on the way. */
  public static Consumer<Map<String, Object>> set(String path, Object value) {
    return m -> {
      String[] p = path.split("\\.");
      parent(m, p).put(p[p.length - 1], value);
    };
  }

  public static Consumer<Map<String, Object>> remove(String path) {
    return m -> {
      String[] p = path.split("\\.");
      parent(m, p).remove(p[p.length - 1]);
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parent(Map<String, Object> m, String[] path) {
    Map<String, Object> cur = m;
    for (int i = 0; i < path.length - 1; i++) {
      cur = (Map<String, Object>) cur.computeIfAbsent(path[i], k -> new LinkedHashMap<>());
    }
    return cur;
  }

  private static void replicaSet(World w, String name) {
    w.client().apps().replicaSets().inNamespace(w.ns()).resource(new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).build())
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("example.invalid/app:1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
  }
}
