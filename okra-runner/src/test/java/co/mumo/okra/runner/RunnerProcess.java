package co.mumo.okra.runner;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.TestKube;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shaded runner jar as a separate process, pointed at the test API server and moto. */
final class RunnerProcess {
  private final Process process;
  private final Path output;

  private RunnerProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static Path jar() {
    String jar = System.getProperty("okra.runner.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("the shaded runner jar is missing (" + jar + "): run the tests with `mvn verify`, "
          + "which packages okra-runner/target/okra-runner.jar first");
    }
    return Path.of(jar);
  }

  static RunnerProcess start(TestKube kube, MotoServer moto, String... args) {
    return start(kube.kubeconfig(), moto.endpoint(), args);
  }

  /** With another kubeconfig and AWS endpoint, e.g. of proxies in front of the API server and moto. */
  static RunnerProcess start(Path kubeconfig, java.net.URI awsEndpoint, String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(List.of("--kubeconfig", kubeconfig.toString(), "--region", AwsFixture.REGION.id(),
        "--aws-endpoint-url", awsEndpoint.toString()));
    return startExactly(command);
  }

  /** Exactly these arguments, for commands that talk to neither (demo, report, crds print). */
  static RunnerProcess startExactly(List<String> args) {
    return startExactly(java.util.Map.of(), args);
  }

  /** With more (or other) environment variables, e.g. AWS credentials of the test's own. */
  static RunnerProcess startExactly(java.util.Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar().toString()));
    command.addAll(args);
    try {
      Path output = Files.createTempFile("okra-runner", ".out");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
      pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
      pb.environment().remove("AWS_PROFILE");
      pb.environment().putAll(env);
      return new RunnerProcess(pb.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs to the end (at most {@code seconds}) and returns the exit code. */
  int waitFor(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("okra-runner did not finish in " + seconds + "s; output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
