package co.mumo.okra.runner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.SystemTimeReads;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The runner makes one Clock, and every command reads the time from it. */
class RunnerClockTest {
  private static final Clock FIXED = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void everyCommandsOptionsCarryTheRunnersClock() {
    List<String> checked = new ArrayList<>();
    walk(OkraRunner.commandLine(FIXED, "no-such-command"), checked);
    assertThat(checked).contains("okra-runner reconcile", "okra-runner cell promote", "okra-runner discover", "okra-runner eks token");
    CommandLine reconcile = OkraRunner.commandLine(FIXED, "reconcile").getSubcommands().get("reconcile");
    assertThat(((GlobalOptions) reconcile.getCommandSpec().mixins().get("global").userObject()).clock()).isSameAs(FIXED);
  }

  private static void walk(CommandLine cli, List<String> checked) {
    CommandLine.Model.CommandSpec global = cli.getCommandSpec().mixins().get("global");
    if (global != null) {
      assertThat(((GlobalOptions) global.userObject()).clock()).as(cli.getCommandSpec().qualifiedName()).isSameAs(FIXED);
      checked.add(cli.getCommandSpec().qualifiedName());
    }
    cli.getSubcommands().values().forEach(sub -> walk(sub, checked));
  }

  @Test
  void nothingButTheRunnersOneClockReadsTheSystemTime() {
    SystemTimeReads.forbiddenTo(noClasses().that().resideInAPackage("co.mumo.okra.runner..")
            .and().doNotHaveFullyQualifiedName(OkraRunner.class.getName()))
        .because("the time comes from OkraRunner's clock, handed down (tests hand their own)")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("co.mumo.okra.runner"));
  }
}
