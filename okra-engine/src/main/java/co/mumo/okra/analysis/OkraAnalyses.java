package co.mumo.okra.analysis;

import co.mumo.okra.analysis.eval.AnalysisDefinition;
import co.mumo.okra.analysis.eval.AnalysisSpecs;
import co.mumo.okra.analysis.eval.ArgSource;
import co.mumo.okra.analysis.eval.Evaluation;
import co.mumo.okra.analysis.eval.InvalidAnalysisException;
import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.Action;
import co.mumo.okra.cell.Analyses;
import co.mumo.okra.cell.CellDefinition;
import co.mumo.okra.cell.CellValidator;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.Evaluator;
import co.mumo.okra.cell.Step;
import co.mumo.okra.core.CanonicalJson;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.redaction.Secrets;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Okra's own evaluator behind the {@link Analyses} port. For an analysis that chooses it (the step's
 * {@code evaluator: okra}, else the Cell's annotation {@value #EVALUATOR_ANNOTATION}{@code : okra}, else
 * the runner's default), the step creates an
 * AnalysisRun that Okra owns (labelled {@value #INSTANCE_LABEL}{@code : okra}, which Argo Rollouts'
 * controller, when it runs without an instance id, leaves alone). Observing the Cell only reads those
 * runs and says when a measurement is due; the pass's plan then asks {@link #evaluate} to take it, after
 * the pass recorded its decision, and {@link OkraRuns} takes it once however many runners race, writing
 * the run's status in Argo's layout. Experiments, and Cells that choose Argo, go to {@link ArgoAnalyses}.
 */
public final class OkraAnalyses implements Analyses {
  public static final String EVALUATOR_ANNOTATION = CellValidator.EVALUATOR_ANNOTATION;
  public static final String INSTANCE_LABEL = "argo-rollouts.argoproj.io/controller-instance-id";
  public static final String INSTANCE = "okra";

  private final KubernetesClient client;
  private final ArgoAnalyses argo;
  private final Providers providers;
  private final Clock clock;
  private final Evaluator defaultEvaluator;
  private final OkraRuns okraRuns;

  public OkraAnalyses(KubernetesClient client, Providers providers, Clock clock, Evaluator defaultEvaluator) {
    this(client, new ArgoAnalyses(client), providers, clock, defaultEvaluator);
  }

  private OkraAnalyses(KubernetesClient client, ArgoAnalyses argo, Providers providers, Clock clock, Evaluator defaultEvaluator) {
    this.client = client;
    this.argo = argo;
    this.providers = providers;
    this.clock = clock;
    this.defaultEvaluator = defaultEvaluator;
    this.okraRuns = new OkraRuns(client, providers, this::secrets);
  }

  /** Runs and templates read once per namespace for the pass (Argo's pass view), as with Argo's evaluator. */
  @Override
  public Analyses forPass() {
    return new OkraAnalyses(client, (ArgoAnalyses) argo.forPass(), providers, clock, defaultEvaluator);
  }

  @Override
  public Map<String, ChildRun> runs(String namespace, String cellName) {
    return runs(namespace, cellName, client.resources(Cell.class).inNamespace(namespace).withName(cellName).get());
  }

  @Override
  public Map<String, ChildRun> runs(CellDefinition def, Cell cell) {
    return runs(def.namespace(), def.name(), cell);
  }

  /**
   * Argo's view of the Cell's runs, and for the runs Okra owns, what their status says and whether Okra
   * has work on them. Reads only: the measuring is an action of the plan ({@link #evaluate}).
   */
  private Map<String, ChildRun> runs(String namespace, String cellName, Cell cell) {
    Map<String, ChildRun> runs = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (var ctx : ArgoAnalyses.RUN_KINDS) {
      for (GenericKubernetesResource run : argo.ofCell(ctx, namespace, cellName)) {
        String name = run.getMetadata().getName();
        if (ctx != ArgoResources.ANALYSIS_RUN || !ownedByOkra(run)) {
          runs.put(name, ArgoAnalyses.childRun(ctx, run));
          continue;
        }
        OkraRuns.Preview p = okraRuns.preview(run, false, now);
        runs.put(name, new ChildRun(name, "AnalysisRun", p.status().phase(), p.status().message(), p.status().summaries(),
            p.nextMeasurementAt(), true, p.workDue()));
      }
    }
    return runs;
  }

  private static boolean ownedByOkra(GenericKubernetesResource run) {
    Map<String, String> labels = run.getMetadata().getLabels();
    return labels != null && INSTANCE.equals(labels.get(INSTANCE_LABEL));
  }

  /** Measures what is due on one of the Cell's runs, as the plan asks, and records it (guarded; a lost race measures nothing). */
  @Override
  public Optional<String> evaluate(Action.EvaluateRun action, Cell cell) {
    String ns = cell.getMetadata().getNamespace();
    GenericKubernetesResource run = argo.ofCell(ArgoResources.ANALYSIS_RUN, ns, cell.getMetadata().getName()).stream()
        .filter(r -> r.getMetadata().getName().equals(action.runName())).findFirst().orElse(null);
    if (run == null || !ownedByOkra(run)) return Optional.empty();
    OkraRuns.Advance a = okraRuns.advance(run, action.terminate(), clock.instant(), t -> clock.instant());
    if (!a.written()) return Optional.empty();
    return Optional.of((a.measured().isEmpty() ? (action.terminate() ? "ended" : "updated") : "measured " + String.join(", ", a.measured()))
        + " in AnalysisRun " + action.runName() + " (" + a.evaluation().status().phase().argoName() + ")");
  }

  /**
   * One step of a run outside any rollout ({@code okra-runner analysis run}): the measurements that are
   * due, under the same claim as in a rollout, and when the next is due (empty when over or unknown).
   */
  public Evaluation evaluation(GenericKubernetesResource run) {
    return okraRuns.advance(run, false, clock.instant(), t -> clock.instant()).evaluation();
  }

  /** As {@link #evaluation}, for its status. */
  public RunStatus evaluate(GenericKubernetesResource run) {
    return evaluation(run).status();
  }

  /** The run as stored now. */
  public GenericKubernetesResource reload(GenericKubernetesResource run) {
    return client.genericKubernetesResources(ArgoResources.ANALYSIS_RUN).inNamespace(run.getMetadata().getNamespace())
        .withName(run.getMetadata().getName()).get();
  }

  @Override
  public List<FieldError> checkReferences(CellDefinition def) {
    return checkReferences(def, client.resources(Cell.class).inNamespace(def.namespace()).withName(def.name()).get());
  }

  @Override
  public List<FieldError> checkReferences(CellDefinition def, Cell cell) {
    List<FieldError> errors = new ArrayList<>(argo.checkReferences(def));
    Map<String, Step.Analysis> judged = new LinkedHashMap<>(); // path -> analysis, for the ones Okra judges
    String stepsPath = "spec.updateStrategy.canary.steps";
    for (int i = 0; i < def.steps().size(); i++) {
      if (def.steps().get(i) instanceof Step.Analysis a) judged.put(stepsPath + "[" + i + "].analysis", a);
    }
    def.background().ifPresent(b -> judged.put("spec.updateStrategy.canary.analysis", b.analysis()));
    judged.values().removeIf(a -> a.evaluator().orElse(null) == Evaluator.ARGO);
    if (judged.isEmpty() || cell == null) return errors;
    judged.values().removeIf(a -> evaluator(cell, a) != Evaluator.OKRA);
    if (judged.isEmpty()) return errors;
    // Okra's own validation names the metric's field for an endless metric; the rest of Argo's (templates, Secrets) stands.
    errors.removeIf(e -> e.message().contains(ArgoAnalyses.NEVER_ENDS) && judged.keySet().stream().anyMatch(e.path()::startsWith));
    if (!errors.isEmpty()) return errors;
    for (Map.Entry<String, Step.Analysis> e : judged.entrySet()) {
      check(e.getKey(), e.getValue(), cell, e.getKey().endsWith("canary.analysis") ? AnalysisDefinition.Mode.BACKGROUND
          : AnalysisDefinition.Mode.STEP, errors);
    }
    return errors;
  }

  private void check(String path, Step.Analysis analysis, Cell cell, AnalysisDefinition.Mode mode, List<FieldError> errors) {
    try {
      Map<String, Object> spec = runSpec(path, analysis, cell);
      ArgSource fields = new ArgSource() {
        @Override
        public Optional<String> secret(String name, String key) {
          return Optional.empty();
        }

        @Override
        public Optional<String> field(String fieldPath) {
          return FieldPaths.read(cell, fieldPath);
        }
      };
      List<FieldError> invalid = AnalysisDefinition.validate(path, spec, fields, mode);
      errors.addAll(invalid);
      if (invalid.isEmpty()) {
        AnalysisDefinition def = AnalysisDefinition.of(path, spec, new ArgSource() {
          @Override
          public Optional<String> secret(String name, String key) {
            return Optional.of("1");
          }

          @Override
          public Optional<String> field(String fieldPath) {
            return Optional.of(FieldPaths.read(cell, fieldPath).orElse("1"));
          }
        }, mode);
        errors.addAll(providers.check(path, def));
      }
    } catch (InvalidAnalysisException e) {
      errors.addAll(e.errors());
    }
  }

  @Override
  public boolean start(Action.StartAnalysis action, Cell cell) {
    if (evaluator(cell, action.analysis()) != Evaluator.OKRA) return argo.start(action, cell);
    String ns = cell.getMetadata().getNamespace();
    Map<String, Object> spec = runSpec("step", action.analysis(), cell);
    // fieldRef arguments are read now, from the status being recorded; Secrets stay references.
    List<Map<String, Object>> args = new ArrayList<>();
    for (Object a : spec.get("args") instanceof List<?> l ? l : List.of()) {
      Map<String, Object> arg = new LinkedHashMap<>(map(a));
      Map<String, Object> from = map(arg.get("valueFrom"));
      if (from.get("fieldRef") != null) {
        String path = String.valueOf(map(from.get("fieldRef")).get("fieldPath"));
        arg.remove("valueFrom");
        arg.put("value", FieldPaths.read(cell, path).orElseThrow(() -> new IllegalStateException(
            "argument " + arg.get("name") + ": the Cell has no value at " + path)));
      }
      args.add(arg);
    }
    spec.put("args", args);
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(ArgoResources.GROUP + "/v1alpha1");
    r.setKind("AnalysisRun");
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ArgoAnalyses.CELL_LABEL, cell.getMetadata().getName());
    labels.put(ArgoAnalyses.ROLLOUT_LABEL, cell.getStatus().rolloutId);
    labels.put(ArgoAnalyses.STEP_LABEL, action.stepIndex() < 0 ? "bg" : String.valueOf(action.stepIndex()));
    labels.put(ArgoAnalyses.VERSION_LABEL, action.version().canonical());
    labels.put(INSTANCE_LABEL, INSTANCE);
    r.setMetadata(new ObjectMetaBuilder().withName(action.runName()).withNamespace(ns).withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(Cell.API_VERSION).withKind("Cell")
            .withName(cell.getMetadata().getName()).withUid(cell.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(false).build())
        .build());
    r.setAdditionalProperty("spec", spec);
    try {
      client.genericKubernetesResources(ArgoResources.ANALYSIS_RUN).inNamespace(ns).resource(r).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) throw e;
      return false; // this step's run exists already (names carry the rollout id)
    }
  }

  /** Label on a standalone run: the hash of the analysis it holds (templates' content and arguments). */
  public static final String SPEC_HASH_LABEL = "okra.mumo.co/analysis-hash";

  /**
   * An analysis outside any rollout ({@code okra-runner analysis run}): validates it, creates the run if it
   * does not exist yet, and returns it as stored, for {@link #evaluate}. Without a {@code name} the run is
   * named after the analysis itself (templates' content and arguments), so an edited template or another
   * argument is a new run, measured afresh, and the same analysis continues its run. With a name, that run
   * must hold this very analysis.
   *
   * @throws InvalidAnalysisException naming what is wrong, before anything is created
   */
  public GenericKubernetesResource standalone(String ns, Optional<String> name, List<Step.TemplateRef> templates, Map<String, String> args) {
    List<Step.Arg> stepArgs = new ArrayList<>();
    args.forEach((k, v) -> stepArgs.add(new Step.Arg(k, Optional.of(v), Optional.empty(), Optional.empty())));
    Map<String, Object> spec = runSpec("analysis", new Step.Analysis(templates, stepArgs), ns);
    List<FieldError> errors = new ArrayList<>(AnalysisDefinition.validate("analysis", spec, ArgSource.NONE, AnalysisDefinition.Mode.STEP));
    if (errors.isEmpty()) {
      errors.addAll(providers.check("analysis", AnalysisDefinition.of("analysis", spec, new ArgSource() {
        @Override
        public Optional<String> secret(String secret, String key) {
          return Optional.of("1");
        }

        @Override
        public Optional<String> field(String fieldPath) {
          return Optional.empty();
        }
      }, AnalysisDefinition.Mode.STEP)));
    }
    if (!errors.isEmpty()) throw new InvalidAnalysisException(errors);
    String hash = CanonicalJson.hash(spec, 10);
    String runName = name.orElseGet(() -> defaultName(templates, hash));
    var runs = client.genericKubernetesResources(ArgoResources.ANALYSIS_RUN).inNamespace(ns);
    GenericKubernetesResource existing = runs.withName(runName).get();
    if (existing != null) {
      Map<String, String> labels = existing.getMetadata().getLabels();
      if (labels == null || !hash.equals(labels.get(SPEC_HASH_LABEL))) {
        throw new InvalidAnalysisException(List.of(new FieldError("--name", "AnalysisRun " + ns + "/" + runName + " holds another analysis"
            + " (the templates or arguments changed since it was made); its verdict is not this one's: give another --name,"
            + " delete that run, or leave --name out to name the run after the analysis")));
      }
      return existing;
    }
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(ArgoResources.GROUP + "/v1alpha1");
    r.setKind("AnalysisRun");
    r.setMetadata(new ObjectMetaBuilder().withName(runName).withNamespace(ns)
        .withLabels(Map.of(INSTANCE_LABEL, INSTANCE, ArgoAnalyses.STEP_LABEL, "standalone", SPEC_HASH_LABEL, hash)).build());
    r.setAdditionalProperty("spec", spec);
    try {
      return runs.resource(r).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) throw e;
      return runs.withName(runName).get();
    }
  }

  /** okra-FIRSTTEMPLATE-HASH, a valid object name. */
  static String defaultName(List<Step.TemplateRef> templates, String hash) {
    String base = templates.get(0).name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return ("okra-" + (base.length() > 40 ? base.substring(0, 40) : base) + "-" + hash).replaceAll("-+", "-");
  }

  @Override
  public boolean start(Action.StartExperiment action, Cell cell) {
    return argo.start(action, cell);
  }

  /** The step's own setting, else the Cell's annotation, else the runner's default. */
  Evaluator evaluator(Cell cell, Step.Analysis analysis) {
    if (analysis.evaluator().isPresent()) return analysis.evaluator().get();
    Map<String, String> annotations = cell.getMetadata().getAnnotations();
    String chosen = annotations == null ? null : annotations.get(EVALUATOR_ANNOTATION);
    return chosen == null ? defaultEvaluator : Evaluator.parse(chosen);
  }

  /** The templates merged with the step's args, in AnalysisRun spec layout. */
  private Map<String, Object> runSpec(String path, Step.Analysis analysis, Cell cell) {
    return runSpec(path, analysis, cell.getMetadata().getNamespace());
  }

  private Map<String, Object> runSpec(String path, Step.Analysis analysis, String ns) {
    List<AnalysisSpecs.Template> templates = new ArrayList<>();
    for (Step.TemplateRef ref : analysis.templates()) {
      GenericKubernetesResource t = argo.template(ns, ref).orElse(null);
      if (t == null) throw new IllegalStateException((ref.clusterScope() ? "ClusterAnalysisTemplate " : "AnalysisTemplate " + ns + "/") + ref.name() + " not found");
      templates.add(new AnalysisSpecs.Template(ref.name(), map(t.getAdditionalProperties().get("spec"))));
    }
    List<Map<String, Object>> stepArgs = new ArrayList<>();
    for (Step.Arg arg : analysis.args()) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("name", arg.name());
      arg.value().ifPresent(v -> a.put("value", v));
      arg.fieldPath().ifPresent(p -> a.put("valueFrom", Map.of("fieldRef", Map.of("fieldPath", p))));
      arg.secret().ifPresent(s -> a.put("valueFrom", Map.of("secretKeyRef", Map.of("name", s.name(), "key", s.key()))));
      stepArgs.add(a);
    }
    return AnalysisSpecs.merge(path, templates, stepArgs);
  }

  private ArgSource secrets(String ns) {
    return new ArgSource() {
      @Override
      public Optional<String> secret(String name, String key) {
        Secret s = client.secrets().inNamespace(ns).withName(name).get();
        if (s == null) return Optional.empty();
        Optional<String> value = s.getData() != null && s.getData().get(key) != null
            ? Optional.of(new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8))
            : Optional.ofNullable(s.getStringData() == null ? null : s.getStringData().get(key));
        value.ifPresent(Secrets::register);
        return value;
      }

      @Override
      public Optional<String> field(String fieldPath) {
        return Optional.empty(); // fieldRef arguments were made literal when the run was created
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
