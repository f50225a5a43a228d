package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import co.mumo.okra.runner.docs.DocsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * okra-runner/bin/okra-runner with real JVMs and the shaded jar: on JDK 17 it records an AppCDS
 * archive, on JDK 24+ an AOT cache, from a first run, keeps it once a JVM maps it, and starts the
 * next run from it; stdout stays the runner's. Each JVM is wrapped in a script that notes the flags
 * it was given and then runs the real one (its JDK's release file beside it, so the launcher sees
 * the real version).
 */
class LauncherIT {
  @TempDir
  Path dir;

  private final Path launcher = DocsFiles.repoRoot().resolve("okra-runner/bin/okra-runner");
  private final String jar = System.getProperty("okra.runner.jar", DocsFiles.repoRoot().resolve("okra-runner/target/okra-runner.jar").toString());

  /** A JDK 24 or later: OKRA_TEST_JDK24, else the newest under /usr/lib/jvm or /opt (Temurin 25 on the project's machines). */
  static Path newJdk() {
    String given = System.getenv("OKRA_TEST_JDK24");
    if (given != null && !given.isBlank()) return Path.of(given);
    for (String root : List.of("/usr/lib/jvm", "/opt")) {
      try (Stream<Path> dirs = Files.list(Path.of(root))) {
        Optional<Path> jdk = dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && feature(d) >= 24)
            .max(Comparator.comparing(LauncherIT::feature));
        if (jdk.isPresent()) return jdk.get();
      } catch (IOException missing) {
        // no such directory
      }
    }
    return fail("LauncherIT needs a JDK 24 or later for the AOT cache (Temurin 25 is installed under /usr/lib/jvm on the project's"
        + " machines): install one there, or set OKRA_TEST_JDK24 to its home");
  }

  static int feature(Path jdk) {
    try {
      for (String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) return Integer.parseInt(line.replaceAll("^JAVA_VERSION=\"?(\\d+).*", "$1"));
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** A JDK directory whose bin/java notes its arguments in {@code args} and runs {@code real}'s java. */
  private Path wrapped(Path real, String name) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name + "/bin")).getParent();
    Files.copy(real.resolve("release"), home.resolve("release"));
    Path java = home.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" + dir.resolve(name + ".args") + "\"\nexec '" + real.resolve("bin/java") + "' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }

  private record Run(int exitCode, String stdout, List<String> javaArgs) {}

  private Run launch(Path java, String name, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("/bin/sh", launcher.toString()), Stream.of(args)).toList())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = pb.environment();
    env.remove("JAVA_HOME");
    env.remove("OKRA_RUNNER_SHA256");
    env.put("JAVA", java.toString());
    env.put("OKRA_RUNNER_JAR", jar);
    env.put("OKRA_CACHE", dir.resolve(name + "-cache").toString());
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), stdout, Files.readAllLines(dir.resolve(name + ".args")));
  }

  private List<Path> cached(String name) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(name + "-cache"))) {
      return files.toList();
    }
  }

  private void recordsOnceAndStartsFromIt(Path jdk, String name, String suffix, String useFlag) throws Exception {
    Path java = wrapped(jdk, name);

    Run first = launch(java, name, "reconcile", "--help");

    assertThat(first.exitCode()).isZero();
    assertThat(first.stdout()).startsWith("Usage: okra-runner reconcile").doesNotContain("AOTConfiguration", "[warning]", "[error]");
    assertThat(cached(name)).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).endsWith(suffix));
    Path archive = cached(name).get(0);

    Run next = launch(java, name, "version");

    assertThat(next.exitCode()).isZero();
    assertThat(next.stdout()).startsWith("okra-runner ");
    assertThat(next.javaArgs()).contains(useFlag + archive, "-XX:TieredStopAtLevel=1");
    ProcessBuilder maps = new ProcessBuilder(jdk.resolve("bin/java").toString(),
        suffix.equals(".aot") ? "-XX:AOTMode=on" : "-Xshare:on", useFlag + archive, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", jar, "-version").redirectErrorStream(true);
    Process check = maps.start();
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as("the JVM maps the archive it starts from: " + out).isZero();
  }

  @Test
  void onJdk24AndLaterTheFirstRunRecordsAnAotCacheAndTheNextStartsFromIt() throws Exception {
    recordsOnceAndStartsFromIt(newJdk(), "jdk-new", ".aot", "-XX:AOTCache=");
  }

  @Test
  void onJdk17TheFirstRunRecordsAnAppCdsArchiveAndTheNextStartsFromIt() throws Exception {
    Path jdk17 = Path.of(System.getProperty("java.home"));
    assertThat(feature(jdk17)).as("the build's JVM").isLessThan(24);
    recordsOnceAndStartsFromIt(jdk17, "jdk-17", ".jsa", "-XX:SharedArchiveFile=");
  }
}
