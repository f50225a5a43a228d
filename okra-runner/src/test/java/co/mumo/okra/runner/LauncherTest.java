package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.runner.docs.DocsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * okra-runner/bin/okra-runner, the AppCDS launcher, run by /bin/sh with a fake {@code java} that
 * records its arguments, writes the archive it is asked to record and exits with a given code.
 */
class LauncherTest {
  @TempDir
  Path dir;

  private final Path launcher = DocsFiles.repoRoot().resolve("okra-runner/bin/okra-runner");
  private Path jar;
  private Path cache;

  @BeforeEach
  void fakeJavaAndJar() throws IOException {
    jar = Files.writeString(dir.resolve("okra-runner.jar"), "a jar");
    cache = dir.resolve("cache");
    Path java = dir.resolve("java");
    Files.writeString(java, """
        #!/bin/sh
        # -version with an archive: the launcher checking it maps ("archive" does, anything else does not).
        for a in "$@"; do
          case "$a" in -XX:SharedArchiveFile=*) archive=${a#-XX:SharedArchiveFile=} ;; esac
          if [ "$a" = -version ]; then [ "$(cat "$archive")" = archive ]; exit $?; fi
        done
        printf '%s\\n' "$@" > "$FAKE_ARGS"
        for a in "$@"; do
          case "$a" in -XX:ArchiveClassesAtExit=*) printf '%s' "${FAKE_ARCHIVE:-archive}" > "${a#-XX:ArchiveClassesAtExit=}" ;; esac
        done
        exit "$FAKE_EXIT"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exitCode, List<String> javaArgs, String output) {}

  private Run launch(int fakeExit, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("/bin/sh", launcher.toString()), Stream.of(args)).toList())
        .redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.remove("JAVA_HOME");
    e.put("JAVA", dir.resolve("java").toString());
    e.put("OKRA_RUNNER_JAR", jar.toString());
    e.put("OKRA_CACHE", cache.toString());
    e.put("FAKE_ARGS", dir.resolve("args").toString());
    e.put("FAKE_EXIT", String.valueOf(fakeExit));
    e.putAll(env);
    Files.deleteIfExists(dir.resolve("args"));
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> javaArgs = Files.exists(dir.resolve("args")) ? Files.readAllLines(dir.resolve("args")) : List.of();
    return new Run(p.exitValue(), javaArgs, output);
  }

  private List<Path> cached() throws IOException {
    if (!Files.isDirectory(cache)) return List.of();
    try (Stream<Path> files = Files.list(cache)) {
      return files.toList();
    }
  }

  @Test
  void theFirstReconcileRecordsTheArchiveAndTheNextRunsUseIt() throws Exception {
    Run first = launch(0, Map.of(), "reconcile", "--cell", "web");

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.javaArgs()).contains("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xlog:cds=off")
        .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + cache + "/okra-runner-") && a.endsWith(".partial"))
        .endsWith("-jar", jar.toString(), "reconcile", "--cell", "web");
    assertThat(cached()).singleElement().satisfies(archive -> assertThat(archive.getFileName().toString()).matches("okra-runner-\\d+\\.jsa"));
    Path archive = cached().get(0);

    Run report = launch(0, Map.of(), "report", "--input", "x.jsonl");

    assertThat(report.javaArgs()).contains("-XX:SharedArchiveFile=" + archive).endsWith("-jar", jar.toString(), "report", "--input", "x.jsonl");
    assertThat(cached()).containsExactly(archive);
  }

  @Test
  void exitCodesPassThroughAndOnlyAPassThatRanKeepsItsArchive() throws Exception {
    for (int code : List.of(1, 2)) {
      assertThat(launch(code, Map.of(), "reconcile", "--cell", "web").exitCode()).isEqualTo(code);
      assertThat(cached()).as("after exit " + code).isEmpty();
    }

    assertThat(launch(5, Map.of(), "reconcile", "--cell", "web", "--wait").exitCode()).isEqualTo(5);

    assertThat(cached()).hasSize(1);
    assertThat(launch(3, Map.of(), "reconcile", "--cell", "web").exitCode()).isEqualTo(3);
  }

  @Test
  void anArchiveTheJvmCannotMapIsNotKept() throws Exception {
    Run run = launch(0, Map.of("FAKE_ARCHIVE", "cut short"), "reconcile", "--cell", "web");

    assertThat(run.exitCode()).isZero();
    assertThat(cached()).isEmpty();
  }

  @Test
  void otherCommandsNeverRecord() throws Exception {
    Run run = launch(0, Map.of(), "cell", "promote", "web");

    assertThat(run.javaArgs()).noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit"))
        .endsWith("-jar", jar.toString(), "cell", "promote", "web");
    assertThat(cached()).isEmpty();
  }

  @Test
  void anotherJarGetsAnotherArchive() throws Exception {
    launch(0, Map.of(), "reconcile", "--cell", "web");
    Files.writeString(jar, "another build of the jar");

    Run run = launch(0, Map.of(), "reconcile", "--cell", "web");

    assertThat(run.javaArgs()).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
    assertThat(cached()).hasSize(2);
  }

  @Test
  void cdsOffAndAnUnwritableCacheRunPlainlyWithC1() throws Exception {
    Run off = launch(0, Map.of("OKRA_CDS", "off"), "reconcile", "--cell", "web");
    Path file = Files.writeString(dir.resolve("not-a-dir"), "");
    Run unwritable = launch(0, Map.of("OKRA_CACHE", file.resolve("cache").toString()), "reconcile", "--cell", "web");

    for (Run run : List.of(off, unwritable)) {
      assertThat(run.exitCode()).isZero();
      assertThat(run.javaArgs()).contains("-XX:TieredStopAtLevel=1").noneMatch(a -> a.contains("Archive"))
          .endsWith("-jar", jar.toString(), "reconcile", "--cell", "web");
    }
    assertThat(cached()).isEmpty();
  }

  @Test
  void theCiFrontEndsWithoutTheLauncherStartTheRunnerWithItsFlags() throws IOException {
    Path root = DocsFiles.repoRoot();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^flags=\"([^\"]+)\"$").matcher(Files.readString(launcher));
    assertThat(m.find()).as("the launcher's flags line").isTrue();
    List<String> flags = List.of(m.group(1).split(" "));

    String gitlab = Files.readString(root.resolve("examples/gitlab/okra.gitlab-ci.yml"));
    String jenkins = Files.readString(root.resolve("okra-jenkins-plugin/src/co/mumo/okra/jenkins/RunnerProcess.groovy"));

    assertThat(gitlab).contains("jvm=\"" + String.join(" ", flags) + "\"");
    for (String flag : flags) assertThat(jenkins).contains("'" + flag + "'");
  }

  @Test
  void aMissingJarIsNamed() throws Exception {
    Run run = launch(0, Map.of("OKRA_RUNNER_JAR", dir.resolve("nope.jar").toString()), "version");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("nope.jar not found");
  }
}
