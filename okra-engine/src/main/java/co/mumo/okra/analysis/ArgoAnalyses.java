package co.mumo.okra.analysis;

import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.Action;
import co.mumo.okra.cell.Analyses;
import co.mumo.okra.cell.CellDefinition;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.MetricSummary;
import co.mumo.okra.cell.Step;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Hands analyses to Argo Rollouts' controller: creates AnalysisRuns and Experiments from the Cell's
 * steps and reads their phases. Argo Rollouts is not a dependency; its resources are generic maps.
 */
public final class ArgoAnalyses implements Analyses {
  public static final String CELL_LABEL = "okra.mumo.co/cell";
  public static final String ROLLOUT_LABEL = "okra.mumo.co/rollout-id";
  public static final String STEP_LABEL = "okra.mumo.co/step-index";
  public static final String VERSION_LABEL = "okra.mumo.co/version";
  static final String NEVER_ENDS = "has an interval but no count";

  private final KubernetesClient client;
  /** Null outside a pass over many Cells; see {@link #forPass()}. */
  private final PassCache cache;

  public ArgoAnalyses(KubernetesClient client) {
    this(client, null);
  }

  private ArgoAnalyses(KubernetesClient client, PassCache cache) {
    this.client = client;
    this.cache = cache;
  }

  /** A view for one pass over many Cells: runs, templates, Secrets and ReplicaSets read once per namespace or name. */
  @Override
  public Analyses forPass() {
    return new ArgoAnalyses(client, new PassCache());
  }

  /** What one pass has read (shared by the listeners a pass works on at once); a new pass starts empty. */
  private static final class PassCache {
    final Map<String, List<GenericKubernetesResource>> runs = new ConcurrentHashMap<>();
    final Map<String, Map<String, GenericKubernetesResource>> templates = new ConcurrentHashMap<>();
    final Map<String, Optional<Object>> objects = new ConcurrentHashMap<>();
  }

  @Override
  public Map<String, ChildRun> runs(String namespace, String cellName) {
    Map<String, ChildRun> out = new LinkedHashMap<>();
    for (var ctx : RUN_KINDS) {
      for (GenericKubernetesResource r : ofCell(ctx, namespace, cellName)) out.put(r.getMetadata().getName(), childRun(ctx, r));
    }
    return out;
  }

  static final List<ResourceDefinitionContext> RUN_KINDS = List.of(ArgoResources.ANALYSIS_RUN, ArgoResources.EXPERIMENT);

  /** A run as its status tells; Argo's controller and Okra's evaluator write the same layout, so the metrics read alike. */
  static ChildRun childRun(ResourceDefinitionContext ctx, GenericKubernetesResource r) {
    Map<String, Object> status = map(r.getAdditionalProperties().get("status"));
    List<MetricSummary> metrics = ctx == ArgoResources.ANALYSIS_RUN
        ? RunStatus.fromMap(status).summaries() : List.of();
    return new ChildRun(r.getMetadata().getName(), ctx.getKind(), RunPhase.parse(str(status.get("phase"))),
        str(status.get("message")), metrics);
  }

  /** The AnalysisRuns (or Experiments) labelled with the Cell's name; from the pass's one LIST per namespace when there is one. */
  List<GenericKubernetesResource> ofCell(ResourceDefinitionContext ctx, String namespace, String cellName) {
    return cache == null ? list(ctx, namespace, Map.of(CELL_LABEL, cellName))
        : cache.runs.computeIfAbsent(ctx.getKind() + "/" + namespace, k -> listAllOfCells(ctx, namespace)).stream()
            .filter(r -> r.getMetadata().getLabels() != null && cellName.equals(r.getMetadata().getLabels().get(CELL_LABEL)))
            .toList();
  }

