package co.mumo.okra.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.analysis.eval.provider.JobProvider;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.Action;
import co.mumo.okra.cell.Analyses;
import co.mumo.okra.cell.CellDefinition;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.Step;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.core.Version;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Okra's evaluator against a real API server: the AnalysisRun it owns carries the measurements in
 * Argo's layout, and a new runner (a new client, a new adapter) continues the run where the last one
 * stopped; a runner that lost the race measures nothing twice.
 */
class OkraAnalysesIT {
  private static TestKube kube;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    kube = TestKube.start();
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  private OkraAnalyses runner(MutableClock clock) {
    return new OkraAnalyses(kube.client(), new Providers(List.of(new JobProvider())), clock, co.mumo.okra.cell.Evaluator.ARGO);
  }

  private void template(KubernetesClient client, String ns, String name, String specYaml) {
    GenericKubernetesResource t = new GenericKubernetesResource();
    t.setApiVersion("argoproj.io/v1alpha1");
    t.setKind("AnalysisTemplate");
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    t.setAdditionalProperty("spec", Serialization.unmarshal(specYaml, Map.class));
    client.genericKubernetesResources(OkraObjects.ANALYSIS_TEMPLATE).inNamespace(ns).resource(t).create();
  }

  private Cell cell(String ns) {
    Cell cell = new OkraObjects(kube.client()).webCell(ns, "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2", 10,
        "- analysis: {templates: [{templateName: smoke}], args: [{name: version, valueFrom: {fieldRef: {fieldPath: status.desiredVersion}}}]}");
    cell.getMetadata().setAnnotations(Map.of(OkraAnalyses.EVALUATOR_ANNOTATION, "okra"));
    cell = kube.client().resources(Cell.class).inNamespace(ns).resource(cell).update();
    CellStatus status = new CellStatus();
    status.rolloutId = "r1";
    status.desiredVersion = "2.0.0";
    cell.setStatus(status);
    return cell;
  }

