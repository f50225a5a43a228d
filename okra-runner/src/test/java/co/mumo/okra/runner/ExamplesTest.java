package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellDefinition;
import co.mumo.okra.cell.CellValidator;
import co.mumo.okra.cell.TargetGroup;
import co.mumo.okra.cell.TargetGroupInventory;
import co.mumo.okra.core.InvalidSpecException;
import co.mumo.okra.runner.docs.CrdSchemas;
import co.mumo.okra.runner.docs.DocsFiles;
import co.mumo.okra.testsupport.TestKube;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under examples/ is checked as the API server and the runner would see it, so the
 * examples cannot rot: Okra kinds against the CRD schemas the build generates (an unknown or
 * misplaced field fails: the API server would drop it silently) and through the model classes;
 * Cells through CellValidator and, for their analysis steps, ArgoAnalyses' reference check against
 * the example AnalysisTemplates; and the CI examples against the action's and the template's inputs.
 */
class ExamplesTest {
  /** Kinds whose model classes belong to the discovery work: checked by apiVersion and kind alone until their CRD is built. */
  private static final Set<String> DISCOVERY_KINDS = Set.of("ClusterSet", "AWSTargetGroupSet");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = DocsFiles.repoRoot();
  private static TestKube kube;

  record Doc(Path file, Map<String, Object> body) {
    String kind() {
      return String.valueOf(body.get("kind"));
    }

    String where() {
      return ROOT.relativize(file) + " " + kind() + " " + metadata().get("name");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> metadata() {
      return body.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    String namespace() {
      return String.valueOf(metadata().getOrDefault("namespace", "default"));
    }
  }

  @BeforeAll
  static void mockApiServer() {
    kube = TestKube.mock();
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  static List<Doc> manifests() throws IOException {
    List<Doc> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT.resolve("examples"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
        for (Object doc : YAML.readerFor(Object.class).readValues(Files.readString(f)).readAll()) {
          if (doc instanceof Map<?, ?> m && m.containsKey("apiVersion") && m.containsKey("kind")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) m;
            out.add(new Doc(f, body));
          }
        }
      }
    }
    return out;
  }

  private static List<Doc> okraDocs() throws IOException {
    return manifests().stream().filter(d -> String.valueOf(d.body().get("apiVersion")).startsWith("okra.mumo.co/")).toList();
  }

  @Test
  void theOriginalScenarioIsThereInFull() throws IOException {
    assertThat(manifests().stream().map(Doc::kind).distinct())
        .contains("ClusterSet", "AWSTargetGroupSet", "Cell", "AWSTargetGroup", "AnalysisTemplate");
    List<String> providers = new ArrayList<>();
    for (Doc d : manifests()) {
      if (d.kind().equals("AnalysisTemplate")) providers.addAll(providersOf(d));
    }
    assertThat(providers).contains("cloudWatch", "datadog");
  }

  @Test
  void everyOkraManifestMatchesItsCrdSchemaAndModelClass() throws Exception {
    List<String> errors = new ArrayList<>();
    List<String> genericOnly = new ArrayList<>();
    for (Doc d : okraDocs()) {
      if (!"okra.mumo.co/v1alpha1".equals(d.body().get("apiVersion"))) errors.add(d.where() + ": apiVersion must be okra.mumo.co/v1alpha1");
      var crd = CrdSchemas.byKind(d.kind());
      if (crd.isEmpty()) {
        if (!DISCOVERY_KINDS.contains(d.kind())) errors.add(d.where() + ": no such Okra kind");
        else genericOnly.add(d.kind());
        continue;
      }
      Map<String, JSONSchemaProps> top = CrdSchemas.schema(crd.get()).getProperties();
      for (Map.Entry<String, Object> e : d.body().entrySet()) {
        switch (e.getKey()) {
          case "apiVersion", "kind", "metadata" -> { }
          case "spec", "status" -> check(d.where(), e.getKey(), e.getValue(), top.get(e.getKey()), errors);
          default -> errors.add(d.where() + ": unknown top-level field " + e.getKey());
        }
      }
      Serialization.unmarshal(Serialization.asJson(d.body()), Class.forName("co.mumo.okra.api." + d.kind()));
    }
    assertThat(errors).isEmpty();
    // ClusterSet and AWSTargetGroupSet: when the build has no CRD for them, only apiVersion and kind were checked.
    System.out.println("ExamplesTest: checked by apiVersion and kind only (no CRD built): " + genericOnly);
  }

