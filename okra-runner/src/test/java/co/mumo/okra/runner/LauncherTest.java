package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.runner.docs.DocsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * okra-runner/bin/okra-runner, the one launcher, run by /bin/sh with a fake {@code java} in a fake
 * JDK (its release file says which version it is) that records its arguments, writes the archive it
 * is asked to record or create, and exits with a given code. LauncherIT runs it with real JVMs.
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
    for (String version : List.of("17.0.15", "25.0.3")) {
      Path home = dir.resolve("jdk-" + version.substring(0, 2));
      Files.createDirectories(home.resolve("bin"));
      Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
      Path java = home.resolve("bin/java");
      Files.writeString(java, """
          #!/bin/sh
          # -version with an archive: the launcher checking it maps ("archive" does, anything else does not).
          for a in "$@"; do
            case "$a" in -XX:SharedArchiveFile=*) archive=${a#-XX:SharedArchiveFile=} ;; -XX:AOTCache=*) archive=${a#-XX:AOTCache=} ;; esac
            if [ "$a" = -version ]; then [ "$(cat "$archive")" = archive ]; exit $?; fi
          done
          # AOT cache creation from a recorded configuration.
          for a in "$@"; do
            if [ "$a" = -XX:AOTMode=create ]; then printf '%s' "${FAKE_ARCHIVE:-archive}" > "$archive"; exit 0; fi
          done
          printf '%s\\n' "$@" > "$FAKE_ARGS"
          echo '{"phase":"Succeeded"}'
          for a in "$@"; do
            case "$a" in
              -XX:ArchiveClassesAtExit=*) printf '%s' "${FAKE_ARCHIVE:-archive}" > "${a#-XX:ArchiveClassesAtExit=}" ;;
              -XX:AOTConfiguration=*) printf 'classes' > "${a#-XX:AOTConfiguration=}"; echo " AOTConfiguration recorded: ${a#-XX:AOTConfiguration=}" ;;
            esac
          done
          exit "$FAKE_EXIT"
          """);
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private record Run(int exitCode, List<String> javaArgs, String stdout, String stderr) {}

  private Run launch(int fakeExit, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("/bin/sh", launcher.toString()), Stream.of(args)).toList());
    Map<String, String> e = pb.environment();
    e.remove("JAVA_HOME");
    e.remove("OKRA_RUNNER_SHA256");
    e.put("JAVA", dir.resolve("jdk-17/bin/java").toString());
    e.put("OKRA_RUNNER_JAR", jar.toString());
    e.put("OKRA_CACHE", cache.toString());
    e.put("FAKE_ARGS", dir.resolve("args").toString());
    e.put("FAKE_EXIT", String.valueOf(fakeExit));
    e.putAll(env);
    Files.deleteIfExists(dir.resolve("args"));
    Process p = pb.start();
    p.getOutputStream().close();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> javaArgs = Files.exists(dir.resolve("args")) ? Files.readAllLines(dir.resolve("args")) : List.of();
    return new Run(p.exitValue(), javaArgs, stdout, stderr);
  }

  private List<String> cached() throws IOException {
    if (!Files.isDirectory(cache)) return List.of();
    try (Stream<Path> files = Files.list(cache)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void onJdk17TheFirstReconcileRecordsAnAppCdsArchiveAndTheNextRunsUseIt() throws Exception {
    Run first = launch(0, Map.of(), "reconcile", "--cell", "web");

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.javaArgs()).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:cds=off").doesNotContain("-Xlog:aot=off")
        .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + cache + "/okra-runner-") && a.endsWith(".partial"))
        .endsWith("-jar", jar.toString(), "reconcile", "--cell", "web");
    assertThat(cached()).singleElement().asString().matches("okra-runner-\\d+\\.jsa");
    Path archive = cache.resolve(cached().get(0));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");

    Run report = launch(0, Map.of(), "report", "--input", "x.jsonl");

    assertThat(report.javaArgs()).contains("-XX:SharedArchiveFile=" + archive).endsWith("-jar", jar.toString(), "report", "--input", "x.jsonl");
    assertThat(cached()).containsExactly(archive.getFileName().toString());
  }

  @Test
  void onJdk24AndLaterItRecordsAnAotCacheFromTheFirstPassAndStdoutStaysTheRunners() throws Exception {
    Map<String, String> jdk25 = Map.of("JAVA", dir.resolve("jdk-25/bin/java").toString());

    Run first = launch(0, jdk25, "reconcile", "--cell", "web", "-o", "json");

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.javaArgs()).contains("-XX:AOTMode=record", "-Xlog:aot=off").noneMatch(a -> a.contains("ArchiveClassesAtExit"))
        .anyMatch(a -> a.startsWith("-XX:AOTConfiguration=" + cache + "/okra-runner-"));
    assertThat(first.stdout()).as("the JVM's note about the configuration is dropped").isEqualTo("{\"phase\":\"Succeeded\"}\n");
    assertThat(cached()).as("the configuration is gone, the cache kept").singleElement().asString().matches("okra-runner-\\d+\\.aot");

    Run next = launch(0, jdk25, "reconcile", "--cell", "web", "-o", "json");

    assertThat(next.javaArgs()).contains("-XX:AOTCache=" + cache.resolve(cached().get(0))).noneMatch(a -> a.contains("AOTMode"));
    assertThat(next.stdout()).isEqualTo("{\"phase\":\"Succeeded\"}\n");
  }

  @Test
  void exitCodesPassThroughAndOnlyAPassThatRanKeepsItsArchive() throws Exception {
    for (String jdk : List.of("jdk-17", "jdk-25")) {
      Map<String, String> java = Map.of("JAVA", dir.resolve(jdk + "/bin/java").toString());
      for (int code : List.of(1, 2)) {
        assertThat(launch(code, java, "reconcile", "--cell", "web").exitCode()).isEqualTo(code);
        assertThat(cached()).as(jdk + " after exit " + code).isEmpty();
      }
      assertThat(launch(5, java, "reconcile", "--cell", "web", "--wait").exitCode()).isEqualTo(5);
      assertThat(cached()).as(jdk).hasSize(1);
      assertThat(launch(3, java, "reconcile", "--cell", "web").exitCode()).isEqualTo(3);
      for (String f : cached()) Files.delete(cache.resolve(f));
    }
  }

  @Test
  void anArchiveTheJvmCannotMapIsNotKept() throws Exception {
    for (String jdk : List.of("jdk-17", "jdk-25")) {
      Run run = launch(0, Map.of("FAKE_ARCHIVE", "cut short", "JAVA", dir.resolve(jdk + "/bin/java").toString()), "reconcile", "--cell", "web");

      assertThat(run.exitCode()).isZero();
      assertThat(cached()).as(jdk).isEmpty();
    }
  }

  @Test
  void otherCommandsNeverRecord() throws Exception {
    Run run = launch(0, Map.of(), "cell", "promote", "web");

    assertThat(run.javaArgs()).noneMatch(a -> a.contains("SharedArchiveFile") || a.contains("ArchiveClassesAtExit") || a.contains("AOT"))
        .endsWith("-jar", jar.toString(), "cell", "promote", "web");
    assertThat(cached()).isEmpty();
  }

  @Test
  void anotherJarGetsAnotherArchiveEvenWithTheSameSizeAndTime() throws Exception {
    FileTime time = Files.getLastModifiedTime(jar);
    launch(0, Map.of(), "reconcile", "--cell", "web");
    Files.writeString(jar, "b jar");
    Files.setLastModifiedTime(jar, time);

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
  void aCacheOthersCanWriteIsNeitherUsedNorRecordedInto() throws Exception {
    launch(0, Map.of(), "reconcile", "--cell", "web");
    assertThat(cached()).hasSize(1);
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

    Run run = launch(0, Map.of(), "reconcile", "--cell", "web");

    assertThat(run.exitCode()).isZero();
    assertThat(run.javaArgs()).noneMatch(a -> a.contains("Archive"));
    assertThat(run.stderr()).contains("not using the start-up cache " + cache, "others can write it");
  }

  @Test
  void anArchiveOthersCanWriteIsNotUsed() throws Exception {
    launch(0, Map.of(), "reconcile", "--cell", "web");
    Path archive = cache.resolve(cached().get(0));
    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));

    Run run = launch(0, Map.of(), "report");

    assertThat(run.javaArgs()).noneMatch(a -> a.contains("SharedArchiveFile"));
  }

  @Test
  void theDefaultCacheIsTheUsersNeverASharedPath() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));

    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "unset OKRA_CACHE XDG_CACHE_HOME; exec /bin/sh \"$0\" reconcile --cell web",
        launcher.toString());
    pb.environment().putAll(Map.of("JAVA", dir.resolve("jdk-17/bin/java").toString(), "OKRA_RUNNER_JAR", jar.toString(),
        "FAKE_ARGS", dir.resolve("args").toString(), "FAKE_EXIT", "0", "HOME", home.toString()));
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(Files.readAllLines(dir.resolve("args"))).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + home + "/.cache/okra/"));
    assertThat(Files.readString(launcher)).as("no fallback to a shared directory").doesNotContain("/tmp");
  }

  @Test
  void aJarThatIsNotThePinnedOneIsRefusedBeforeAnyJvmStarts() throws Exception {
    Run run = launch(0, Map.of("OKRA_RUNNER_SHA256", "0".repeat(64)), "reconcile", "--cell", "web");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.javaArgs()).as("java never ran").isEmpty();
    assertThat(run.stderr()).contains("refusing to run " + jar, "its SHA-256 is " + sha256(jar), "not the pinned " + "0".repeat(64),
        "delete the jar");
  }

  @Test
  void thePinnedJarRunsWhateverTheCaseOfItsDigest() throws Exception {
    Run run = launch(0, Map.of("OKRA_RUNNER_SHA256", sha256(jar).toUpperCase(), "OKRA_CDS", "off"), "version");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.javaArgs()).endsWith("-jar", jar.toString(), "version");
  }

  @Test
  void aMissingJarIsNamed() throws Exception {
    Run run = launch(0, Map.of("OKRA_RUNNER_JAR", dir.resolve("nope.jar").toString()), "version");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("nope.jar not found");
  }
}
