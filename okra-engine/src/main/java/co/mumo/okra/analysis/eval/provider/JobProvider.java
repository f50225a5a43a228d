package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.core.RunPhase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Okra's {@code job} provider: in CI a job metric is a command run next to the runner, not a Kubernetes
 * Job. {@code command} (a list, or a string run by {@code sh -c}), optional {@code env} (name/value) and
 * {@code timeoutSeconds} (default 300). Arguments reach the command only as argv entries or environment
 * values, never as shell code ({@link JobArgs}). Exit 0 is a success and anything else a failure, as with Argo's
 * Job provider; with a success or failure condition, the standard output of a successful command is the
 * {@code result} (decoded as JSON when it is JSON) and the conditions decide. Argo's {@code job.spec}
 * (a Kubernetes Job) is left to Argo Rollouts' controller.
 */
public final class JobProvider implements MetricProvider {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  private static final int KEEP = 4096;

  @Override
  public String type() {
    return "job";
  }

  /**
   * The job provider when it is not allowed: every job metric is invalid (so validation stops the
   * rollout before traffic moves) with {@code how} saying how to allow it. Running commands from a
   * template with the runner's credentials is for the runner's owner to permit, not the template's author.
   */
  public static MetricProvider disabled(String how) {
    String why = "the job provider runs the template's command on the runner, with the runner's credentials; it is off unless " + how;
    return new MetricProvider() {
      @Override
      public String type() {
        return "job";
      }

      @Override
      public List<String> check(Metric metric) {
        return List.of(why);
      }

      @Override
      public Observation measure(Metric metric, Instant now) {
        return new Observation.Error("job: " + why);
      }
    };
  }

  @Override
  public List<String> check(Metric metric) {
    Object command = metric.provider().get("command");
    if (command == null && metric.provider().get("spec") != null) {
      return List.of("job.spec (a Kubernetes Job) needs Argo Rollouts' controller; Okra's evaluator runs job.command");
    }
    if (command == null || command instanceof List<?> l && l.isEmpty() || String.valueOf(command).isBlank()) {
      return List.of("command is required (a list, or a string for sh -c)");
    }
    List<String> problems = new ArrayList<>(JobArgs.problems(metric.providerAsWritten()));
    Object timeout = metric.provider().get("timeoutSeconds");
    if (timeout != null && !String.valueOf(timeout).strip().matches("0*[1-9]\\d{0,8}")) {
      problems.add("timeoutSeconds must be a whole number of seconds, at least 1, got " + timeout);
    }
    return problems;
  }

  @Override
  public Observation measure(Metric metric, Instant now) {
    List<String> problems = check(metric);
    if (!problems.isEmpty()) return new Observation.Error("job: " + String.join("; ", problems));
    Map<String, Object> p = metric.provider();
    List<String> command = new ArrayList<>();
    if (p.get("command") instanceof List<?> l) {
      for (Object o : l) command.add(String.valueOf(o));
    } else {
      command.addAll(List.of("sh", "-c", String.valueOf(p.get("command"))));
    }
    Duration timeout = p.get("timeoutSeconds") == null ? DEFAULT_TIMEOUT
        : Duration.ofSeconds(Long.parseLong(String.valueOf(p.get("timeoutSeconds")).strip()));
    ProcessBuilder pb = new ProcessBuilder(command);
    if (p.get("env") instanceof List<?> env) {
      for (Object e : env) {
        if (e instanceof Map<?, ?> m && m.get("name") != null) {
          pb.environment().put(String.valueOf(m.get("name")), String.valueOf(m.get("value") == null ? "" : m.get("value")));
        }
      }
    }
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      return new Observation.Error("job: cannot run " + command.get(0) + ": " + e.getMessage());
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
    try {
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return new Observation.Verdict(RunPhase.FAILED, null, "job: timed out after " + timeout.toSeconds() + "s");
      }
      String stdout = out.get(5, TimeUnit.SECONDS).strip();
      String stderr = err.get(5, TimeUnit.SECONDS).strip();
      int code = process.exitValue();
      if (code != 0) {
        return new Observation.Verdict(RunPhase.FAILED, stdout.isEmpty() ? null : WebProvider.abbreviate(stdout),
            "job: exit code " + code + (stderr.isEmpty() ? "" : ": " + WebProvider.abbreviate(lastLines(stderr))));
      }
      if (metric.successCondition().isEmpty() && metric.failureCondition().isEmpty()) {
        return new Observation.Verdict(RunPhase.SUCCESSFUL, stdout.isEmpty() ? null : WebProvider.abbreviate(stdout), "job: exit code 0");
      }
      // decoded as the web provider decodes an answer (Go's encoding/json); otherwise the text itself
      Optional<GoJson.Decoded> json = GoJson.decode(stdout);
      Object result = json.isPresent() ? json.get().value() : stdout;
      return Observation.Value.json(result);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Observation.Error("job: interrupted");
    } catch (Exception e) {
      return new Observation.Error("job: " + e.getMessage());
    }
  }

  private static String lastLines(String s) {
    String[] lines = s.split("\n");
    return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
  }

  private static String drain(InputStream in) {
    try (in) {
      ByteArrayOutputStream keep = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (keep.size() < KEEP * 4) keep.write(buf, 0, Math.min(n, KEEP * 4 - keep.size()));
      }
      return keep.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