  @Test
  void everyCellIsValidAndItsTemplatesAndTargetGroupsAreThere() throws Exception {
    List<Doc> docs = manifests();
    for (Doc d : docs) {
      if (d.kind().equals("AnalysisTemplate")) {
        GenericKubernetesResource t = Serialization.unmarshal(Serialization.asJson(d.body()), GenericKubernetesResource.class);
        kube.client().genericKubernetesResources("argoproj.io/v1alpha1", "AnalysisTemplate").inNamespace(d.namespace())
            .resource(t).createOr(r -> r.update());
      }
    }
    int cells = 0;
    for (Doc d : docs) {
      if (!d.kind().equals("Cell")) continue;
      cells++;
      Cell cell = Serialization.unmarshal(Serialization.asJson(d.body()), Cell.class);
      CellDefinition def;
      try {
        def = CellValidator.validate(cell);
      } catch (InvalidSpecException e) {
        throw new AssertionError(d.where() + " is invalid: " + e.errors(), e);
      }
      assertThat(new ArgoAnalyses(kube.client()).checkReferences(def)).as(d.where()).isEmpty();
      List<TargetGroup> groups = new ArrayList<>();
      for (Doc t : docs) {
        if (!t.kind().equals("AWSTargetGroup") || !t.namespace().equals(def.namespace())) continue;
        AWSTargetGroup tg = Serialization.unmarshal(Serialization.asJson(t.body()), AWSTargetGroup.class);
        Map<String, String> labels = tg.getMetadata().getLabels();
        if (def.matchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
          groups.add(new TargetGroup(tg.getMetadata().getName(), tg.getSpec().arn, labels));
        }
      }
      TargetGroupInventory inventory = TargetGroupInventory.of(groups, def.versionLabels());
      assertThat(inventory.rejected()).as(d.where() + ": example target groups the Cell would ignore").isEmpty();
      assertThat(inventory.newestComplete(def.replicas(), v -> true)).as(d.where() + ": a complete version among the examples").isPresent();
    }
    assertThat(cells).isPositive();
  }

  @SuppressWarnings("unchecked")
  private static List<String> providersOf(Doc template) {
    List<String> out = new ArrayList<>();
    Map<String, Object> spec = (Map<String, Object>) template.body().get("spec");
    for (Object m : (List<Object>) spec.get("metrics")) {
      out.addAll(((Map<String, Object>) ((Map<String, Object>) m).get("provider")).keySet());
    }
    return out;
  }

