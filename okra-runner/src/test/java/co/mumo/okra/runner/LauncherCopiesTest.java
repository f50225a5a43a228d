package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.runner.docs.DocsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one launcher (okra-runner/bin/okra-runner), the extra-args splitter (ci/okra-args.sh) and the
 * pinned runner SHA-256s (ci/okra-runner.sha256) exist once; the front-ends that cannot read this
 * repository ship copies that scripts/sync-launcher.sh writes. A copy that differs fails here.
 */
class LauncherCopiesTest {
  private static final Path ROOT = DocsFiles.repoRoot();
  private static final String FIX = " differs from its source: run scripts/sync-launcher.sh";

  @Test
  void theJenkinsLibraryShipsTheLauncherAndThePinsUnchanged() throws IOException {
    Path lib = ROOT.resolve("okra-jenkins-plugin/resources/co/mumo/okra/jenkins");

    assertThat(Files.readString(lib.resolve("okra-runner"))).as(lib.resolve("okra-runner") + FIX)
        .isEqualTo(Files.readString(ROOT.resolve("okra-runner/bin/okra-runner")));
    assertThat(Files.readString(lib.resolve("okra-runner.sha256"))).as(lib.resolve("okra-runner.sha256") + FIX)
        .isEqualTo(Files.readString(ROOT.resolve("ci/okra-runner.sha256")));
  }

  @Test
  void theGitlabTemplateShipsTheLauncherTheSplitterAndThePinsUnchanged() throws IOException {
    String template = Files.readString(ROOT.resolve("examples/gitlab/okra.gitlab-ci.yml"));

    assertThat(heredoc(template, "okra-runner")).as("the template's launcher" + FIX)
        .isEqualTo(Files.readString(ROOT.resolve("okra-runner/bin/okra-runner")));
    assertThat(heredoc(template, "okra-args.sh")).as("the template's okra-args.sh" + FIX)
        .isEqualTo(Files.readString(ROOT.resolve("ci/okra-args.sh")));
    assertThat(heredoc(template, "okra-runner.sha256")).as("the template's pins" + FIX)
        .isEqualTo(Files.readString(ROOT.resolve("ci/okra-runner.sha256")));
  }

  @Test
  void noFrontEndStartsTheRunnerWithoutTheLauncher() throws IOException {
    for (String file : new String[] {"ci/run-okra.sh", "examples/gitlab/okra.gitlab-ci.yml",
        "okra-jenkins-plugin/src/co/mumo/okra/jenkins/RunnerProcess.groovy"}) {
      // The template's copy of the launcher is the launcher; what it runs itself is the rest.
      String text = Files.readString(ROOT.resolve(file)).replaceAll("(?ms)^( *)cat > \\.okra-bin/\\S+ <<'(\\w+)'\\n.*?^\\1\\2$", "");
      assertThat(text).as(file + " starts the runner itself").doesNotContainPattern("java [^\\n]*-jar").doesNotContain("ArchiveClassesAtExit")
          .doesNotContain("AOTCache");
    }
  }

  /** The text of {@code cat > .okra-bin/NAME <<'TAG'} ... {@code TAG} in the template, as the shell writes it. */
  private static String heredoc(String template, String name) {
    Matcher m = Pattern.compile("(?ms)^( *)cat > \\.okra-bin/" + Pattern.quote(name) + " <<'(\\w+)'\\n(.*?)^\\1\\2$").matcher(template);
    assertThat(m.find()).as("a heredoc for .okra-bin/" + name + " in the template").isTrue();
    String indent = m.group(1);
    StringBuilder out = new StringBuilder();
    for (String line : m.group(3).split("\n", -1)) out.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n');
    return out.substring(0, out.length() - 1);
  }
}