  @Override
  public List<FieldError> checkReferences(CellDefinition cell) {
    List<FieldError> errors = new ArrayList<>();
    String stepsPath = "spec.updateStrategy.canary.steps";
    for (int i = 0; i < cell.steps().size(); i++) {
      String path = stepsPath + "[" + i + "]";
      // A visitor, so that a new kind of step must say what it references.
      cell.steps().get(i).accept(new Step.Visitor<Void>() {
        @Override
        public Void setWeight(Step.SetWeight step) {
          return null;
        }

        @Override
        public Void pause(Step.Pause step) {
          return null;
        }

        @Override
        public Void analysis(Step.Analysis a) {
          checkAnalysis(cell.namespace(), path + ".analysis", a.templates(), a.args(), errors);
          return null;
        }

        @Override
        public Void experiment(Step.Experiment e) {
          checkExperiment(cell.namespace(), path + ".experiment", e, errors);
          return null;
        }

        @Override
        public Void setHeaderRoute(Step.SetHeaderRoute step) {
          return null;
        }
      });
    }
    cell.background().ifPresent(b -> checkAnalysis(cell.namespace(), "spec.updateStrategy.canary.analysis",
        b.analysis().templates(), b.analysis().args(), errors));
    return errors;
  }

  private void checkAnalysis(String ns, String path, List<Step.TemplateRef> refs, List<Step.Arg> args, List<FieldError> errors) {
    List<Map<String, Object>> templateArgs = new ArrayList<>();
    for (int t = 0; t < refs.size(); t++) {
      Optional<GenericKubernetesResource> template = template(ns, refs.get(t));
      if (template.isEmpty()) {
        errors.add(new FieldError(path + ".templates[" + t + "].templateName", describe(refs.get(t), ns) + " not found"));
        return;
      }
      templateArgs.addAll(listOfMaps(map(template.get().getAdditionalProperties().get("spec")).get("args")));
      if (!path.equals("spec.updateStrategy.canary.analysis")) {
        // In a step, a metric that has an interval but no count would never end (Argo runs it until terminated).
        for (Map<String, Object> m : listOfMaps(map(template.get().getAdditionalProperties().get("spec")).get("metrics"))) {
          if (m.get("interval") != null && m.get("count") == null) {
            errors.add(new FieldError(path + ".templates[" + t + "].templateName", describe(refs.get(t), ns) + ": metric \""
                + str(m.get("name")) + "\" " + NEVER_ENDS + ": in a step it would never end (add count, or run it"
                + " as background analysis: canary.analysis)"));
          }
        }
      }
    }
    List<String> declared = templateArgs.stream().map(a -> str(a.get("name"))).toList();
    for (int a = 0; a < args.size(); a++) {
      Step.Arg arg = args.get(a);
      if (!declared.contains(arg.name())) {
        errors.add(new FieldError(path + ".args[" + a + "].name", "\"" + arg.name() + "\" is not an argument of "
            + String.join(", ", refs.stream().map(Step.TemplateRef::name).toList()) + " (declared: " + String.join(", ", declared) + ")"));
      }
      String argPath = path + ".args[" + a + "].valueFrom.secretKeyRef";
      arg.secret().ifPresent(ref -> checkSecret(ns, argPath, ref, errors));
    }
    for (Map<String, Object> declaredArg : templateArgs) {
      String name = str(declaredArg.get("name"));
      boolean hasDefault = declaredArg.get("value") != null || declaredArg.get("valueFrom") != null;
      if (!hasDefault && args.stream().noneMatch(x -> x.name().equals(name))) {
        errors.add(new FieldError(path + ".args", "the template argument \"" + name + "\" has no value: add it to the step's args"));
      }
    }
  }

  private void checkExperiment(String ns, String path, Step.Experiment e, List<FieldError> errors) {
    for (int t = 0; t < e.templates().size(); t++) {
      String specRef = e.templates().get(t).specRef();
      if (memo("ReplicaSet/" + ns + "/" + specRef, () -> client.apps().replicaSets().inNamespace(ns).withName(specRef).get()) == null) {
        errors.add(new FieldError(path + ".templates[" + t + "].specRef", "ReplicaSet " + ns + "/" + specRef + " not found"));
      }
    }
    for (int a = 0; a < e.analyses().size(); a++) {
      Step.ExperimentAnalysis analysis = e.analyses().get(a);
      if (template(ns, analysis.template()).isEmpty()) {
        errors.add(new FieldError(path + ".analyses[" + a + "].templateName", describe(analysis.template(), ns) + " not found"));
      }
    }
  }

