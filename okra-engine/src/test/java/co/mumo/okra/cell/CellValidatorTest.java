package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import co.mumo.okra.api.AnalysisSpec;
import co.mumo.okra.api.CanaryStep;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellReference;
import co.mumo.okra.api.UpdateStrategy;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import co.mumo.okra.core.Version;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CellValidatorTest {
  static final String ALB = "spec.ingress.awsApplicationLoadBalancer";
  static final String STEPS = "spec.updateStrategy.canary.steps";

  static Cell load(String fixture) {
    try (InputStream in = CellValidatorTest.class.getResourceAsStream("CellValidatorTest/" + fixture)) {
      assertThat(in).as("fixture " + fixture).isNotNull();
      return Serialization.unmarshal(in, Cell.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static InvalidSpecException invalid(Cell cell) {
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> CellValidator.validate(cell));
    assertThat(e).as("the Cell is rejected").isNotNull();
    return e;
  }

  static List<String> paths(InvalidSpecException e) {
    return e.errors().stream().map(FieldError::path).toList();
  }

  // ------------------------------------------------------------------ valid manifests

  @Test
  void theReadmeCellLoadsUnchangedAndValidates() {
    CellDefinition d = CellValidator.validate(load("readme-cell.yaml"));

    assertThat(d.key()).isEqualTo("default/cell1");
    assertThat(d.listenerArn()).isEqualTo("arn:aws:elasticloadbalancing:ap-northeast-1:ACCOUNT:listener/app/...");
    assertThat(d.priority()).isEqualTo(10);
    assertThat(d.conditions().hosts()).containsExactly("example.com");
    assertThat(d.conditions().pathPatterns()).isEmpty();
    assertThat(d.matchLabels()).isEqualTo(Map.of("role", "web"));
    assertThat(d.versionLabels()).containsExactly("okra.mumo.co/version");
    assertThat(d.replicas()).isEqualTo(2);
    assertThat(d.pinnedVersion()).isEmpty();
    assertThat(d.background()).isEmpty();
    assertThat(d.adoptUnownedRule()).isFalse();
    assertThat(d.steps()).containsExactly(
        new Step.SetWeight(20),
        new Step.Analysis(List.of(new Step.TemplateRef("success-rate", false)),
            List.of(new Step.Arg("service-name", Optional.of("exampleapp"), Optional.empty(), Optional.empty()))),
        new Step.Pause(Optional.of(Duration.ofSeconds(5))),
        new Step.SetWeight(40));
  }

  @Test
  void theReadmeCellWithoutNamespaceLandsInDefault() {
    Cell c = load("readme-cell.yaml");
    c.getMetadata().setNamespace(null);
    assertThat(CellValidator.validate(c).key()).isEqualTo("default/cell1");
  }

  @Test
  void sourceIpsMapToTheirCondition() {
    Cell c = load("readme-cell.yaml");
    c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.sourceIPs = List.of("10.0.0.0/8", "192.168.0.0/16");
    assertThat(CellValidator.validate(c).conditions().sourceIps()).containsExactly("10.0.0.0/8", "192.168.0.0/16");
  }

  @Test
  void moreConditionValuesThanAlbAllowsAreRejected() {
    Cell c = load("readme-cell.yaml");
    var rule = c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule;
    rule.hosts = List.of("a.example.com", "b.example.com", "c.example.com");
    rule.pathPatterns = List.of("/a/*", "/b/*", "/c/*");
    assertThatThrownBy(() -> CellValidator.validate(c)).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("spec.ingress.awsApplicationLoadBalancer.listener.rule: has 6 condition values; ALB allows at most 5");
  }

  @Test
  void everyFeatureMapsFieldByField() {
    CellDefinition d = CellValidator.validate(load("full-cell.yaml"));

    assertThat(d.key()).isEqualTo("shop/web");
    assertThat(d.generation()).isEqualTo(7);
    assertThat(d.adoptUnownedRule()).isTrue();
    assertThat(d.pinnedVersion()).map(Version::canonical).contains("1.4.0");
    assertThat(d.priority()).isEqualTo(50000);
    assertThat(d.conditions().hosts()).containsExactly("shop.example.com");
    assertThat(d.conditions().pathPatterns()).containsExactly("/api/*");
    assertThat(d.conditions().methods()).containsExactly("GET");
    assertThat(d.conditions().headers()).containsEntry("X-Canary", List.of("yes"));
    assertThat(d.conditions().queryStrings()).containsEntry("lang", "en");
    assertThat(d.matchLabels()).isEqualTo(Map.of("role", "web", "tier", "front"));
    assertThat(d.versionLabels()).containsExactly("app.kubernetes.io/version", "okra.mumo.co/version");
    assertThat(d.background()).hasValueSatisfying(bg -> {
      assertThat(bg.startingStep()).isEqualTo(1);
      assertThat(bg.analysis().templates()).containsExactly(new Step.TemplateRef("error-rate", true));
      assertThat(bg.analysis().evaluator()).contains(Evaluator.ARGO);
      assertThat(bg.analysis().args()).containsExactly(
          new Step.Arg("version", Optional.empty(), Optional.of("status.desiredVersion"), Optional.empty()));
    });
    assertThat(d.steps()).hasSize(7);
    assertThat(d.steps().get(0)).isEqualTo(new Step.SetWeight(0));
    assertThat(d.steps().get(1)).isEqualTo(new Step.Pause(Optional.of(Duration.ofSeconds(30))));
    assertThat(d.steps().get(2)).isEqualTo(new Step.SetWeight(100));
    assertThat(d.steps().get(3)).isEqualTo(new Step.Pause(Optional.empty()));
    assertThat(d.steps().get(4)).isEqualTo(new Step.Analysis(List.of(new Step.TemplateRef("success-rate", false)),
        List.of(new Step.Arg("api-token", Optional.empty(), Optional.empty(), Optional.of(new Step.SecretRef("datadog", "token")))),
        Optional.of(Evaluator.OKRA)));
    assertThat(d.steps().get(5)).isEqualTo(new Step.Experiment(Optional.of("10m"),
        List.of(new Step.ExperimentTemplate("baseline", "web-baseline", 2, Optional.empty())),
        List.of(new Step.ExperimentAnalysis("compare", new Step.TemplateRef("compare-latency", false), List.of(), true))));
    assertThat(d.steps().get(6)).isEqualTo(new Step.Pause(Optional.of(Duration.ofMinutes(90))));
  }

  @Test
  void defaults() {
    Cell c = load("readme-cell.yaml");
    c.getSpec().replicas = null;
    c.getSpec().updateStrategy = null;
    c.getSpec().ingress.type = null;
    CellDefinition d = CellValidator.validate(c);
    assertThat(d.replicas()).isEqualTo(1);
    assertThat(d.steps()).isEmpty();
    assertThat(d.versionLabels()).containsExactly(CellDefinition.DEFAULT_VERSION_LABEL);
    assertThat(d.adoptUnownedRule()).isFalse();
  }

  @Test
  void threeReplicasAreFineWithoutSteps() {
    Cell c = load("readme-cell.yaml");
    c.getSpec().replicas = 3;
    c.getSpec().updateStrategy.canary.steps = List.of();
    assertThat(CellValidator.validate(c).replicas()).isEqualTo(3);
    c.getSpec().replicas = 5;
    assertThat(CellValidator.validate(c).replicas()).isEqualTo(5);
  }

  @Test
  void theAdoptAnnotationMustSayTrue() {
    Cell c = load("readme-cell.yaml");
    c.getMetadata().setAnnotations(new HashMap<>(Map.of(CellValidator.ADOPT_ANNOTATION, "yes")));
    assertThat(CellValidator.validate(c).adoptUnownedRule()).isFalse();
    c.getMetadata().setAnnotations(new HashMap<>(Map.of(CellValidator.ADOPT_ANNOTATION, "TRUE")));
    assertThat(CellValidator.validate(c).adoptUnownedRule()).isTrue();
  }

  @Test
  void theStepsHashFollowsTheStepList() {
    String a = CellValidator.validate(load("readme-cell.yaml")).stepsHash();
    assertThat(CellValidator.validate(load("readme-cell.yaml")).stepsHash()).as("same steps, same hash").isEqualTo(a);
    Cell changed = load("readme-cell.yaml");
    changed.getSpec().updateStrategy.canary.steps.get(3).setWeight = 50;
    assertThat(CellValidator.validate(changed).stepsHash()).isNotEqualTo(a);
    Cell other = load("readme-cell.yaml");
    other.getSpec().replicas = 1;
    assertThat(CellValidator.validate(other).stepsHash()).as("not a step change").isEqualTo(a);
  }

  // ------------------------------------------------------------------ invalid manifests

  @Test
  void anUnknownStepKindIsNamedNotIgnored() {
    InvalidSpecException e = invalid(load("step-weight-typo.yaml"));
    assertThat(paths(e)).containsExactly(STEPS + "[1].stepWeight");
    assertThat(e.errors().get(0).message()).contains("unknown step \"stepWeight\"");
    assertThat(e).hasMessageContaining(STEPS + "[1].stepWeight").hasMessageContaining("default/cell1");
    assertThat(e.resource()).isEqualTo("Cell default/cell1");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    InvalidSpecException e = invalid(load("many-errors.yaml"));
    assertThat(paths(e)).containsExactlyInAnyOrder(
        ALB + ".listenerARN",
        ALB + ".listener.rule.priority",
        ALB + ".targetGroupSelector.matchLabels",
        "spec.version",
        STEPS + "[1].setWeight",
        STEPS + "[2].pause.duration",
        STEPS + "[3].analysis.templates",
        STEPS + "[4].analysis.args[0]",
        "spec.replicas");
  }

  static CanaryStep step(Consumer<CanaryStep> fill) {
    CanaryStep s = new CanaryStep();
    fill.accept(s);
    return s;
  }

  static List<CanaryStep> steps(Cell c) {
    return c.getSpec().updateStrategy.canary.steps;
  }

  static AnalysisSpec analysisOf(Cell c) {
    return steps(c).get(1).analysis;
  }

  static Arguments bad(String description, Consumer<Cell> change, String path) {
    return Arguments.of(Named.of(description, change), path);
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        bad("stepWeight: 20", c -> steps(c).set(1, step(s -> s.setUnknownField("stepWeight", 20))), STEPS + "[1].stepWeight"),
        bad("setWeight next to an unknown key", c -> steps(c).get(0).setUnknownField("weight", 5), STEPS + "[0].weight"),
        bad("setWeight: -1", c -> steps(c).get(0).setWeight = -1, STEPS + "[0].setWeight"),
        bad("setWeight: 101", c -> steps(c).get(3).setWeight = 101, STEPS + "[3].setWeight"),
        bad("pause 5x", c -> steps(c).get(2).pause.duration = new IntOrString("5x"), STEPS + "[2].pause.duration"),
        bad("pause -1s", c -> steps(c).get(2).pause.duration = new IntOrString("-1s"), STEPS + "[2].pause.duration"),
        bad("pause abc", c -> steps(c).get(2).pause.duration = new IntOrString("abc"), STEPS + "[2].pause.duration"),
        bad("pause -1 (a number)", c -> steps(c).get(2).pause.duration = new IntOrString(-1), STEPS + "[2].pause.duration"),
        bad("two kinds in one step", c -> steps(c).get(0).pause = new CanaryStep.Pause(), STEPS + "[0]"),
        bad("an empty step", c -> steps(c).set(0, new CanaryStep()), STEPS + "[0]"),
        bad("a null step", c -> steps(c).set(0, null), STEPS + "[0]"),
        bad("no listenerARN", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listenerARN = null, ALB + ".listenerARN"),
        bad("blank listenerARN", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listenerARN = " ", ALB + ".listenerARN"),
        bad("a target group ARN as listenerARN", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listenerARN =
            "arn:aws:elasticloadbalancing:eu-west-1:123:targetgroup/web/1", ALB + ".listenerARN"),
        bad("priority 0", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.priority = 0, ALB + ".listener.rule.priority"),
        bad("priority 50001", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.priority = 50001,
            ALB + ".listener.rule.priority"),
        bad("priority -5", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.priority = -5, ALB + ".listener.rule.priority"),
        bad("no priority", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.priority = null,
            ALB + ".listener.rule.priority"),
        bad("no rule conditions", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.hosts = null, ALB + ".listener.rule"),
        bad("no listener", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener = null, ALB + ".listener.rule"),
        bad("replicas 0", c -> c.getSpec().replicas = 0, "spec.replicas"),
        bad("replicas -1", c -> c.getSpec().replicas = -1, "spec.replicas"),
        bad("replicas 6", c -> c.getSpec().replicas = 6, "spec.replicas"),
        bad("replicas 3 with steps (2 x 3 > 5)", c -> c.getSpec().replicas = 3, "spec.replicas"),
        bad("replicas 6 without steps", c -> {
          c.getSpec().replicas = 6;
          c.getSpec().updateStrategy = null;
        }, "spec.replicas"),
        bad("spec.version banana", c -> c.getSpec().version = "banana", "spec.version"),
        bad("spec.version 1.2", c -> c.getSpec().version = "1.2", "spec.version"),
        bad("spec.version v01.0.0", c -> c.getSpec().version = "v01.0.0", "spec.version"),
        bad("empty matchLabels", c -> c.getSpec().ingress.awsApplicationLoadBalancer.targetGroupSelector.matchLabels = Map.of(),
            ALB + ".targetGroupSelector.matchLabels"),
        bad("no matchLabels", c -> c.getSpec().ingress.awsApplicationLoadBalancer.targetGroupSelector.matchLabels = null,
            ALB + ".targetGroupSelector.matchLabels"),
        bad("no targetGroupSelector", c -> c.getSpec().ingress.awsApplicationLoadBalancer.targetGroupSelector = null,
            ALB + ".targetGroupSelector.matchLabels"),
        bad("a blank version label", c -> c.getSpec().ingress.awsApplicationLoadBalancer.targetGroupSelector.versionLabels =
            List.of(" "), ALB + ".targetGroupSelector.versionLabels[0]"),
        bad("analysis without templates", c -> analysisOf(c).templates = null, STEPS + "[1].analysis.templates"),
        bad("analysis with an empty template list", c -> analysisOf(c).templates = List.of(), STEPS + "[1].analysis.templates"),
        bad("a template without templateName", c -> analysisOf(c).templates.get(0).templateName = "",
            STEPS + "[1].analysis.templates[0].templateName"),
        bad("arg with value and valueFrom", c -> {
          AnalysisSpec.ValueFrom vf = new AnalysisSpec.ValueFrom();
          vf.fieldRef = new AnalysisSpec.FieldRef();
          vf.fieldRef.fieldPath = "status.desiredVersion";
          analysisOf(c).args.get(0).valueFrom = vf;
        }, STEPS + "[1].analysis.args[0]"),
        bad("arg without name", c -> analysisOf(c).args.get(0).name = null, STEPS + "[1].analysis.args[0].name"),
        bad("valueFrom with neither source", c -> {
          analysisOf(c).args.get(0).value = null;
          analysisOf(c).args.get(0).valueFrom = new AnalysisSpec.ValueFrom();
        }, STEPS + "[1].analysis.args[0].valueFrom"),
        bad("secretKeyRef without key", c -> {
          analysisOf(c).args.get(0).value = null;
          AnalysisSpec.ValueFrom vf = new AnalysisSpec.ValueFrom();
          vf.secretKeyRef = new AnalysisSpec.SecretKeyRef();
          vf.secretKeyRef.name = "datadog";
          analysisOf(c).args.get(0).valueFrom = vf;
        }, STEPS + "[1].analysis.args[0].valueFrom.secretKeyRef"),
        bad("experiment without templates", c -> steps(c).set(1, step(s -> s.experiment = new CanaryStep.Experiment())),
            STEPS + "[1].experiment.templates"),
        bad("experiment with a bad duration", c -> steps(c).set(1, step(s -> {
          s.experiment = new CanaryStep.Experiment();
          s.experiment.duration = "ten minutes";
          CanaryStep.ExperimentTemplate t = new CanaryStep.ExperimentTemplate();
          t.name = "baseline";
          t.specRef = "rs";
          s.experiment.templates = List.of(t);
        })), STEPS + "[1].experiment.duration"),
        bad("experiment template without specRef", c -> steps(c).set(1, step(s -> {
          s.experiment = new CanaryStep.Experiment();
          CanaryStep.ExperimentTemplate t = new CanaryStep.ExperimentTemplate();
          t.name = "baseline";
          s.experiment.templates = List.of(t);
        })), STEPS + "[1].experiment.templates[0].specRef"),
        bad("background analysis without templates", c -> c.getSpec().updateStrategy.canary.analysis =
            new UpdateStrategy.BackgroundAnalysis(), "spec.updateStrategy.canary.analysis.templates"),
        bad("background startingStep past the steps", c -> {
          UpdateStrategy.BackgroundAnalysis bg = new UpdateStrategy.BackgroundAnalysis();
          AnalysisSpec.TemplateRef t = new AnalysisSpec.TemplateRef();
          t.templateName = "error-rate";
          bg.templates = List.of(t);
          bg.startingStep = 5;
          c.getSpec().updateStrategy.canary.analysis = bg;
        }, "spec.updateStrategy.canary.analysis.startingStep"),
        bad("strategy BlueGreen", c -> c.getSpec().updateStrategy.type = "BlueGreen", "spec.updateStrategy.type"),
        bad("ingress type NLB", c -> c.getSpec().ingress.type = "AWSNetworkLoadBalancer", "spec.ingress.type"),
        bad("no awsApplicationLoadBalancer", c -> c.getSpec().ingress.awsApplicationLoadBalancer = null, ALB),
        bad("rolloutAfter without a name", c -> c.getSpec().rolloutAfter = List.of(new CellReference(null, "team-eu")),
            "spec.rolloutAfter[0].name"),
        bad("rolloutAfter naming Web_EU", c -> c.getSpec().rolloutAfter = List.of(new CellReference("web-eu", null),
            new CellReference("Web_EU", null)), "spec.rolloutAfter[1].name"),
        bad("rolloutAfter in namespace team eu", c -> c.getSpec().rolloutAfter = List.of(new CellReference("web", "team eu")),
            "spec.rolloutAfter[0].namespace"),
        bad("rolloutAfter naming the Cell itself", c -> c.getSpec().rolloutAfter = List.of(new CellReference(c.getMetadata().getName(),
            null)), "spec.rolloutAfter[0]"),
        bad("rolloutAfter naming a Cell twice", c -> c.getSpec().rolloutAfter = List.of(new CellReference("web-eu", "team-eu"),
            new CellReference("web-eu", "team-eu")), "spec.rolloutAfter[1]"),
        bad("rolloutAfter naming 21 Cells", c -> c.getSpec().rolloutAfter = java.util.stream.IntStream.range(0, 21)
            .mapToObj(i -> new CellReference("web-" + i, null)).toList(), "spec.rolloutAfter"),
        bad("no ingress", c -> c.getSpec().ingress = null, "spec.ingress"),
        bad("no spec", c -> c.setSpec(null), "spec"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badFields")
  void eachBadFieldIsNamedByItsPath(Consumer<Cell> change, String path) {
    Cell c = load("readme-cell.yaml");
    change.accept(c);
    InvalidSpecException e = invalid(c);
    assertThat(paths(e)).as("error paths").containsOnly(path);
    assertThat(e).hasMessageContaining(path + ": ");
    assertThat(e.errors()).allSatisfy(err -> assertThat(err.message()).isNotBlank());
  }

  @Test
  void aBadDurationSaysWhatIsWrong() {
    Cell c = load("readme-cell.yaml");
    steps(c).get(2).pause.duration = new IntOrString("5x");
    assertThat(invalid(c).errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("\"5x\" is not a duration"));
  }

  @Test
  void aPauseOfZeroAndPlainSecondsAreFine() {
    Cell c = load("readme-cell.yaml");
    steps(c).get(2).pause.duration = new IntOrString(0);
    assertThat(CellValidator.validate(c).steps().get(2)).isEqualTo(new Step.Pause(Optional.of(Duration.ZERO)));
    steps(c).get(2).pause.duration = new IntOrString("90");
    assertThat(CellValidator.validate(c).steps().get(2)).isEqualTo(new Step.Pause(Optional.of(Duration.ofSeconds(90))));
  }

  @Test
  void theBoundariesAreValid() {
    Cell c = load("readme-cell.yaml");
    c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.priority = 1;
    steps(c).get(0).setWeight = 0;
    steps(c).get(3).setWeight = 100;
    c.getSpec().replicas = 1;
    CellDefinition d = CellValidator.validate(c);
    assertThat(d.priority()).isEqualTo(1);
    assertThat(d.steps().get(0)).isEqualTo(new Step.SetWeight(0));
    assertThat(d.steps().get(3)).isEqualTo(new Step.SetWeight(100));
    c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.priority = 50_000;
    assertThat(CellValidator.validate(c).priority()).isEqualTo(50_000);
  }

  @Test
  void anInvalidCellIsNeverHalfMapped() {
    Cell c = load("readme-cell.yaml");
    steps(c).get(0).setWeight = 500;
    assertThatThrownBy(() -> CellValidator.validate(c)).isInstanceOf(InvalidSpecException.class);
  }
}