  @Test
  void aNewRunnerContinuesTheSameRunAndNoMeasurementIsDoubled() throws IOException {
    String ns = kube.freshNamespace("okra-eval");
    Path log = dir.resolve("measurements.log");
    template(kube.client(), ns, "smoke", """
        args: [{name: version}]
        metrics:
        - name: smoke
          interval: 1m
          count: 2
          successCondition: result == '{{args.version}}'
          provider:
            job:
              command: 'echo measured >> %s; echo "\\"$VERSION\\""'
              env: [{name: VERSION, value: "{{args.version}}"}]
        """.formatted(log));
    Cell cell = cell(ns);
    Step.Analysis step = new Step.Analysis(List.of(new Step.TemplateRef("smoke", false)),
        List.of(new Step.Arg("version", Optional.empty(), Optional.of("status.desiredVersion"), Optional.empty())));
    MutableClock clock = new MutableClock(T0);
    runner(clock).start(new Action.StartAnalysis("web-r1-step0", 0, Version.parse("2.0.0"), step), cell);

    GenericKubernetesResource created = run(ns);
    assertThat(created.getMetadata().getLabels()).containsEntry(OkraAnalyses.INSTANCE_LABEL, "okra")
        .containsEntry(ArgoAnalyses.CELL_LABEL, "web");
    assertThat(Serialization.asJson(created.getAdditionalProperties().get("spec"))).contains("\"value\":\"2.0.0\"");

    // Observing the Cell measures nothing: it says a measurement is due, and the plan takes it.
    ChildRun observed = runner(clock).runs(ns, "web").get("web-r1-step0");
    assertThat(observed.judgedByOkra()).isTrue();
    assertThat(observed.workDue()).isTrue();
    assertThat(log).doesNotExist();
    assertThat(runner(clock).evaluate(new Action.EvaluateRun("web-r1-step0", false), cell)).hasValueSatisfying(done ->
        assertThat(done).contains("measured smoke"));
    assertThat(runner(clock).runs(ns, "web").get("web-r1-step0").phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(Files.readAllLines(log)).hasSize(1);
    assertThat(runner(clock).runs(ns, "web").get("web-r1-step0").workDue()).as("the next one is a minute away").isFalse();

    // The runner dies; a minute later another one (another adapter, same cluster) takes the pass.
    GenericKubernetesResource stale = run(ns);
    clock.advance(Duration.ofMinutes(1));
    assertThat(runner(clock).runs(ns, "web").get("web-r1-step0").workDue()).isTrue();
    runner(clock).evaluate(new Action.EvaluateRun("web-r1-step0", false), cell);
    assertThat(runner(clock).runs(ns, "web").get("web-r1-step0").phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(Files.readAllLines(log)).hasSize(2);

    // A runner that read the run before that write loses its claim: it measures nothing and reports what is stored.
    RunStatus adopted = runner(clock).evaluate(stale);
    assertThat(adopted.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(Files.readAllLines(log)).as("no measurement taken twice").hasSize(2);
    RunStatus stored = RunStatus.fromMap(asMap(run(ns).getAdditionalProperties().get("status")));
    assertThat(stored.result("smoke").orElseThrow().count()).isEqualTo(2);
    assertThat(stored.result("smoke").orElseThrow().measurements()).extracting(m -> m.value()).containsExactly("\"2.0.0\"", "\"2.0.0\"");

    // Completed: later passes have nothing to do.
    clock.advance(Duration.ofMinutes(5));
    assertThat(runner(clock).runs(ns, "web").get("web-r1-step0").workDue()).isFalse();
    assertThat(runner(clock).evaluate(new Action.EvaluateRun("web-r1-step0", false), cell)).isEmpty();
    assertThat(Files.readAllLines(log)).hasSize(2);
  }

  @Test
  void aBackgroundRunEndsWhenItsRolloutIsOver() throws IOException {
    String ns = kube.freshNamespace("okra-eval");
    Path log = dir.resolve("bg.log");
    template(kube.client(), ns, "smoke", """
        args: [{name: version}]
        metrics:
        - name: smoke
          interval: 1m
          provider: {job: {command: "echo measured >> %s"}}
        """.formatted(log));
    Cell cell = cell(ns);
    Cell stored = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    stored.setStatus(cell.getStatus());
    kube.client().resources(Cell.class).inNamespace(ns).resource(stored).updateStatus();
    Step.Analysis step = new Step.Analysis(List.of(new Step.TemplateRef("smoke", false)),
        List.of(new Step.Arg("version", Optional.of("2.0.0"), Optional.empty(), Optional.empty())));
    MutableClock clock = new MutableClock(T0);
    runner(clock).start(new Action.StartAnalysis("web-r1-bg", -1, Version.parse("2.0.0"), step), cell);
    for (int i = 0; i < 3; i++) {
      runner(clock).evaluate(new Action.EvaluateRun("web-r1-bg", false), cell);
      assertThat(runner(clock).runs(ns, "web").get("web-r1-bg").phase()).isEqualTo(RunPhase.RUNNING);
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(Files.readAllLines(log)).hasSize(3);

    // The rollout moved on: the decider asks for the run to end (CellDeciderTest), which takes no measurement.
    assertThat(runner(clock).evaluate(new Action.EvaluateRun("web-r1-bg", true), cell)).hasValueSatisfying(done ->
        assertThat(done).startsWith("ended"));
    ChildRun ended = runner(clock).runs(ns, "web").get("web-r1-bg");
    assertThat(ended.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(ended.message()).isEqualTo("Run Terminated");
    assertThat(ended.workDue()).isFalse();
    assertThat(Files.readAllLines(log)).hasSize(3);
  }

  @Test
  void theCellsAnalysesAreValidatedForOkrasEvaluator() {
    String ns = kube.freshNamespace("okra-eval");
    template(kube.client(), ns, "smoke", """
        args: [{name: version}]
        metrics:
        - name: smoke
          interval: 1m
          successCondition: result ==
          provider: {prometheus: {address: http://p, query: up}}
        """);
    Cell cell = cell(ns);
    CellDefinition def = new CellDefinition(ns, "web", 1, "arn", 10, null, Map.of(), List.of(), 1, Optional.empty(),
        List.of(new Step.Analysis(List.of(new Step.TemplateRef("smoke", false)),
            List.of(new Step.Arg("version", Optional.of("1"), Optional.empty(), Optional.empty())))), Optional.empty(), false);
    assertThat(cell).isNotNull();
    assertThat(runner(new MutableClock(T0)).checkReferences(def)).extracting(FieldError::path).containsExactly(
        "spec.updateStrategy.canary.steps[0].analysis.metrics[0].successCondition",
        "spec.updateStrategy.canary.steps[0].analysis.metrics[0].count");
    // Argo Rollouts' controller would run that metric forever too: the Argo path rejects it as well.
    assertThat(new ArgoAnalyses(kube.client()).checkReferences(def)).containsExactly(new FieldError(
        "spec.updateStrategy.canary.steps[0].analysis.templates[0].templateName", "AnalysisTemplate " + ns + "/smoke: metric \"smoke\""
            + " has an interval but no count: in a step it would never end (add count, or run it as background analysis: canary.analysis)"));
  }

  @Test
  void theStepsChoiceWinsOverTheCellsAndTheRunnersDefault() {
    String ns = kube.freshNamespace("okra-eval");
    template(kube.client(), ns, "smoke", """
        metrics:
        - name: smoke
          provider: {job: {command: "echo 1"}}
        """);
    Cell cell = cell(ns); // annotated okra
    Step.TemplateRef smoke = new Step.TemplateRef("smoke", false);
    MutableClock clock = new MutableClock(T0);
    OkraAnalyses okraByDefault = new OkraAnalyses(kube.client(), new Providers(List.of(new JobProvider())), clock, co.mumo.okra.cell.Evaluator.OKRA);
    // The step says argo: Argo's run (no Okra instance label), though the Cell and the runner say okra.
    okraByDefault.start(new Action.StartAnalysis("web-r1-step0", 0, Version.parse("2.0.0"),
        new Step.Analysis(List.of(smoke), List.of(), Optional.of(co.mumo.okra.cell.Evaluator.ARGO))), cell);
    // The step says okra: Okra's run, though the Cell says argo and the runner's default is argo.
    cell.getMetadata().setAnnotations(Map.of(OkraAnalyses.EVALUATOR_ANNOTATION, "argo"));
    runner(clock).start(new Action.StartAnalysis("web-r1-step1", 1, Version.parse("2.0.0"),
        new Step.Analysis(List.of(smoke), List.of(), Optional.of(co.mumo.okra.cell.Evaluator.OKRA))), cell);
    // No choice on the step: the Cell's annotation (argo) wins over the runner's default (okra).
    okraByDefault.start(new Action.StartAnalysis("web-r1-step2", 2, Version.parse("2.0.0"), new Step.Analysis(List.of(smoke), List.of())), cell);

    Map<String, String> judges = new java.util.TreeMap<>();
    for (GenericKubernetesResource r : new OkraObjects(kube.client()).analysisRuns(ns)) {
      judges.put(r.getMetadata().getName(), String.valueOf(r.getMetadata().getLabels().get(OkraAnalyses.INSTANCE_LABEL)));
    }
    assertThat(judges).containsExactly(Map.entry("web-r1-step0", "null"), Map.entry("web-r1-step1", "okra"), Map.entry("web-r1-step2", "null"));
    // Okra measures only its own run, and reports each metric with the reason of the latest measurement.
    Map<String, ChildRun> observed = runner(clock).runs(ns, "web");
    assertThat(observed.values()).filteredOn(ChildRun::judgedByOkra).extracting(ChildRun::name).containsExactly("web-r1-step1");
    runner(clock).evaluate(new Action.EvaluateRun("web-r1-step1", false), cell);
    ChildRun okraRun = runner(clock).runs(ns, "web").get("web-r1-step1");
    assertThat(okraRun.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(okraRun.metrics()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("smoke");
      assertThat(m.count()).isEqualTo(1);
      assertThat(m.lastValue()).contains("1");
      assertThat(m.lastReason()).contains("job: exit code 0");
    });
    assertThat(new OkraObjects(kube.client()).analysisRuns(ns)).filteredOn(r -> !r.getMetadata().getName().equals("web-r1-step1"))
        .allSatisfy(r -> assertThat(r.getAdditionalProperties().get("status")).isNull());
  }

  @Test
  void aPassViewReadsRunsAndTemplatesOncePerNamespaceAndReportsWhenTheNextMeasurementIsDue() throws IOException {
    String ns = kube.freshNamespace("okra-eval");
    template(kube.client(), ns, "smoke", """
        args: [{name: version}]
        metrics:
        - name: smoke
          interval: 30s
          count: 3
          provider: {job: {command: "echo 1"}}
        """);
    Cell cell = cell(ns);
    Step.Analysis step = new Step.Analysis(List.of(new Step.TemplateRef("smoke", false)),
        List.of(new Step.Arg("version", Optional.empty(), Optional.of("status.desiredVersion"), Optional.empty())));
    MutableClock clock = new MutableClock(T0);
    runner(clock).start(new Action.StartAnalysis("web-r1-step0", 0, Version.parse("2.0.0"), step), cell);
    CellDefinition def = new CellDefinition(ns, "web", 1, "arn", 10, null, Map.of(), List.of(), 1, Optional.empty(),
        List.of(step), Optional.empty(), false);

    List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (KubernetesClient counted = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", new io.fabric8.kubernetes.client.http.Interceptor() {
          @Override
          public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder, io.fabric8.kubernetes.client.http.HttpRequest request,
                             RequestTags tags) {
            requests.add(request.method() + " " + request.uri().getPath());
          }
        })).build()) {
      Analyses pass = new OkraAnalyses(counted, new Providers(List.of(new JobProvider())), clock, co.mumo.okra.cell.Evaluator.OKRA).forPass();
      for (int i = 0; i < 3; i++) { // as for three Cells of one namespace
        assertThat(pass.checkReferences(def, cell)).isEmpty();
        ChildRun run = pass.runs(def, cell).get("web-r1-step0");
        assertThat(run.phase()).isEqualTo(RunPhase.PENDING);
        assertThat(run.workDue()).isTrue();
        assertThat(run.nextMeasurementAt()).contains(T0);
      }
      assertThat(requests).as("observing writes nothing").allSatisfy(r -> assertThat(r).startsWith("GET"));
      pass.evaluate(new Action.EvaluateRun("web-r1-step0", false), cell);
      ChildRun measured = new OkraAnalyses(counted, new Providers(List.of(new JobProvider())), clock, co.mumo.okra.cell.Evaluator.OKRA)
          .runs(def, cell).get("web-r1-step0");
      assertThat(measured.phase()).isEqualTo(RunPhase.RUNNING);
      assertThat(measured.nextMeasurementAt()).contains(T0.plusSeconds(30));
    }
    String runs = "/apis/argoproj.io/v1alpha1/namespaces/" + ns + "/analysisruns";
    assertThat(requests).filteredOn(r -> r.startsWith("GET")).containsExactlyInAnyOrder(
        "GET " + runs, "GET /apis/argoproj.io/v1alpha1/namespaces/" + ns + "/experiments",
        "GET /apis/argoproj.io/v1alpha1/namespaces/" + ns + "/analysistemplates",
        "GET " + runs, "GET /apis/argoproj.io/v1alpha1/namespaces/" + ns + "/experiments"); // the last two: the second adapter
    // The first measurement: claimed, then recorded (the test CRD has no status subresource: Okra then writes the object).
    assertThat(requests).filteredOn(r -> r.equals("PUT " + runs + "/web-r1-step0")).hasSize(2);
  }

  private GenericKubernetesResource run(String ns) {
    return kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).withName("web-r1-step0").get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }
}
