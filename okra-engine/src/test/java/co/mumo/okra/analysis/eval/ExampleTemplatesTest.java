package co.mumo.okra.analysis.eval;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.policy.AnalysisPolicy;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The repository's example AnalysisTemplates (Argo's format) are valid for Okra's evaluator too, args given as the Cell does. */
class ExampleTemplatesTest {
  @Test
  void theExampleTemplatesValidateAndResolve() throws IOException {
    Path file = Path.of("..", "examples", "manifests", "04-analysistemplates.yaml");
    List<Map<String, Object>> docs = new ArrayList<>();
    try (var it = new ObjectMapper(new YAMLFactory()).readerFor(Map.class).readValues(Files.readString(file))) {
      while (it.hasNext()) docs.add(cast(it.next()));
    }
    assertThat(docs).hasSizeGreaterThanOrEqualTo(2);
    Providers providers = Providers.standard(AnalysisPolicy.DEFAULT.withJobProvider(true), () -> null, (ns, name) -> Optional.empty());
    for (Map<String, Object> doc : docs) {
      String name = String.valueOf(cast(doc.get("metadata")).get("name"));
      Map<String, Object> spec = AnalysisSpecs.merge("step", List.of(new AnalysisSpecs.Template(name, cast(doc.get("spec")))),
          List.of(Map.of("name", "cluster-version", "value", "2.0.0"), Map.of("name", "service-name", "value", "web")));
      assertThat(AnalysisDefinition.validate("step", spec, ArgSource.NONE, AnalysisDefinition.Mode.STEP)).as(name).isEmpty();
      AnalysisDefinition def = AnalysisDefinition.of("step", spec, ArgSource.NONE, AnalysisDefinition.Mode.STEP);
      assertThat(providers.check("step", def)).as(name).isEmpty();
      assertThat(def.metrics()).allSatisfy(m -> assertThat(String.valueOf(m.provider())).doesNotContain("{{args."));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }
}
