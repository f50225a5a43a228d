package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.runner.docs.DocsFiles;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Action's scripts (ci/*.sh, as action.yml runs them) and the GitLab template's script,
 * run by bash in a scratch directory. A fake {@code java} first on the PATH plays the runner's
 * reconcile (prints given lines, exits with a given code, records its arguments) and hands
 * {@code report} to the real shaded jar, so the JSON, summary and outputs are the real thing. Both
 * start the runner with the launcher's JVM flags (C1 only, an AppCDS archive once recorded).
 */
class CiScriptsIT {
  private static final String PASS = "{\"cell\":\"default/web\",\"outcome\":\"CHANGED\",\"phase\":\"%s\",\"message\":\"%s\","
      + "\"stableVersion\":\"1.0.0\",\"desiredVersion\":\"2.0.0\",\"currentStepIndex\":1,\"targetGroups\":["
      + "{\"name\":\"web-1\",\"arn\":\"arn:1\",\"version\":\"1.0.0\",\"role\":\"stable\",\"weight\":%d},"
      + "{\"name\":\"web-2\",\"arn\":\"arn:2\",\"version\":\"2.0.0\",\"role\":\"canary\",\"weight\":%d}],\"actions\":[]}";

  @TempDir
  Path dir;

  private final Path root = DocsFiles.repoRoot();
  private final String jar = System.getProperty("okra.runner.jar", root.resolve("okra-runner/target/okra-runner.jar").toString());
  private Path bin;

