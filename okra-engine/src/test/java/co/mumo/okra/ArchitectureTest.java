package co.mumo.okra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import co.mumo.okra.testsupport.SystemTimeReads;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's layers and rules, checked on the compiled classes. {@link #LAYERS} and {@link #RULES} are the
 * one statement of them: docs/architecture.md shows them as this class renders them (its section between the
 * {@code layers} markers), and {@link #theDocumentShowsTheseLayersAndRules()} fails when the two differ
 * ({@code -Dokra.docs.write=true} rewrites the section).
 */
class ArchitectureTest {
  private static final String OKRA = "co.mumo.okra.";

  /** A layer: what it is for, its packages under co.mumo.okra, and the layers below it that it may use. */
  record Layer(String name, String role, List<String> packages, List<String> mayUse) {
    String[] patterns() {
      return packages.stream().map(p -> OKRA + p + "..").toArray(String[]::new);
    }
  }

  /** Top to bottom. A layer may use its own packages (no cycle between them) and those it names. */
  static final List<Layer> LAYERS = List.of(
      new Layer("Adapters", "the engine's ports over real systems: ELBv2, the API server (fabric8), analyses, discovery, webhooks;"
          + " AWS clients; the hardened HTTP client of analyses and webhooks",
          List.of("alb", "kube", "analysis", "discovery", "aws", "notify", "outbound"), List.of("Engine", "Failure", "Rules", "API", "Values")),
      new Layer("Engine", "the pass and its decisions; the ports LoadBalancer, ClusterStore, Analyses, EventRecorder",
          List.of("cell"), List.of("Failure", "Rules", "API", "Values")),
      new Layer("Failure", "what went wrong, in words",
          List.of("failure"), List.of("Values")),
      new Layer("Rules", "listener rules (conditions, weights, placement) and the owner's policies: pure",
          List.of("rule", "policy"), List.of("Values")),
      new Layer("API", "the CRDs' model classes",
          List.of("api"), List.of()),
      new Layer("Values", "shared values (field errors, versions, phases) and secret redaction",
          List.of("core", "redaction"), List.of()));

  /** okra-runner's package sits on all of it; it is not in this module, so not checked here. */
  private static final String RUNNER = "runner (okra-runner: picocli commands, the Clock, wiring) may use every layer";

  private static final String[] ENGINE = {OKRA + "cell..", OKRA + "rule..", OKRA + "core..", OKRA + "policy.."};
  private static final String[] SDK_CLIENTS = {"io.fabric8.kubernetes.client..", "software.amazon.awssdk.."};

  static final List<ArchRule> RULES = List.of(
      layers(),
      slices().matching("co.mumo.okra.(*)..").should().beFreeOfCycles()
          .as("No cycle between packages"),
      noClasses().that().resideInAnyPackage(ENGINE).should().dependOnClassesThat().resideInAnyPackage(SDK_CLIENTS)
          .as("The engine (cell, rule, core, policy) imports no fabric8 client or AWS SDK type")
          .because("adapters translate what their SDKs say; the engine speaks in its own types"),
      noClasses().that().haveFullyQualifiedName(OKRA + "cell.CellDecider").or().haveSimpleNameStartingWith("CellDecider$")
          .or().resideInAPackage(OKRA + "rule..")
          .should().dependOnClassesThat().areAssignableTo(Clock.class)
          .orShould().callMethod(Instant.class, "now")
          .as("The decisions (CellDecider, rule) read no clock")
          .because("the time is an input of the decision (a re-run over the same state decides the same)"),
      SystemTimeReads.forbiddenTo(noClasses().that().resideInAPackage("co.mumo.okra.."))
          .as("Nothing in the engine reads the system's time; it uses the Clock it is given")
          .because("the runner makes one Clock and hands it down, so a test (or the demo) can set the time; a bound on how"
              + " long something may take uses System.nanoTime, which no clock step moves"));

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("co.mumo.okra");
  }

  @Test
  void theCodeKeepsEveryRule() {
    assertAll(RULES.stream().map(rule -> () -> rule.check(classes)));
  }

  @Test
  void theDocumentShowsTheseLayersAndRules() throws IOException {
    Path doc = repoRoot().resolve("docs/architecture.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int from = text.indexOf(BEGIN);
    int to = text.indexOf(END);
    assertThat(from).as("docs/architecture.md has the line " + BEGIN).isNotNegative();
    assertThat(to).as("docs/architecture.md has the line " + END + " after " + BEGIN).isGreaterThan(from);
    String written = text.substring(from, to + END.length());
    String rendered = render();
    if (Boolean.getBoolean("okra.docs.write")) {
      Files.writeString(doc, text.replace(written, rendered), StandardCharsets.UTF_8);
      return;
    }
    assertThat(written).as("docs/architecture.md's layers and rules, as ArchitectureTest states them. Regenerate with: "
        + "mvn -pl okra-engine test -Dtest=ArchitectureTest -Dokra.docs.write=true").isEqualTo(rendered);
  }

  private static final String BEGIN = "<!-- layers: generated by ArchitectureTest, do not edit -->";
  private static final String END = "<!-- /layers -->";

  /** A Mermaid graph (GitHub draws it), a table for those who read the Markdown, and the rules. */
  static String render() {
    StringBuilder s = new StringBuilder(BEGIN).append("\n```mermaid\nflowchart TD\n  Runner[\"runner (okra-runner)\"]\n");
    for (Layer l : LAYERS) s.append("  ").append(l.name()).append("[\"").append(l.name()).append(": ")
        .append(String.join(", ", l.packages())).append("\"]\n");
    s.append("  Runner --> ").append(LAYERS.get(0).name()).append('\n');
    for (Layer l : LAYERS) for (String below : l.mayUse()) s.append("  ").append(l.name()).append(" --> ").append(below).append('\n');
    s.append("```\n\n| layer | packages (`co.mumo.okra.*`) | may use | what it is |\n| --- | --- | --- | --- |\n");
    for (Layer l : LAYERS) {
      s.append("| ").append(l.name()).append(" | ").append(l.packages().stream().map(p -> "`" + p + "`").collect(Collectors.joining(", ")))
          .append(" | ").append(l.mayUse().isEmpty() ? "nothing of Okra's" : String.join(", ", l.mayUse())).append(" | ")
          .append(l.role()).append(" |\n");
    }
    s.append("\nThe ").append(RUNNER).append(".\n\nThe rules (`ArchitectureTest`, on the compiled classes):\n\n");
    for (ArchRule r : RULES) s.append("- ").append(r.getDescription()).append('\n');
    return s.append(END).toString();
  }

  private static ArchRule layers() {
    LayeredArchitecture a = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (Layer l : LAYERS) a = a.layer(l.name()).definedBy(l.patterns());
    for (Layer l : LAYERS) {
      a = l.mayUse().isEmpty() ? a.whereLayer(l.name()).mayNotAccessAnyLayer()
          : a.whereLayer(l.name()).mayOnlyAccessLayers(l.mayUse().toArray(String[]::new));
    }
    return a.as("Each layer uses only the layers the table names (the packages of okra-engine)");
  }

  /** The nearest directory up from the working directory (okra-engine/ under Maven) with docs/ and okra-engine/. */
  private static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("okra-engine"))) return p;
    }
    throw new IllegalStateException("no directory with docs/ and okra-engine/ above " + Path.of("").toAbsolutePath());
  }
}
