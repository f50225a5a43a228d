package co.mumo.okra.analysis.eval.provider;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.core.RunPhase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobProviderTest {
  private final JobProvider job = new JobProvider();
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void exitZeroIsASuccessWithStdoutAsTheValue() {
    Observation o = job.measure(Metrics.of("""
        name: smoke
        provider: {job: {command: "echo all good; echo noise >&2"}}
        """), now);
    assertThat(o).isEqualTo(new Observation.Verdict(RunPhase.SUCCESSFUL, "all good", "job: exit code 0"));
  }

  @Test
  void aNonZeroExitIsAFailureNamingTheCodeAndStderr() {
    Observation o = job.measure(Metrics.of("""
        name: smoke
        provider: {job: {command: [sh, -c, "echo checking; echo 'connection refused' >&2; exit 3"]}}
        """), now);
    assertThat(o).isEqualTo(new Observation.Verdict(RunPhase.FAILED, "checking", "job: exit code 3: connection refused"));
  }

  @Test
  void withAConditionStdoutIsTheResult() {
    Observation o = job.measure(Metrics.of("""
        name: rate
        successCondition: result.ok && result.rate > 0.9
        provider: {job: {command: "echo '{\\"ok\\": true, \\"rate\\": 0.97}'", env: [{name: X, value: "1"}]}}
        """), now);
    assertThat(o).isInstanceOfSatisfying(Observation.Value.class,
        v -> assertThat(v.result().value()).isEqualTo(Map.of("ok", true, "rate", 0.97)));
  }

  @Test
  void envIsPassedAndATimeoutFails() {
    assertThat(job.measure(Metrics.of("""
        name: env
        provider: {job: {command: "test \\"$TARGET\\" = canary", env: [{name: TARGET, value: canary}]}}
        """), now)).isInstanceOfSatisfying(Observation.Verdict.class, v -> assertThat(v.phase()).isEqualTo(RunPhase.SUCCESSFUL));
    assertThat(job.measure(Metrics.of("""
        name: slow
        provider: {job: {command: "sleep 5", timeoutSeconds: 1}}
        """), now)).isEqualTo(new Observation.Verdict(RunPhase.FAILED, null, "job: timed out after 1s"));
  }

  @Test
  void aMissingProgramIsAnError() {
    assertThat(job.measure(Metrics.of("""
        name: x
        provider: {job: {command: [/nonexistent/okra-check]}}
        """), now)).isInstanceOfSatisfying(Observation.Error.class, e -> assertThat(e.message()).startsWith("job: cannot run /nonexistent/okra-check"));
  }

  @Test
  void argosKubernetesJobSpecIsLeftToArgo() {
    assertThat(job.check(Metrics.of("""
        name: x
        provider: {job: {spec: {template: {spec: {containers: [{name: c, image: busybox}]}}}}}
        """))).isEqualTo(List.of("job.spec (a Kubernetes Job) needs Argo Rollouts' controller; Okra's evaluator runs job.command"));
  }

  @Test
  void whenNotAllowedEveryJobMetricIsInvalidAndNothingRuns() throws Exception {
    java.nio.file.Path marker = java.nio.file.Files.createTempDirectory("job").resolve("ran");
    Metric m = Metrics.of("""
        name: probe
        provider: {job: {command: "touch %s"}}
        """.formatted(marker));
    MetricProvider off = JobProvider.disabled("the runner is started with --allow-job-provider");
    assertThat(off.type()).isEqualTo("job");
    assertThat(off.check(m)).containsExactly("the job provider runs the template's command on the runner, with the runner's"
        + " credentials; it is off unless the runner is started with --allow-job-provider");
    assertThat(off.measure(m, java.time.Instant.now())).isInstanceOf(co.mumo.okra.analysis.eval.Observation.Error.class);
    assertThat(marker).doesNotExist();
  }

  /** An argument a Cell (or a target group's version label) could carry, written to run a second command. */
  private static final String HOSTILE = "2.0.0; touch ";

  @Test
  void anArgumentNeverRunsAsShellCodeAndReachesTheCommandIntact(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path marker = dir.resolve("pwned");
    String version = HOSTILE + marker;
    // The shapes a template can pass an argument in: env, a positional parameter of a shell, a plain argv entry.
    Observation viaEnv = job.measure(Metrics.of("""
        name: env
        successCondition: "true"
        provider: {job: {command: 'printf %s "$VERSION"', env: [{name: VERSION, value: "{{args.version}}"}]}}
        """, Map.of("version", version)), now);
    Observation viaPositional = job.measure(Metrics.of("""
        name: positional
        successCondition: "true"
        provider: {job: {command: [sh, -c, 'printf %s "$1"', check, "{{args.version}}"]}}
        """, Map.of("version", version)), now);
    Observation viaArgv = job.measure(Metrics.of("""
        name: argv
        successCondition: "true"
        provider: {job: {command: [printf, "%s", "--version={{args.version}}"]}}
        """, Map.of("version", version)), now);
    assertThat(viaEnv).isEqualTo(Observation.Value.json(version));
    assertThat(viaPositional).isEqualTo(Observation.Value.json(version));
    assertThat(viaArgv).isEqualTo(Observation.Value.json("--version=" + version));
    assertThat(marker).doesNotExist();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
      a string command (sh -c)           | "check --version {{args.version}}"              | command is a string, run by sh -c, so {{args.version}} in it would be read as shell code
      the script of sh -c                | [sh, -c, "check {{args.version}}"]              | command[2] is the script the shell sh runs, so the argument would be read as shell code
      the script of /bin/bash -ec        | [/bin/bash, -ec, "check {{args.version}}"]      | command[2] is the script the shell /bin/bash runs
      a shell after env                  | [env, X=1, sh, -c, "check {{args.version}}"]    | command[4] is the script the shell sh runs
      an option before the shell         | [env, "-S{{args.version}}", sh, -c, check]      | command[1] comes before the shell sh
      a shell option                     | [sh, -o, "{{args.version}}", -c, check]         | command[2] is an option of the shell sh
      the script file of a shell         | [sh, "{{args.version}}"]                        | command[1] is the script the shell sh runs
      the program                        | ["{{args.version}}", --check]                   | command[0], the program to run, cannot come from an argument ({{args.version}})
      an environment variable's name     | check                                           | env[0].name cannot come from an argument
      LD_PRELOAD's value                 | check                                           | env[1]: LD_PRELOAD makes programs load code, so its value cannot come from an argument
      """)
  void argumentsWhereTheyWouldBeCodeAreInvalid(String what, String command, String message,
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path marker = dir.resolve("pwned");
    boolean envCase = what.startsWith("an environment") || what.startsWith("LD_");
    String env = envCase ? "[{name: \"{{args.version}}\", value: x}, {name: LD_PRELOAD, value: \"{{args.version}}\"}]" : "[]";
    Metric m = Metrics.of("""
        name: bad
        provider: {job: {command: %s, env: %s}}
        """.formatted(command, env), Map.of("version", HOSTILE + marker));
    assertThat(job.check(m)).as(what).anySatisfy(p -> assertThat(p).startsWith(message));
    assertThat(job.measure(m, now)).isInstanceOfSatisfying(Observation.Error.class, e -> assertThat(e.message()).contains(message));
    assertThat(marker).doesNotExist();
  }

  @Test
  void aStringCommandWithoutArgumentsAndArgumentsAfterTheScriptAreFine() {
    assertThat(job.check(Metrics.of("""
        name: ok
        provider: {job: {command: "echo ok", env: [{name: VERSION, value: "{{args.version}}"}]}}
        """, Map.of("version", "2.0.0")))).isEmpty();
    assertThat(job.check(Metrics.of("""
        name: ok
        provider: {job: {command: [/bin/sh, -e, -o, pipefail, -c, 'check "$1"', check, "{{args.version}}"]}}
        """, Map.of("version", "2.0.0")))).isEmpty();
    assertThat(job.check(Metrics.of("""
        name: t
        provider: {job: {command: "true", timeoutSeconds: soon}}
        """))).containsExactly("timeoutSeconds must be a whole number of seconds, at least 1, got soon");
  }
}
