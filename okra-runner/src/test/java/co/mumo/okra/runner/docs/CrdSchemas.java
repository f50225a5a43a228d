package co.mumo.okra.runner.docs;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Okra's CRDs as the build generated them (META-INF/fabric8 in the engine jar, from the model
 * classes), and their schemas flattened to one row per field.
 */
public final class CrdSchemas {
  static final String DIR = "META-INF/fabric8";
  static final String SUFFIX = ".okra.mumo.co-v1.yml";
  /** The kinds users write first come first in the docs; any others follow by name. */
  private static final List<String> ORDER = List.of("Cell", "AWSTargetGroup", "AWSApplicationLoadBalancerConfig", "VersionBlocklist",
      "ClusterSet", "AWSTargetGroupSet");

  /**
   * One field: a dotted path ({@code []} marks list items, {@code {}} map values), its type in words,
   * its description, and what the API server checks on it, in words.
   */
  public record Field(String path, String type, String description, List<String> rules, List<String[]> movedRules) {
    public Field(String path, String type, String description, List<String> rules) {
      this(path, type, description, rules, List.of());
    }
  }

  private CrdSchemas() {}

  /** Every okra.mumo.co CRD on the classpath, in documentation order. */
  public static List<CustomResourceDefinition> all() {
    List<CustomResourceDefinition> out = new ArrayList<>();
    for (String yaml : yamls()) out.add(Serialization.unmarshal(yaml, CustomResourceDefinition.class));
    if (out.isEmpty()) throw new IllegalStateException("no " + DIR + "/*" + SUFFIX + " on the classpath: is okra-engine built?");
    out.sort(Comparator.comparingInt((CustomResourceDefinition c) -> order(c.getSpec().getNames().getKind()))
        .thenComparing(c -> c.getSpec().getNames().getKind()));
    return out;
  }

  public static Optional<CustomResourceDefinition> byKind(String kind) {
    return all().stream().filter(c -> c.getSpec().getNames().getKind().equals(kind)).findFirst();
  }

  private static int order(String kind) {
    int i = ORDER.indexOf(kind);
    return i < 0 ? ORDER.size() : i;
  }

  public static JSONSchemaProps schema(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  }

  /** The fields under spec and status, depth first, in schema order (which is alphabetical). */
  public static List<Field> fields(CustomResourceDefinition crd) {
    List<Field> out = new ArrayList<>();
    JSONSchemaProps top = schema(crd);
    for (String root : List.of("spec", "status")) {
      if (top.getProperties() != null && top.getProperties().containsKey(root)) walk(root, top.getProperties().get(root), required(top, root), out);
    }
    // A rule across fields that names one of them (fieldPath) is listed with that field, as the API server reports it.
    Map<String, Field> byPath = new java.util.HashMap<>();
    out.forEach(f -> byPath.put(f.path(), f));
    for (Field f : out) {
      for (String[] moved : f.movedRules()) {
        Field target = byPath.getOrDefault(f.path() + moved[0], f);
        target.rules().add(moved[1]);
      }
    }
    return out.stream().map(f -> new Field(f.path(), f.type(), f.description(), List.copyOf(f.rules()))).toList();
  }

  private static boolean required(JSONSchemaProps parent, String name) {
    return parent.getRequired() != null && parent.getRequired().contains(name);
  }

  private static void walk(String path, JSONSchemaProps s, boolean required, List<Field> out) {
    List<String[]> moved = new ArrayList<>();
    if (s.getXKubernetesValidations() != null) {
      s.getXKubernetesValidations().stream().filter(v -> v.getFieldPath() != null)
          .forEach(v -> moved.add(new String[] {v.getFieldPath(), v.getMessage()}));
    }
    out.add(new Field(path, type(s), s.getDescription(), new ArrayList<>(rules(s, required)), moved));
    if (s.getProperties() != null) {
      s.getProperties().forEach((name, child) -> walk(path + "." + name, child, required(s, name), out));
    }
    JSONSchemaProps item = s.getItems() == null ? null : s.getItems().getSchema();
    if (item != null && item.getProperties() != null) {
      item.getProperties().forEach((name, child) -> walk(path + "[]." + name, child, required(item, name), out));
    }
    JSONSchemaProps value = s.getAdditionalProperties() == null ? null : s.getAdditionalProperties().getSchema();
    if (value != null && value.getProperties() != null) {
      value.getProperties().forEach((name, child) -> walk(path + "{}." + name, child, required(value, name), out));
    }
  }