  private void checkSecret(String ns, String path, Step.SecretRef ref, List<FieldError> errors) {
    // Only the keys are looked at: Okra never reads a secret's value, Argo resolves it in the run.
    Secret secret = (Secret) memo("Secret/" + ns + "/" + ref.name(), () -> client.secrets().inNamespace(ns).withName(ref.name()).get());
    if (secret == null) {
      errors.add(new FieldError(path + ".name", "Secret " + ns + "/" + ref.name() + " not found"));
    } else if ((secret.getData() == null || !secret.getData().containsKey(ref.key()))
        && (secret.getStringData() == null || !secret.getStringData().containsKey(ref.key()))) {
      errors.add(new FieldError(path + ".key", "Secret " + ns + "/" + ref.name() + " has no key \"" + ref.key() + "\""));
    }
  }

  @Override
  public boolean start(Action.StartAnalysis action, Cell cell) {
    String ns = cell.getMetadata().getNamespace();
    Step.Analysis analysis = action.analysis();
    List<Object> metrics = new ArrayList<>();
    List<Object> dryRun = new ArrayList<>();
    List<Object> retention = new ArrayList<>();
    Map<String, Map<String, Object>> args = new LinkedHashMap<>();
    for (Step.TemplateRef ref : analysis.templates()) {
      Map<String, Object> spec = map(template(ns, ref).orElseThrow(() -> new IllegalStateException(describe(ref, ns) + " not found"))
          .getAdditionalProperties().get("spec"));
      metrics.addAll(listOfMaps(spec.get("metrics")));
      dryRun.addAll(listOfMaps(spec.get("dryRun")));
      retention.addAll(listOfMaps(spec.get("measurementRetention")));
      for (Map<String, Object> a : listOfMaps(spec.get("args"))) args.putIfAbsent(str(a.get("name")), new LinkedHashMap<>(a));
    }
    for (Step.Arg arg : analysis.args()) args.put(arg.name(), resolve(arg, cell));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("args", new ArrayList<>(args.values()));
    spec.put("metrics", metrics);
    if (!dryRun.isEmpty()) spec.put("dryRun", dryRun);
    if (!retention.isEmpty()) spec.put("measurementRetention", retention);
    return create(ArgoResources.ANALYSIS_RUN, child(cell, action.runName(), action.stepIndex(), action.version().canonical(),
        "AnalysisRun"), spec);
  }

  @Override
  public boolean start(Action.StartExperiment action, Cell cell) {
    String ns = cell.getMetadata().getNamespace();
    Step.Experiment e = action.experiment();
    List<Object> templates = new ArrayList<>();
    for (Step.ExperimentTemplate t : e.templates()) {
      ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).withName(t.specRef()).get();
      if (rs == null) throw new IllegalStateException("ReplicaSet " + ns + "/" + t.specRef() + " not found");
      Map<String, Object> template = new LinkedHashMap<>();
      template.put("name", t.name());
      template.put("replicas", t.replicas());
      template.put("selector", Serialization.jsonMapper().convertValue(rs.getSpec().getSelector(), Map.class));
      template.put("template", Serialization.jsonMapper().convertValue(rs.getSpec().getTemplate(), Map.class));
      t.weight().ifPresent(w -> template.put("weight", w));
      templates.add(template);
    }
    List<Object> analyses = new ArrayList<>();
    for (Step.ExperimentAnalysis a : e.analyses()) {
      Map<String, Object> analysis = new LinkedHashMap<>();
      analysis.put("name", a.name());
      analysis.put("templateName", a.template().name());
      if (a.template().clusterScope()) analysis.put("clusterScope", true);
      analysis.put("args", a.args().stream().map(arg -> (Object) resolve(arg, cell)).toList());
      if (a.requiredForCompletion()) analysis.put("requiredForCompletion", true);
      analyses.add(analysis);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    e.duration().ifPresent(d -> spec.put("duration", d));
    spec.put("templates", templates);
    spec.put("analyses", analyses);
    return create(ArgoResources.EXPERIMENT, child(cell, action.experimentName(), action.stepIndex(), action.version().canonical(),
        "Experiment"), spec);
  }

