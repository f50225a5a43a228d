package co.mumo.okra.runner.watch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz} (live: the loop runs) and {@code /readyz} (ready: it holds the Lease and its last
 * pass succeeded) for Kubernetes probes, on the JDK's own HTTP server: GET only, a short plain-text
 * body, nothing else served. A standby replica is live but not ready.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code port} on every interface (0: a free port, see {@link #port()}). */
  public static HealthServer start(int port, BooleanSupplier live, BooleanSupplier ready, Supplier<String> why) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port + " for the health endpoints: " + e.getMessage(), e);
    }
    server.createContext("/healthz", ex -> answer(ex, live.getAsBoolean(), live.getAsBoolean() ? "ok" : "the loop has stopped"));
    server.createContext("/readyz", ex -> {
      boolean ok = ready.getAsBoolean();
      answer(ex, ok, ok ? "ok" : why.get());
    });
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "okra-health");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return new HealthServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, boolean ok, String text) throws IOException {
    try (ex) {
      boolean known = ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath());
      int code = !known ? 404 : !ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD") ? 405 : ok ? 200 : 503;
      byte[] body = ((code == 404 ? "not found" : code == 405 ? "GET only" : text) + "\n").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(code, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