  @BeforeEach
  void fakeJava() throws IOException {
    bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, """
        #!/bin/sh
        # A launcher checking an archive it recorded: the real JVM maps it.
        for a in "$@"; do if [ "$a" = -version ]; then exec "$REAL_JAVA" "$@"; fi; done
        # The runner's command is the word after -jar JAR.
        jar=; command=; after=
        for a in "$@"; do
          case "$after" in
            -jar) jar=$a; after=jar ;;
            jar) command=$a; break ;;
            *) if [ "$a" = -jar ]; then after=-jar; fi ;;
          esac
        done
        if [ "$command" = report ]; then exec "$REAL_JAVA" "$@"; fi
        printf '%s\\n' "$@" > "$FAKE_ARGS"
        # Asked to record an AppCDS archive: a real one, of the real jar's version command.
        for a in "$@"; do
          case "$a" in
            -XX:ArchiveClassesAtExit=*) "$REAL_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:cds=off \\
                -Xlog:cds+dynamic=off "$a" -jar "$jar" version > /dev/null ;;
          esac
        done
        cat "$FAKE_OUTPUT"
        exit "$FAKE_EXIT"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** {@code args}: the runner's (from -jar on); {@code jvmFlags}: the JVM's, before them. */
  private record Run(int exitCode, String log, List<String> jvmFlags, List<String> args) {}

  private Run bash(String script, int fakeExit, String fakeOutput, Map<String, String> env) throws Exception {
    Files.writeString(dir.resolve("fake-output"), fakeOutput);
    Files.deleteIfExists(dir.resolve("fake-args"));
    ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.put("PATH", bin + ":" + e.get("PATH"));
    e.put("REAL_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    e.put("FAKE_ARGS", dir.resolve("fake-args").toString());
    e.put("FAKE_OUTPUT", dir.resolve("fake-output").toString());
    e.put("FAKE_EXIT", String.valueOf(fakeExit));
    e.put("RUNNER_TEMP", dir.toString());
    e.remove("JAVA_HOME"); // the launcher would take $JAVA_HOME/bin/java over the fake on the PATH
    e.remove("JAVA");
    e.put("OKRA_CACHE", dir.resolve("cds").toString());
    e.putAll(env);
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Path args = dir.resolve("fake-args");
    List<String> words = Files.exists(args) ? Files.readAllLines(args) : List.of();
    int jarAt = words.indexOf("-jar");
    return new Run(p.exitValue(), log, jarAt < 0 ? words : words.subList(0, jarAt), jarAt < 0 ? List.of() : words.subList(jarAt, words.size()));
  }

  private Run github(int fakeExit, String fakeOutput, Map<String, String> inputs) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(Map.of("OKRA_JAR", jar, "OKRA_COMMAND", "reconcile", "OKRA_WAIT", "true",
        "OKRA_TIMEOUT", "30m", "OKRA_ON_PAUSE", "warn", "GITHUB_OUTPUT", dir.resolve("github-output").toString(),
        "GITHUB_STEP_SUMMARY", dir.resolve("summary.md").toString()));
    env.putAll(inputs);
    return bash("bash " + root.resolve("ci/run-okra.sh"), fakeExit, fakeOutput, env);
  }

  private String pass(String phase, String message, int stable, int canary) {
    return PASS.formatted(phase, message, stable, canary) + "\n";
  }

  @Test
  void githubReconcileWritesOutputsAndTheSummary() throws Exception {
    Run r = github(0, pass("Progressing", "step 2/3 (pause 5m): 1m left", 80, 20),
        Map.of("OKRA_CELL", "web", "OKRA_NAMESPACE", "default", "OKRA_EXTRA_ARGS", "--context \"my ctx\" --verbose"));

    assertThat(r.exitCode()).as(r.log()).isZero();
    assertThat(r.args()).containsExactly("-jar", jar, "reconcile", "--cell", "web", "--wait", "--timeout", "30m", "-o", "json",
        "--namespace", "default", "--context", "my ctx", "--verbose");
    assertThat(r.jvmFlags()).as("through okra-runner/bin/okra-runner").contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
        .anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit=" + dir.resolve("cds")));
    assertThat(r.log()).contains("::group::okra-runner reconcile", "::endgroup::");
    assertThat(Files.readAllLines(dir.resolve("github-output"))).contains("phase=Progressing", "version=2.0.0",
        "weights={\"1.0.0\":80,\"2.0.0\":20}", "exit-code=0");
    assertThat(Files.readString(dir.resolve("summary.md"))).contains("### Okra: default/web — Progressing", "| 2.0.0 | `████░░");
  }

  @Test
  void githubFailsTheStepWithAnErrorAnnotationOnARollback() throws Exception {
    Run r = github(3, pass("Failed", "rollout of 2.0.0 failed: AnalysisRun web-1-step2 Failed", 100, 0), Map.of("OKRA_CELL", "web"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.log()).contains("::error title=Okra::default/web: rollout failed and was rolled back: rollout of 2.0.0 failed");
  }

  @Test
  void githubWarnsOnAPauseUnlessToldToFail() throws Exception {
    String paused = pass("Paused", "step 3/3 (pause until promoted)", 50, 50);

    Run warn = github(5, paused, Map.of("OKRA_CELL", "web"));
    Run fail = github(5, paused, Map.of("OKRA_CELL", "web", "OKRA_ON_PAUSE", "fail"));

    assertThat(warn.exitCode()).isZero();
    assertThat(warn.log()).contains("::warning title=Okra::default/web: waiting for a human");
    assertThat(fail.exitCode()).isEqualTo(5);
  }

  @Test
  void githubRunsOtherCommandsWithTheirArguments() throws Exception {
    Run r = github(0, "[default/web] promoted past the current step\n",
        Map.of("OKRA_COMMAND", "cell promote", "OKRA_EXTRA_ARGS", "web", "OKRA_NAMESPACE", "default"));

    assertThat(r.exitCode()).isZero();
    assertThat(r.args()).containsExactly("-jar", jar, "cell", "promote", "--namespace", "default", "web");
    assertThat(Files.readAllLines(dir.resolve("github-output"))).containsExactly("exit-code=0");
  }

  @Test
  void githubAndGitlabGiveTheCellToACellCommand() throws Exception {
    Run github = github(0, "{\"event\":\"promote\",\"message\":\"promoted\"}\n",
        Map.of("OKRA_COMMAND", "cell promote", "OKRA_CELL", "web", "OKRA_NAMESPACE", "default", "OKRA_EXTRA_ARGS", "--full"));
    Run gitlab = bash(gitlabScript(), 0, "{\"event\":\"promote\",\"message\":\"promoted\"}\n", Map.of("OKRA_RUNNER_JAR_INPUT", jar,
        "OKRA_COMMAND", "cell promote", "OKRA_CELL", "web", "OKRA_NAMESPACE", "default", "OKRA_WAIT", "true", "OKRA_TIMEOUT", "1h",
        "OKRA_ON_PAUSE", "warn", "OKRA_EXTRA_ARGS", "", "OKRA_RUNNER_VERSION", "0.1.0", "OKRA_RUNNER_SHA256", ""));

    assertThat(github.exitCode()).as(github.log()).isZero();
    assertThat(github.args()).containsExactly("-jar", jar, "cell", "promote", "web", "--namespace", "default", "--full");
    assertThat(gitlab.exitCode()).as(gitlab.log()).isZero();
    assertThat(gitlab.args()).containsExactly("-jar", jar, "cell", "promote", "web", "--namespace", "default");
    assertThat(Files.readAllLines(dir.resolve("okra.env"))).containsExactly("OKRA_EXIT_CODE=0");
  }

  @Test
  void githubRecordsAnAppCdsArchiveOnTheFirstRunAndStartsFromItAfter() throws Exception {
    String settled = pass("Succeeded", "2.0.0 has 100% of the traffic", 0, 100);

    Run first = github(0, settled, Map.of("OKRA_CELL", "web"));
    Run second = github(0, settled, Map.of("OKRA_CELL", "web"));
    Run off = github(0, settled, Map.of("OKRA_CELL", "web", "OKRA_CDS", "off"));

    assertThat(first.exitCode()).as(first.log()).isZero();
    assertThat(first.jvmFlags()).anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit="));
    try (var archives = Files.list(dir.resolve("cds"))) {
      assertThat(archives.map(p -> p.getFileName().toString())).singleElement().asString().matches("okra-runner-\\d+\\.jsa");
    }
    assertThat(second.exitCode()).as(second.log()).isZero();
    assertThat(second.jvmFlags()).anyMatch(f -> f.startsWith("-XX:SharedArchiveFile=" + dir.resolve("cds")));
    assertThat(Files.readString(dir.resolve("summary.md"))).contains("### Okra: default/web — Succeeded");
    assertThat(off.jvmFlags()).contains("-XX:TieredStopAtLevel=1").noneMatch(f -> f.contains("Archive"));
  }

  /** A release 1.2.3 in a file:// repository, and its pin in a pins file; {@code [repo, pins]}. */
  private Path[] release(String version, byte[] content) throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo/co/mumo/okra/okra-runner/" + version));
    Files.write(repo.resolve("okra-runner-" + version + ".jar"), content);
    Path pins = Files.writeString(dir.resolve("pins.sha256"), "# pins\n" + sha256(content) + "  okra-runner-" + version + ".jar\n");
    return new Path[] {dir.resolve("repo"), pins};
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  private Run githubJar(Map<String, String> env) throws Exception {
    Files.deleteIfExists(dir.resolve("jar-output"));
    Map<String, String> all = new LinkedHashMap<>(Map.of("OKRA_RUNNER_VERSION", "1.2.3", "OKRA_MAVEN_REPOSITORY",
        dir.resolve("repo").toUri().toString(), "OKRA_RUNNER_PINS", dir.resolve("pins.sha256").toString(),
        "GITHUB_OUTPUT", dir.resolve("jar-output").toString()));
    all.putAll(env);
    return bash("bash " + root.resolve("ci/runner-jar.sh"), 0, "", all);
  }

  @Test
  void githubGetsThePinnedReleaseIntoTheUsersCacheAndDownloadsATamperedOneAgain() throws Exception {
    byte[] content = "a jar".getBytes(StandardCharsets.UTF_8);
    release("1.2.3", content);

    Run ok = githubJar(Map.of());

    assertThat(ok.exitCode()).as(ok.log()).isZero();
    Path got = dir.resolve("cds/jars/okra-runner-1.2.3.jar");
    assertThat(Files.readAllLines(dir.resolve("jar-output"))).containsExactly("jar=" + got, "sha256=" + sha256(content));
    assertThat(Files.readString(got)).isEqualTo("a jar");

    Files.writeString(got, "a jar, tampered with in the cache");
    Run again = githubJar(Map.of());

    assertThat(again.exitCode()).as(again.log()).isZero();
    assertThat(again.log()).contains("::warning title=Okra::the cached " + got + " is not the pinned okra-runner 1.2.3", "downloading it again");
    assertThat(Files.readString(got)).isEqualTo("a jar");
  }

  @Test
  void githubRefusesADownloadThatIsNotThePinAndAVersionWithoutAPin() throws Exception {
    release("1.2.3", "a jar".getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("repo/co/mumo/okra/okra-runner/1.2.3/okra-runner-1.2.3.jar"), "another jar");

    Run tampered = githubJar(Map.of());
    Run unpinned = githubJar(Map.of("OKRA_RUNNER_VERSION", "1.2.4"));
    Run badPin = githubJar(Map.of("OKRA_RUNNER_SHA256_INPUT", "not-a-digest"));
    Run badVersion = githubJar(Map.of("OKRA_RUNNER_VERSION", "1.2.3; rm -rf /"));

    assertThat(tampered.exitCode()).isEqualTo(2);
    assertThat(tampered.log()).contains("::error title=Okra::refusing okra-runner 1.2.3 from", "not the pinned");
    assertThat(dir.resolve("cds/jars")).isEmptyDirectory();
    assertThat(unpinned.exitCode()).isEqualTo(2);
    assertThat(unpinned.log()).contains("no pinned SHA-256 for okra-runner 1.2.4", "set runner-sha256");
    assertThat(badPin.exitCode()).isEqualTo(2);
    assertThat(badPin.log()).contains("runner-sha256 'not-a-digest' is not a SHA-256");
    assertThat(badVersion.exitCode()).isEqualTo(2);
    assertThat(badVersion.log()).contains("is not a version");
  }

  @Test
  void githubRefusesToStartAJarThatIsNotThePinnedOne() throws Exception {
    Run r = github(0, pass("Succeeded", "done", 0, 100), Map.of("OKRA_CELL", "web", "OKRA_RUNNER_SHA256", "0".repeat(64)));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.args()).as("the runner never started").isEmpty();
    assertThat(r.log()).contains("::error title=Okra::okra-runner: refusing to run " + jar, "not the pinned " + "0".repeat(64));
    assertThat(Files.readAllLines(dir.resolve("github-output"))).contains("exit-code=2");
  }

  @Test
  void githubSplitsExtraArgsAsAShellWouldWithoutExpandingAndRefusesAnUnmatchedQuote() throws Exception {
    Run quoted = github(0, "", Map.of("OKRA_COMMAND", "cell get", "OKRA_EXTRA_ARGS",
        "web --context 'my ctx' \"a\\\"b\" c\\ d $HOME `id` *"));
    Run unmatched = github(0, "", Map.of("OKRA_COMMAND", "cell get", "OKRA_EXTRA_ARGS", "web --context \"my ctx --verbose"));

    assertThat(quoted.exitCode()).as(quoted.log()).isZero();
    assertThat(quoted.args()).containsExactly("-jar", jar, "cell", "get", "web", "--context", "my ctx", "a\"b", "c d", "$HOME", "`id`", "*");
    assertThat(unmatched.exitCode()).isEqualTo(2);
    assertThat(unmatched.args()).as("the runner never started").isEmpty();
    assertThat(unmatched.log()).contains("::error title=Okra::extra-args: a double quote (\") is not closed: web --context \"my ctx --verbose");
  }

  /** The template's script blocks, joined as GitLab runs them: one bash with -e -o pipefail. */
  @SuppressWarnings("unchecked")
  private String gitlabScript() throws IOException {
    String[] docs = Files.readString(root.resolve("examples/gitlab/okra.gitlab-ci.yml")).split("\n---\n", 2);
    Map<String, Object> job = (Map<String, Object>) Serialization.unmarshal(docs[1], Map.class).get("$[[ inputs.job-name ]]");
    return String.join("\n", (List<String>) job.get("script"));
  }

  private Run gitlab(int fakeExit, String fakeOutput, String onPause) throws Exception {
    return bash(gitlabScript(), fakeExit, fakeOutput, Map.of("OKRA_RUNNER_JAR_INPUT", jar, "OKRA_COMMAND", "reconcile",
        "OKRA_CELL", "web", "OKRA_NAMESPACE", "default", "OKRA_WAIT", "true", "OKRA_TIMEOUT", "1h", "OKRA_ON_PAUSE", onPause,
        "OKRA_EXTRA_ARGS", "--verbose", "OKRA_RUNNER_VERSION", "0.1.0", "OKRA_RUNNER_SHA256", ""));
  }

  /** The template's job for the release 0.1.0 from a file:// repository; {@code sha256}: the runner-sha256 input. */
  private Run gitlabRelease(String sha256, String extraArgs) throws Exception {
    Map<String, String> env = new LinkedHashMap<>(Map.of("OKRA_MAVEN_REPOSITORY", dir.resolve("repo").toUri().toString(),
        "OKRA_COMMAND", "reconcile", "OKRA_CELL", "web", "OKRA_NAMESPACE", "default", "OKRA_WAIT", "false", "OKRA_TIMEOUT", "1h",
        "OKRA_ON_PAUSE", "warn", "OKRA_EXTRA_ARGS", extraArgs, "OKRA_RUNNER_VERSION", "0.1.0"));
    env.put("OKRA_RUNNER_SHA256", sha256);
    env.put("OKRA_RUNNER_JAR_INPUT", "");
    return bash(gitlabScript(), 0, pass("Succeeded", "2.0.0 has 100% of the traffic", 0, 100), env);
  }

  @Test
  void gitlabReconcileWritesTheDotenvReportAndTheSummary() throws Exception {
    Run r = gitlab(0, pass("Succeeded", "2.0.0 has 100% of the traffic", 0, 100), "warn");

    assertThat(r.exitCode()).as(r.log()).isZero();
    assertThat(r.args()).containsExactly("-jar", jar, "reconcile", "--cell", "web", "--wait", "--timeout", "1h", "-o", "json",
        "--namespace", "default", "--verbose");
    assertThat(r.jvmFlags()).as("the launcher's flags").contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:cds=off")
        .noneMatch(f -> f.contains("Archive")); // a given jar: no archive
    assertThat(r.log()).contains("section_start:", "okra_run", "section_end:", "### Okra: default/web — Succeeded");
    assertThat(Files.readAllLines(dir.resolve("okra.env"))).contains("OKRA_PHASE=Succeeded", "OKRA_EXIT_CODE=0");
  }

  @Test
  void gitlabRecordsAStartUpArchiveForTheReleaseJarIntoItsCacheAndStartsFromItNextJob() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo/co/mumo/okra/okra-runner/0.1.0"));
    Path release = Files.copy(Path.of(jar), repo.resolve("okra-runner-0.1.0.jar"));
    String pin = sha256(Files.readAllBytes(release));

    Run first = gitlabRelease(pin.toUpperCase(), "");
    Run next = gitlabRelease(pin, "");

    assertThat(first.exitCode()).as(first.log()).isZero();
    assertThat(first.jvmFlags()).anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit=" + dir.resolve(".okra/start-up/okra-runner-")));
    assertThat(first.args()).startsWith("-jar", ".okra/okra-runner-0.1.0.jar");
    try (var cached = Files.list(dir.resolve(".okra/start-up"))) {
      assertThat(cached.map(p -> p.getFileName().toString())).singleElement().asString().matches("okra-runner-\\d+\\.jsa");
    }
    assertThat(next.exitCode()).as(next.log()).isZero();
    assertThat(next.jvmFlags()).anyMatch(f -> f.startsWith("-XX:SharedArchiveFile=" + dir.resolve(".okra/start-up/okra-runner-")));
    assertThat(next.log()).contains("### Okra: default/web — Succeeded");
  }

  @Test
  void gitlabDownloadsATamperedCachedJarAgainAndRefusesAnUnpinnedOrTamperedDownload() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo/co/mumo/okra/okra-runner/0.1.0"));
    Path release = Files.copy(Path.of(jar), repo.resolve("okra-runner-0.1.0.jar"));
    String pin = sha256(Files.readAllBytes(release));
    assertThat(gitlabRelease(pin, "").exitCode()).isZero();
    Files.writeString(dir.resolve(".okra/okra-runner-0.1.0.jar"), "tampered with in the cache");

    Run again = gitlabRelease(pin, "");

    assertThat(again.exitCode()).as(again.log()).isZero();
    assertThat(again.log()).contains("WARNING: okra: the cached .okra/okra-runner-0.1.0.jar is not the pinned okra-runner 0.1.0");
    assertThat(sha256(Files.readAllBytes(dir.resolve(".okra/okra-runner-0.1.0.jar")))).isEqualTo(pin);

    Files.delete(dir.resolve(".okra/okra-runner-0.1.0.jar"));
    Run unpinned = gitlabRelease("", "");
    Run wrongPin = gitlabRelease("0".repeat(64), "");

    assertThat(unpinned.exitCode()).isEqualTo(2);
    assertThat(unpinned.log()).contains("ERROR: okra: no pinned SHA-256 for okra-runner 0.1.0", "runner-sha256");
    assertThat(wrongPin.exitCode()).isEqualTo(2);
    assertThat(wrongPin.log()).contains("ERROR: okra: refusing okra-runner 0.1.0 from", "not the pinned " + "0".repeat(64));
    assertThat(wrongPin.args()).as("the runner never started").isEmpty();
  }

  @Test
  void gitlabSplitsExtraArgsAsAShellWouldAndRefusesAnUnmatchedQuote() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo/co/mumo/okra/okra-runner/0.1.0"));
    String pin = sha256(Files.readAllBytes(Files.copy(Path.of(jar), repo.resolve("okra-runner-0.1.0.jar"))));

    Run quoted = gitlabRelease(pin, "--context 'my ctx' --verbose");
    Run unmatched = gitlabRelease(pin, "--context 'my ctx --verbose");

    assertThat(quoted.exitCode()).as(quoted.log()).isZero();
    assertThat(quoted.args()).endsWith("--namespace", "default", "--context", "my ctx", "--verbose");
    assertThat(unmatched.exitCode()).isEqualTo(2);
    assertThat(unmatched.log()).contains("ERROR: okra: extra-args: a single quote (') is not closed: --context 'my ctx --verbose");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> gitlabInputs() throws IOException {
    String[] docs = Files.readString(root.resolve("examples/gitlab/okra.gitlab-ci.yml")).split("\n---\n", 2);
    return (Map<String, Map<String, Object>>) ((Map<String, Object>) Serialization.unmarshal(docs[0], Map.class).get("spec")).get("inputs");
  }

  /** As GitLab checks an input against its regex (RE2, the whole value must match: the regexes are anchored). */
  private boolean gitlabAccepts(String input, String value) throws IOException {
    Object regex = gitlabInputs().get(input).get("regex");
    return com.google.re2j.Pattern.compile(String.valueOf(regex)).matcher(value).find();
  }

  @Test
  void gitlabChecksEveryStringInputAndItsDefaultAgainstARegex() throws Exception {
    for (Map.Entry<String, Map<String, Object>> input : gitlabInputs().entrySet()) {
      Map<String, Object> spec = input.getValue();
      if ("boolean".equals(spec.get("type")) || spec.containsKey("options") || input.getKey().equals("extra-args") || input.getKey().equals("image")) {
        continue;
      }
      assertThat(spec).as(input.getKey()).containsKey("regex");
      assertThat(String.valueOf(spec.get("regex"))).as(input.getKey()).startsWith("^").endsWith("$");
      assertThat(gitlabAccepts(input.getKey(), String.valueOf(spec.get("default")))).as(input.getKey() + "'s default").isTrue();
    }
    Map<String, List<String>> good = Map.of("cell", List.of("web", "cell-1.prod", ""), "namespace", List.of("argocd", ""),
        "command", List.of("reconcile", "cell promote", "cell abort", "discover"), "runner-version", List.of("0.1.0", "1.2.3-rc.1"),
        "runner-sha256", List.of("", "ab".repeat(32), "AB".repeat(32)), "notify", List.of("", "$OKRA_SLACK_WEBHOOK", "$hooks_1"));
    Map<String, List<String>> bad = Map.of("cell", List.of("Web", "web; rm -rf /", "-web", "web\nx"), "namespace", List.of("a.b", "NS"),
        "command", List.of("reconcile; id", "cell", "sh -c id"), "runner-version", List.of("1.0 ; id", "../x"),
        "runner-sha256", List.of("abc", "zz".repeat(32)),
        // A webhook URL is a secret: the template takes only the name of a masked variable holding it.
        "notify", List.of("https://hooks.slack.com/services/T0/B0/x", "slack:https://h/x", "$A $B", "$1X", "${A}"));
    for (var e : good.entrySet()) for (String v : e.getValue()) assertThat(gitlabAccepts(e.getKey(), v)).as(e.getKey() + " " + v).isTrue();
    for (var e : bad.entrySet()) for (String v : e.getValue()) assertThat(gitlabAccepts(e.getKey(), v)).as(e.getKey() + " " + v).isFalse();
  }

  @Test
  void gitlabsTimeoutRegexAcceptsExactlyWhatTheRunnerParses() throws Exception {
    for (String t : List.of("30m", "1h", "1h30m", "90", "45s", "2h5s", "1m30s", "0", "1d", "30m1h", "1h30", "h", "", " 30m", "1.5h",
        "-1m", "30M", "1h1m1s", "10s5m")) {
      boolean runner;
      try {
        co.mumo.okra.core.Durations.parse(t);
        runner = !t.isBlank() && t.equals(t.trim());
      } catch (IllegalArgumentException e) {
        runner = false;
      }
      assertThat(gitlabAccepts("timeout", t)).as("'" + t + "'").isEqualTo(runner);
    }
  }

  @Test
  void gitlabExitCodes() throws Exception {
    String paused = pass("Paused", "waiting", 50, 50);

    assertThat(gitlab(3, pass("Failed", "rolled back", 100, 0), "warn").exitCode()).isEqualTo(3);
    assertThat(gitlab(5, paused, "warn").exitCode()).as("allowed to fail: shown as a warning").isEqualTo(5);
    assertThat(gitlab(5, paused, "fail").exitCode()).isEqualTo(1);
  }
}