  /** What the API server checks on a field, e.g. {@code required}, {@code 1..50000}, {@code one of: Canary}. */
  static List<String> rules(JSONSchemaProps s, boolean required) {
    List<String> out = new ArrayList<>();
    if (required) out.add("required");
    range(out, s.getMinimum(), s.getMaximum(), "");
    range(out, s.getMinLength(), s.getMaxLength(), " characters");
    range(out, s.getMinItems(), s.getMaxItems(), " items");
    range(out, s.getMinProperties(), s.getMaxProperties(), " entries");
    if (s.getEnum() != null && !s.getEnum().isEmpty()) {
      out.add("one of: " + String.join(", ", s.getEnum().stream().map(e -> e.asText()).toList()));
    }
    if (s.getPattern() != null) out.add("matches `" + s.getPattern() + "`");
    JSONSchemaProps item = s.getItems() == null ? null : s.getItems().getSchema();
    if (item != null) {
      List<String> each = new ArrayList<>();
      range(each, item.getMinLength(), item.getMaxLength(), " characters");
      if (!each.isEmpty()) out.add("each " + String.join(", ", each));
    }
    if (s.getXKubernetesValidations() != null) {
      s.getXKubernetesValidations().stream().filter(v -> v.getFieldPath() == null).forEach(v -> out.add(v.getMessage()));
    }
    return out;
  }

  private static void range(List<String> out, Number min, Number max, String unit) {
    if (min == null && max == null) return;
    if (max == null && min.doubleValue() == 1 && !unit.isEmpty()) {
      out.add("not empty");
      return;
    }
    String lo = min == null ? null : format(min);
    String hi = max == null ? null : format(max);
    out.add(lo != null && hi != null ? lo + ".." + hi + unit : lo != null ? "at least " + lo + unit : "at most " + hi + unit);
  }

  private static String format(Number n) {
    double d = n.doubleValue();
    return d == Math.rint(d) ? Long.toString((long) d) : n.toString();
  }

  /** e.g. {@code string}, {@code list of object}, {@code map of string to list of string}, {@code integer or string}. */
  public static String type(JSONSchemaProps s) {
    if (Boolean.TRUE.equals(s.getXKubernetesIntOrString())) return "integer or string";
    String t = s.getType() == null ? "any" : s.getType();
    if ("array".equals(t)) {
      return "list of " + (s.getItems() == null || s.getItems().getSchema() == null ? "any" : type(s.getItems().getSchema()));
    }
    if ("object".equals(t) && s.getAdditionalProperties() != null && s.getAdditionalProperties().getSchema() != null) {
      return "map of string to " + type(s.getAdditionalProperties().getSchema());
    }
    return t;
  }

  private static List<String> yamls() {
    List<String> out = new ArrayList<>();
    try {
      for (URL url : Collections.list(CrdSchemas.class.getClassLoader().getResources(DIR))) {
        try (Stream<Path> files = Files.list(directory(url.toURI()))) {
          for (Path p : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
            out.add(Files.readString(p, StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** A classpath directory, in target/classes or inside the engine jar. */
  private static Path directory(URI uri) throws IOException {
    if (!"jar".equals(uri.getScheme())) return Path.of(uri);
    FileSystem fs;
    try {
      fs = FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      fs = FileSystems.getFileSystem(uri);
    }
    return fs.getPath(DIR);
  }
}
