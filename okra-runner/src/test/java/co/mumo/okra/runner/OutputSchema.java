package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.runner.docs.DocsFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** docs/output.schema.json, and a check of what a command printed with -o json against it. */
final class OutputSchema {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonSchema schema;

  private OutputSchema() {}

  static synchronized JsonSchema schema() {
    if (schema == null) {
      try {
        JsonNode node = JSON.readTree(Files.readString(DocsFiles.repoRoot().resolve("docs/output.schema.json")));
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return schema;
  }

  /**
   * Every line of {@code stdout} is one JSON object that the schema accepts; returns the lines' types.
   * An empty output is a failure too: -o json always says something.
   */
  static List<String> assertValid(String stdout) {
    List<String> types = new ArrayList<>();
    List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("-o json printed nothing").isNotEmpty();
    for (String line : lines) {
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (IOException e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
      Set<ValidationMessage> problems = schema().validate(node);
      assertThat(problems).as("docs/output.schema.json rejects: " + line).isEmpty();
      types.add(node.path("type").asText());
    }
    return types;
  }
}
