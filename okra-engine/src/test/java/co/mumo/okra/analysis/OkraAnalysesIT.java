package co.mumo.okra.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.analysis.eval.provider.JobProvider;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.Action;
import co.mumo.okra.cell.CellDefinition;
import co.mumo.okra.cell.ChildRun;
import co.mumo.okra.cell.FieldError;
import co.mumo.okra.cell.RunPhase;
import co.mumo.okra.cell.Step;
import co.mumo.okra.cell.Version;
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
    return new OkraAnalyses(kube.client(), new Providers(List.of(new JobProvider())), clock, OkraAnalyses.Evaluator.ARGO);
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
              command: "echo measured >> %s; echo '\\"{{args.version}}\\"'"
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

    Map<String, ChildRun> first = runner(clock).runs(ns, "web");
    assertThat(first.get("web-r1-step0").phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(Files.readAllLines(log)).hasSize(1);

    // The runner dies; a minute later another one (another adapter, same cluster) takes the pass.
    GenericKubernetesResource stale = run(ns);
    clock.advance(Duration.ofMinutes(1));
    Map<String, ChildRun> second = runner(clock).runs(ns, "web");
    assertThat(second.get("web-r1-step0").phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(Files.readAllLines(log)).hasSize(2);

    // A runner that read the run before that write takes its measurement, loses the write, and adopts the winner's status.
    RunStatus adopted = runner(clock).evaluate(stale);
    assertThat(adopted.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    RunStatus stored = RunStatus.fromMap(asMap(run(ns).getAdditionalProperties().get("status")));
    assertThat(stored.result("smoke").orElseThrow().count()).isEqualTo(2);
    assertThat(stored.result("smoke").orElseThrow().measurements()).extracting(m -> m.value()).containsExactly("\"2.0.0\"", "\"2.0.0\"");

    // Completed: later passes measure nothing.
    clock.advance(Duration.ofMinutes(5));
    runner(clock).runs(ns, "web");
    assertThat(Files.readAllLines(log)).hasSize(3); // only the stale runner's lost measurement above, nothing since
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
      assertThat(runner(clock).runs(ns, "web").get("web-r1-bg").phase()).isEqualTo(RunPhase.RUNNING);
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(Files.readAllLines(log)).hasSize(3);

    Cell next = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    next.getStatus().rolloutId = "r2"; // a new rollout started
    kube.client().resources(Cell.class).inNamespace(ns).resource(next).updateStatus();
    ChildRun ended = runner(clock).runs(ns, "web").get("web-r1-bg");
    assertThat(ended.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(ended.message()).isEqualTo("Run Terminated");
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

  private GenericKubernetesResource run(String ns) {
    return kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).withName("web-r1-step0").get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }
}
