package co.mumo.okra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's layers, as docs/architecture.md draws them, checked on the compiled classes:
 *
 * <pre>
 *   runner (okra-runner)
 *     ├─ adapters: alb (ELBv2), kube (fabric8), analysis (Argo Rollouts, Okra's evaluator), discovery, aws,
 *     │     notify (webhooks), outbound (the hardened HTTP client of analyses and webhooks)
 *     │     └─ depend on the engine's ports, never the reverse
 *     ├─ cell: the engine (decisions, the pass, the ports LoadBalancer, ClusterStore, Analyses, EventRecorder)
 *     ├─ rule: listener rules (conditions, weights, placement) — pure
 *     ├─ failure: what went wrong, in words (translates SDK exceptions)
 *     └─ api, core, policy, redaction: values at the bottom
 * </pre>
 *
 * No cycles between these packages; the engine and everything below it import no SDK client or
 * exception type; the decisions read no clock.
 */
class ArchitectureTest {
  private static final String OKRA = "co.mumo.okra.";
  private static final String[] ADAPTERS = {OKRA + "alb..", OKRA + "kube..", OKRA + "analysis..", OKRA + "discovery..", OKRA + "aws..",
      OKRA + "notify..", OKRA + "outbound.."};
  private static final String[] SDK_CLIENTS = {"io.fabric8.kubernetes.client..", "software.amazon.awssdk.."};
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("co.mumo.okra");
  }

  @Test
  void noCyclesBetweenPackages() {
    slices().matching("co.mumo.okra.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void valuesAtTheBottomDependOnNothingAbove() {
    noClasses().that().resideInAnyPackage(OKRA + "api..", OKRA + "core..", OKRA + "redaction..")
        .should().dependOnClassesThat().resideInAnyPackage(OKRA + "cell..", OKRA + "rule..", OKRA + "policy..", OKRA + "failure..",
            OKRA + "alb..", OKRA + "kube..", OKRA + "analysis..", OKRA + "discovery..", OKRA + "aws..")
        .check(classes);
    noClasses().that().resideInAnyPackage(OKRA + "policy..", OKRA + "rule..")
        .should().dependOnClassesThat().resideInAnyPackage(OKRA + "cell..", OKRA + "failure..", OKRA + "api..")
        .check(classes);
  }

  @Test
  void adaptersDependOnTheEngineNeverTheReverse() {
    noClasses().that().resideInAnyPackage(OKRA + "cell..", OKRA + "rule..", OKRA + "core..", OKRA + "policy..", OKRA + "api..",
            OKRA + "redaction..", OKRA + "failure..")
        .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
        .check(classes);
  }

  @Test
  void theEngineImportsNoSdkClientOrExceptionType() {
    noClasses().that().resideInAnyPackage(OKRA + "cell..", OKRA + "rule..", OKRA + "core..", OKRA + "policy..")
        .should().dependOnClassesThat().resideInAnyPackage(SDK_CLIENTS)
        .because("adapters translate what their SDKs say; the engine speaks in its own types")
        .check(classes);
  }

  @Test
  void decisionsReadNoClock() {
    noClasses().that().haveFullyQualifiedName(OKRA + "cell.CellDecider").or().haveSimpleNameStartingWith("CellDecider$")
        .or().resideInAPackage(OKRA + "rule..")
        .should().dependOnClassesThat().areAssignableTo(Clock.class)
        .orShould().callMethod(Instant.class, "now")
        .because("the time is an input of the decision (a re-run over the same state decides the same)")
        .check(classes);
  }
}