  /** The value against the schema: unknown fields (which the API server would prune) and wrong types. */
  @SuppressWarnings("unchecked")
  private static void check(String where, String path, Object value, JSONSchemaProps s, List<String> errors) {
    if (s == null) {
      errors.add(where + ": " + path + " is not a field of the CRD");
      return;
    }
    if (value == null) return;
    if (Boolean.TRUE.equals(s.getXKubernetesIntOrString())) {
      if (!(value instanceof Number || value instanceof String)) errors.add(where + ": " + path + " must be an integer or a string");
      return;
    }
    String type = s.getType() == null ? "" : s.getType();
    switch (type) {
      case "object" -> {
        if (!(value instanceof Map<?, ?> map)) {
          errors.add(where + ": " + path + " must be an object");
          return;
        }
        JSONSchemaProps values = s.getAdditionalProperties() == null ? null : s.getAdditionalProperties().getSchema();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
          JSONSchemaProps child = s.getProperties() == null ? null : s.getProperties().get(e.getKey());
          if (child == null) child = values;
          if (child == null && Boolean.TRUE.equals(s.getXKubernetesPreserveUnknownFields())) continue;
          check(where, path + "." + e.getKey(), e.getValue(), child, errors);
        }
      }
      case "array" -> {
        if (!(value instanceof List<?> list)) {
          errors.add(where + ": " + path + " must be a list");
          return;
        }
        for (int i = 0; i < list.size(); i++) check(where, path + "[" + i + "]", list.get(i), s.getItems().getSchema(), errors);
      }
      case "integer" -> {
        if (!(value instanceof Integer || value instanceof Long)) errors.add(where + ": " + path + " must be an integer, got " + value);
      }
      case "string" -> {
        if (!(value instanceof String)) errors.add(where + ": " + path + " must be a string, got " + value + " (quote it)");
      }
      case "boolean" -> {
        if (!(value instanceof Boolean)) errors.add(where + ": " + path + " must be true or false");
      }
      default -> { }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theGithubWorkflowsUseOnlyInputsTheActionHas() throws IOException {
    Map<String, Object> action = YAML.readValue(ROOT.resolve("action.yml").toFile(), Map.class);
    Set<String> inputs = ((Map<String, Object>) action.get("inputs")).keySet();
    String actionText = Files.readString(ROOT.resolve("action.yml"));
    Matcher used = Pattern.compile("\\$\\{\\{\\s*inputs\\.([a-z-]+)\\s*}}").matcher(actionText);
    while (used.find()) assertThat(inputs).as("action.yml refers to inputs." + used.group(1)).contains(used.group(1));
    int okraSteps = 0;
    try (Stream<Path> files = Files.list(ROOT.resolve("examples/github"))) {
      for (Path f : files.toList()) {
        Map<String, Object> workflow = YAML.readValue(f.toFile(), Map.class);
        for (Object job : ((Map<String, Object>) workflow.get("jobs")).values()) {
          for (Object step : (List<Object>) ((Map<String, Object>) job).get("steps")) {
            Map<String, Object> st = (Map<String, Object>) step;
            if (!String.valueOf(st.get("uses")).matches("[^/]+/okra@.+")) continue;
            okraSteps++;
            Map<String, Object> with = (Map<String, Object>) st.getOrDefault("with", Map.of());
            assertThat(inputs).as(f.getFileName() + " step " + st).containsAll(with.keySet());
          }
        }
      }
    }
    assertThat(okraSteps).isPositive();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theGithubExampleHoldsTheCellsGroupOnlyWhileARunnerRunsAndResumesAfterAnApproval() throws IOException {
    Map<String, Object> workflow = YAML.readValue(ROOT.resolve("examples/github/okra-rollout.yml").toFile(), Map.class);
    Map<String, Map<String, Object>> jobs = (Map<String, Map<String, Object>>) workflow.get("jobs");

    assertThat(workflow).as("no workflow-wide group: a run waiting for an approval would hold it").doesNotContainKey("concurrency");
    Map<String, Object> rollout = (Map<String, Object>) jobs.get("rollout").get("concurrency");
    Map<String, Object> approval = (Map<String, Object>) jobs.get("promote").get("concurrency");
    assertThat(rollout.get("group")).isEqualTo("okra-argocd-cell1");
    assertThat(rollout.get("cancel-in-progress")).as("a running rollout is never cancelled").isEqualTo(false);
    assertThat(approval.get("group")).as("the approval waits outside the Cell's group").isNotEqualTo(rollout.get("group"));
    assertThat(approval.get("cancel-in-progress")).as("one pending approval at a time").isEqualTo(true);
    assertThat(jobs.get("promote").get("environment")).isEqualTo("production");
    List<Map<String, Object>> steps = (List<Map<String, Object>>) jobs.get("promote").get("steps");
    assertThat(steps).anyMatch(s -> String.valueOf(s.get("run")).contains("gh workflow run okra-rollout.yml"));
    assertThat(((Map<String, Object>) jobs.get("promote").get("permissions")).get("actions")).isEqualTo("write");
    Map<String, Object> with = (Map<String, Object>) ((List<Map<String, Object>>) jobs.get("rollout").get("steps")).stream()
        .filter(s -> "okra".equals(s.get("id"))).findFirst().orElseThrow().get("with");
    assertThat(with.get("on-pause")).as("a pause ends the job, green with a warning").isEqualTo("warn");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theGitlabPipelineUsesOnlyInputsTheTemplateHas() throws IOException {
    Path template = ROOT.resolve("examples/gitlab/okra.gitlab-ci.yml");
    String[] parts = Files.readString(template).split("\n---\n", 2);
    Map<String, Object> spec = (Map<String, Object>) YAML.readValue(parts[0], Map.class).get("spec");
    Set<String> inputs = ((Map<String, Object>) spec.get("inputs")).keySet();
    Matcher used = Pattern.compile("\\$\\[\\[\\s*inputs\\.([a-z-]+)\\s*]]").matcher(parts[1]);
    while (used.find()) assertThat(inputs).as("the template refers to inputs." + used.group(1)).contains(used.group(1));

    Map<String, Object> pipeline = YAML.readValue(ROOT.resolve("examples/gitlab/.gitlab-ci.yml").toFile(), Map.class);
    List<Map<String, Object>> okra = ((List<Object>) pipeline.get("include")).stream().map(i -> (Map<String, Object>) i)
        .filter(i -> "examples/gitlab/okra.gitlab-ci.yml".equals(i.get("file"))).toList();
    assertThat(okra).as("the pipeline includes the template: the rollout, and the promotion a person starts").hasSize(2);
    Set<String> names = new java.util.HashSet<>();
    for (Map<String, Object> include : okra) {
      Map<String, Object> given = (Map<String, Object>) include.get("inputs");
      assertThat(inputs).containsAll(given.keySet());
      assertThat(names.add(String.valueOf(given.getOrDefault("job-name", "okra")))).as("one job name per include").isTrue();
    }
  }
}
