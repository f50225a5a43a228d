package co.mumo.okra.analysis.eval.provider;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.cell.RunPhase;
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
}