  /** fieldRef arguments become literal values read from the Cell; secrets stay references for Argo to resolve. */
  private static Map<String, Object> resolve(Step.Arg arg, Cell cell) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", arg.name());
    if (arg.value().isPresent()) {
      out.put("value", arg.value().get());
    } else if (arg.fieldPath().isPresent()) {
      String path = arg.fieldPath().get();
      out.put("value", FieldPaths.read(cell, path).orElseThrow(() -> new IllegalStateException(
          "argument " + arg.name() + ": the Cell has no value at " + path)));
    } else if (arg.secret().isPresent()) {
      out.put("valueFrom", Map.of("secretKeyRef", Map.of("name", arg.secret().get().name(), "key", arg.secret().get().key())));
    }
    return out;
  }

  private GenericKubernetesResource child(Cell cell, String name, int stepIndex, String version, String kind) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(ArgoResources.GROUP + "/v1alpha1");
    r.setKind(kind);
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(cell.getMetadata().getNamespace())
        .withLabels(Map.of(CELL_LABEL, cell.getMetadata().getName(), ROLLOUT_LABEL, cell.getStatus().rolloutId,
            STEP_LABEL, stepIndex < 0 ? "bg" : String.valueOf(stepIndex), VERSION_LABEL, version))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(Cell.API_VERSION).withKind("Cell")
            .withName(cell.getMetadata().getName()).withUid(cell.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(false).build())
        .build());
    return r;
  }

  /** False when a run of that name is there already: it is this step's run (names carry the rollout id). */
  private boolean create(ResourceDefinitionContext ctx, GenericKubernetesResource r, Map<String, Object> spec) {
    r.setAdditionalProperty("spec", spec);
    try {
      client.genericKubernetesResources(ctx).inNamespace(r.getMetadata().getNamespace()).resource(r).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) throw e;
      return false;
    }
  }

  private Object memo(String key, Supplier<Object> read) {
    if (cache == null) return read.get();
    return cache.objects.computeIfAbsent(key, k -> Optional.ofNullable(read.get())).orElse(null);
  }

  private List<GenericKubernetesResource> listAllOfCells(ResourceDefinitionContext ctx, String ns) {
    try {
      return client.genericKubernetesResources(ctx).inNamespace(ns).withLabel(CELL_LABEL).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) return List.of(); // Argo Rollouts' CRDs are not installed: there are no runs.
      throw e;
    }
  }

  /** The template a step refers to; from the pass's one LIST per namespace when there is one. */
  Optional<GenericKubernetesResource> template(String ns, Step.TemplateRef ref) {
    if (cache != null) {
      String scope = ref.clusterScope() ? "" : ns;
      Map<String, GenericKubernetesResource> all = cache.templates.computeIfAbsent(scope, k -> listTemplates(ref.clusterScope(), ns));
      return Optional.ofNullable(all.get(ref.name()));
    }
    var op = ref.clusterScope()
        ? client.genericKubernetesResources(ArgoResources.CLUSTER_ANALYSIS_TEMPLATE).withName(ref.name())
        : client.genericKubernetesResources(ArgoResources.ANALYSIS_TEMPLATE).inNamespace(ns).withName(ref.name());
    return Optional.ofNullable(op.get());
  }

  private Map<String, GenericKubernetesResource> listTemplates(boolean clusterScope, String ns) {
    Map<String, GenericKubernetesResource> out = new HashMap<>();
    try {
      var items = clusterScope ? client.genericKubernetesResources(ArgoResources.CLUSTER_ANALYSIS_TEMPLATE).list().getItems()
          : client.genericKubernetesResources(ArgoResources.ANALYSIS_TEMPLATE).inNamespace(ns).list().getItems();
      for (GenericKubernetesResource t : items) out.put(t.getMetadata().getName(), t);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) throw e; // no Argo CRDs: no templates, each reference is reported missing
    }
    return out;
  }

  private List<GenericKubernetesResource> list(ResourceDefinitionContext ctx, String ns, Map<String, String> labels) {
    try {
      return client.genericKubernetesResources(ctx).inNamespace(ns).withLabels(labels).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) return List.of(); // Argo Rollouts' CRDs are not installed: there are no runs.
      throw e;
    }
  }

  private static String describe(Step.TemplateRef ref, String ns) {
    return ref.clusterScope() ? "ClusterAnalysisTemplate " + ref.name() : "AnalysisTemplate " + ns + "/" + ref.name();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> listOfMaps(Object o) {
    if (!(o instanceof List<?> l)) return List.of();
    return l.stream().filter(Map.class::isInstance).map(x -> (Map<String, Object>) x).toList();
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }
}
