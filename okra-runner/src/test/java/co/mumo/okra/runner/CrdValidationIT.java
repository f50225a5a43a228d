package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.Condition;
import co.mumo.okra.runner.docs.CrdSchemas;
import co.mumo.okra.runner.docs.DocsFiles;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.BadCells;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs as an operator meets them: the real kubectl against the real API server with Okra's
 * generated CRDs. Every Cell of the bad-input table that the schema can judge is refused at
 * {@code kubectl apply} (strict field validation, kubectl's default) with the field named; the
 * manifests of the original Okra and of examples/ still apply; and {@code kubectl explain} explains.
 */
class CrdValidationIT {
  private static final String LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/0123456789abcdef/fedcba9876543210";
  private static final AtomicInteger PRIORITY = new AtomicInteger(600);
  private static TestKube kube;

  record Kubectl(int code, String out, String err) {}

  @BeforeAll
  static void server() {
    kube = TestKube.start();
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  static Stream<BadCells.Case> refused() {
    return BadCells.all().stream().filter(BadCells.Case::refusedByApiServer);
  }

  @Test
  void mostOfTheBadInputTableIsRefusedAtApplyTime() {
    assertThat(refused().count()).isGreaterThanOrEqualTo(35);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void kubectlApplyRefusesTheCellNamingTheField(BadCells.Case c) {
    String ns = kube.freshNamespace("crd-bad");
    List<String> manifests = new ArrayList<>();
    BadCells.World world = new BadCells.World(ns, PRIORITY.incrementAndGet(), fakeAlb(), null, kube.client(),
        new OkraObjects(kube.client()), () -> { throw new AssertionError("no pass here"); })
        .applyingWith(manifest -> {
          manifests.add(Serialization.asYaml(manifest));
          return BadCells.toCell(manifest);
        });
    c.setup().accept(world);
    assertThat(manifests).hasSize(1);

    Kubectl apply = kubectl(manifests.get(0), "apply", "-n", ns, "-f", "-");
    assertThat(apply.code()).as(apply.out() + apply.err()).isNotZero();
    assertThat(apply.err()).contains(c.apiServer().get());
    assertThat(kube.client().resources(Cell.class).inNamespace(ns).list().getItems()).as("nothing stored").isEmpty();
  }

  @Test
  void anUnknownStepIsNamedUnderStrictValidation() {
    String ns = kube.freshNamespace("crd-strict");
    String cell = BadCells.BASE.formatted(LISTENER, 10).replace("- setWeight: 20", "- stepWeight: 20");

    Kubectl strict = kubectl(cell, "apply", "-n", ns, "-f", "-");
    assertThat(strict.code()).isNotZero();
    assertThat(strict.err()).contains("unknown field \"spec.updateStrategy.canary.steps[0].stepWeight\"");
    // Without strict validation the API server drops the unknown key, and the step left empty is refused.
    Kubectl lax = kubectl(cell, "apply", "--validate=false", "-n", ns, "-f", "-");
    assertThat(lax.code()).isNotZero();
    assertThat(lax.err()).contains("spec.updateStrategy.canary.steps[0]: Invalid value: \"object\": a step has exactly one of"
        + " setWeight, pause, analysis, experiment or setHeaderRoute");
  }

  @Test
  void theOriginalOkrasReadmeManifestsStillApply() throws IOException {
    String ns = kube.freshNamespace("crd-readme");
    String yaml = resource("original-readme.yaml");

    Kubectl apply = kubectl(yaml, "apply", "-n", ns, "-f", "-");
    assertThat(apply.code()).as(apply.err()).isZero();
    assertThat(apply.out()).contains("clusterset.okra.mumo.co/cell1 created", "awstargetgroupset.okra.mumo.co/cell1 created",
        "awstargetgroup.okra.mumo.co/default-web1 created", "cell.okra.mumo.co/cell1 created", "cell.okra.mumo.co/web created");
  }

  @Test
  void everyManifestUnderExamplesAppliesStrictly() throws IOException {
    String ns = kube.freshNamespace("crd-examples");
    StringBuilder all = new StringBuilder();
    for (ExamplesTest.Doc d : ExamplesTest.manifests()) {
      String group = String.valueOf(d.body().get("apiVersion")).split("/")[0];
      if (!group.equals("okra.mumo.co") && !group.equals("argoproj.io")) continue;
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) d.body().get("metadata");
      metadata.remove("namespace");
      all.append("---\n").append(Serialization.asYaml(d.body()).replaceFirst("^---\n", ""));
    }

    Kubectl apply = kubectl(all.toString(), "apply", "--validate=strict", "-n", ns, "-f", "-");
    assertThat(apply.code()).as(apply.err()).isZero();
    assertThat(apply.err()).as("no warnings (an unknown field would be one)").doesNotContain("Warning");
  }

  @Test
  void kubectlGetCellsSaysWhetherTheListenerRuleCarriesTheWeights() throws IOException {
    String ns = kube.freshNamespace("crd-columns");
    Kubectl apply = kubectl(resource("original-readme.yaml"), "apply", "-n", ns, "-f", "-");
    assertThat(apply.code()).as(apply.err()).isZero();
    Cell web = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    web.setStatus(new CellStatus());
    web.getStatus().phase = "Promoting";
    web.getStatus().conditions = List.of(new Condition("TrafficSynced", "False", "Applying",
        "the listener rule does not carry the weights yet", "2026-12-07T10:00:00Z", 1L));
    kube.client().resource(web).updateStatus();

    Kubectl get = kubectl("", "get", "cells", "-n", ns);
    assertThat(get.code()).as(get.err()).isZero();
    String header = get.out().lines().findFirst().orElseThrow();
    String row = get.out().lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow();
    assertThat(column(header, row, "PHASE")).isEqualTo("Promoting");
    assertThat(column(header, row, "SYNCED")).isEqualTo("False");
  }

  /** The value under a heading of kubectl's table (columns start where their headings do). */
  private static String column(String header, String row, String heading) {
    int start = header.indexOf(heading);
    assertThat(start).as("column " + heading + " in " + header).isNotNegative();
    return row.substring(start).split("\\s+")[0];
  }

  @Test
  void kubectlExplainDescribesTheFields() {
    Kubectl spec = kubectl("", "explain", "cell.spec");
    assertThat(spec.code()).as(spec.err()).isZero();
    assertThat(spec.out()).contains("What to roll out and how.", "ingress", "Where traffic enters", "replicas",
        "How many target groups (one per cluster)");

    Kubectl step = kubectl("", "explain", "cell.spec.updateStrategy.canary.steps.setWeight");
    assertThat(step.out()).contains("The new version's share in percent");
    Kubectl priority = kubectl("", "explain", "cell.spec.ingress.awsApplicationLoadBalancer.listener.rule.priority");
    assertThat(priority.out()).contains("The rule's priority on the listener (1..50000)");
    Kubectl history = kubectl("", "explain", "cell.status.history");
    assertThat(history.out()).contains("okra-runner cell history");

    // Every field, as the API server serves the schema: what explain reads.
    for (var crd : CrdSchemas.all()) {
      var served = kube.client().apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get();
      assertThat(CrdSchemas.fields(served)).as(crd.getMetadata().getName()).allSatisfy(f ->
          assertThat(f.description()).as(f.path()).isNotBlank());
    }
  }

  private static AwsFixture.Alb fakeAlb() {
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 6; i++) groups.add("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-" + i + "/0123456789abcdef");
    return new AwsFixture.Alb("vpc-1", List.of(), "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/0123456789abcdef",
        LISTENER, groups);
  }

  private static String resource(String name) throws IOException {
    try (var in = CrdValidationIT.class.getResourceAsStream("CrdValidationIT/" + name)) {
      if (in == null) throw new IllegalStateException("missing test resource CrdValidationIT/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The real kubectl, with {@code stdin}, against the test API server. */
  private static Kubectl kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(TestKube.kubectl().toString(), "--kubeconfig", kube.kubeconfig().toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("kubectl", ".out");
      Path err = Files.createTempFile("kubectl", ".err");
      Process p = new ProcessBuilder(command).directory(DocsFiles.repoRoot().toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60s");
      }
      Kubectl result = new Kubectl(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
