package co.mumo.okra.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * moto's standalone server as a child process on a free loopback port: the fake AWS that the
 * integration tests run against.
 *
 * <p>Most tests should use {@link #shared()}: one server per JVM, started on first use and stopped
 * by a shutdown hook, with {@link #reset()} between tests. Starting moto costs about a second of
 * Python imports, which would dominate a suite that started one per class. Tests that share it must
 * not run in parallel (failsafe's default), since a reset wipes every test's resources.
 *
 * <p>The binary is, in order: system property {@code okra.moto.server} (pass {@code
 * -Dokra.moto.server=…} to Maven), env {@code OKRA_MOTO_SERVER}, or {@code bin/moto_server} in the
 * venv of {@code scripts/moto.sh} ({@code ${OKRA_MOTO_VENV:-~/.cache/okra/moto-venv}}). A missing
 * binary fails the test rather than skipping it: a skipped AWS test looks green and hides a broken
 * CI setup.
 */
public final class MotoServer implements AutoCloseable {
  public static final String NOT_INSTALLED = "moto is not installed: run scripts/moto.sh install (or scripts/test.sh, which does it)";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  /** A port picked free can be taken before moto binds it; one more try is cheap. */
  private static final int START_ATTEMPTS = 3;

  private static MotoServer shared;

  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** The JVM-wide server, started on first call. */
  public static synchronized MotoServer shared() {
    if (shared == null || !shared.process.isAlive()) {
      shared = start();
      MotoServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "moto-server-stop"));
    }
    return shared;
  }

  /** A server of one's own; the caller closes it. */
  public static MotoServer start() {
    Path binary = binary();
    ExitedEarly last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return startOn(binary, freePort());
      } catch (ExitedEarly e) {
        last = e;
      }
    }
    throw last;
  }

  /** {@code http://127.0.0.1:PORT}, for {@code endpointOverride}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Forgets every resource of every service, so the next test starts from an empty account. */
  public void reset() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("moto reset answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** moto's request log, for a failing test's message. */
  public Path log() {
    return log;
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static Path binary() {
    Path binary = Optional.ofNullable(System.getProperty("okra.moto.server"))
        .or(() -> Optional.ofNullable(System.getenv("OKRA_MOTO_SERVER")))
        .filter(s -> !s.isBlank())
        .map(Path::of)
        .orElseGet(() -> venv().resolve("bin").resolve("moto_server"));
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(NOT_INSTALLED, new FileNotFoundException(binary.toString()));
    }
    return binary;
  }

  private static Path venv() {
    String venv = System.getenv("OKRA_MOTO_VENV");
    return venv == null || venv.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "okra", "moto-venv")
        : Path.of(venv);
  }

  private static MotoServer startOn(Path binary, int port) {
    Path log = logFile(port);
    Process process;
    try {
      process = new ProcessBuilder(List.of(binary.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
    try {
      server.awaitReady();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void awaitReady() {
    try {
      await().atMost(STARTUP_TIMEOUT).pollInterval(POLL_INTERVAL).until(() -> {
        if (!process.isAlive()) {
          throw new ExitedEarly("moto_server exited with " + process.exitValue() + " before answering; " + logTail());
        }
        return answers();
      });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("moto_server did not answer on " + endpoint + " within " + STARTUP_TIMEOUT.toSeconds() + " s; " + logTail());
    }
  }

  private boolean answers() {
    try {
      HttpRequest ping = HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for moto", e);
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("moto at " + endpoint + " did not answer " + request.uri().getPath(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return "log " + log + " ends with:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "log " + log + " unreadable: " + e.getMessage();
    }
  }

  /** Under Maven's target/ when run from a module, so the log survives for a failed build's artifacts. */
  private static Path logFile(int port) {
    Path dir = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(System.getProperty("java.io.tmpdir"));
    return dir.resolve("moto-" + port + ".log").toAbsolutePath();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** Usually the port was taken in the meantime, so worth another try on a new one. */
  private static final class ExitedEarly extends IllegalStateException {
    ExitedEarly(String message) {
      super(message);
    }
  }
}
