package co.mumo.okra.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Prometheus server on loopback that scrapes one target every second, for the prometheus
 * provider's tests. The binary: {@code -Dokra.prometheus=…}, env {@code OKRA_PROMETHEUS}, or
 * {@code /usr/bin/prometheus} (Debian's {@code prometheus} package; {@code scripts/prometheus.sh}
 * installs it). A missing binary fails the test rather than skipping it.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final String NOT_INSTALLED = "prometheus is not installed: run scripts/prometheus.sh (or scripts/test.sh, which does it)";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final URI endpoint;
  private final Path dir;

  private PrometheusServer(Process process, URI endpoint, Path dir) {
    this.process = process;
    this.endpoint = endpoint;
    this.dir = dir;
  }

  /** Starts a server scraping {@code target} ({@code host:port}, path /metrics) every second. */
  public static PrometheusServer scraping(String target) {
    Path binary = Optional.ofNullable(System.getProperty("okra.prometheus"))
        .or(() -> Optional.ofNullable(System.getenv("OKRA_PROMETHEUS"))).filter(s -> !s.isBlank())
        .map(Path::of).orElse(Path.of("/usr/bin/prometheus"));
    if (!Files.isExecutable(binary)) throw new IllegalStateException(NOT_INSTALLED, new FileNotFoundException(binary.toString()));
    try {
      Path dir = Files.createTempDirectory("okra-prometheus");
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, """
          global:
            scrape_interval: 1s
            evaluation_interval: 1s
          scrape_configs:
          - job_name: okra-test
            static_configs:
            - targets: ['%s']
          """.formatted(target));
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port), dir);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    try {
      await().atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
        }
        try {
          return http.send(HttpRequest.newBuilder(endpoint.resolve("/-/ready")).timeout(Duration.ofSeconds(1)).build(),
              HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException notYet) {
          return false; // not listening yet
        }
      });
    } catch (ConditionTimeoutException e) {
      close();
      throw new IllegalStateException("prometheus did not become ready within " + STARTUP_TIMEOUT.toSeconds() + "s");
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
