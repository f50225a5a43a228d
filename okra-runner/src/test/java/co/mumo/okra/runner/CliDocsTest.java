package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.runner.docs.DocsFiles;
import org.junit.jupiter.api.Test;

/** docs/cli.md is what the picocli model generates; -Dokra.docs.write=true rewrites it. */
class CliDocsTest {
  @Test
  void cliMdIsUpToDate() {
    DocsFiles.checkOrWrite("docs/cli.md", CliDocs.generate());
  }

  @Test
  void everyCommandAndExitCodeIsDocumented() {
    String md = CliDocs.generate();

    assertThat(md).contains("## okra-runner reconcile", "## okra-runner cell promote", "## okra-runner alb apply",
        "## okra-runner crds print", "## okra-runner demo", "## okra-runner version");
    assertThat(md).contains("| `--timeout=<timeout>` |", "| `-n, --namespace=<namespace>` |", "| `--speed=<speed>` |");
    assertThat(md).doesNotContain("--interval"); // hidden, as in --help
    for (int code = 0; code <= 5; code++) assertThat(md).containsPattern("(?m)^\\| " + code + " \\| \\S");
  }
}
