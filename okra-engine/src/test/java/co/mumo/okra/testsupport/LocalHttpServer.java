package co.mumo.okra.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's HTTP server on one loopback address, recording every request it receives (method, path,
 * headers), for tests of what a metric provider sends where, and of what it refuses to send at all.
 */
public final class LocalHttpServer implements AutoCloseable {
  /** A request as received; header names in lower case; the body as UTF-8 text. */
  public record Received(String method, String path, Map<String, String> headers, String body) {
    public Received(String method, String path, Map<String, String> headers) {
      this(method, path, headers, "");
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final String host;

  private LocalHttpServer(String address) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    server.setExecutor(threads);
    host = address;
    server.start();
  }

  /** On 127.0.0.1. */
  public static LocalHttpServer start() {
    return on("127.0.0.1");
  }

  /** On another loopback address, e.g. 127.0.0.2 (Linux routes all of 127.0.0.0/8 to lo). */
  public static LocalHttpServer on(String address) {
    return new LocalHttpServer(address);
  }

  /** Serves {@code path} (and below) with {@code handler}, recording each request first. */
  public LocalHttpServer route(String path, HttpHandler handler) {
    server.createContext(path, ex -> {
      Map<String, String> headers = new TreeMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      // Read for the record, and handed on to the handler as it came.
      byte[] body = ex.getRequestBody().readAllBytes();
      ex.setStreams(new java.io.ByteArrayInputStream(body), null);
      received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, new String(body, StandardCharsets.UTF_8)));
      try {
        handler.handle(ex);
      } catch (IOException closedByClient) {
        // the client hung up (a cap or a deadline): nothing more to send
      } finally {
        ex.close();
      }
    });
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://ADDRESS:PORT} + path. */
  public String url(String path) {
    return "http://" + host + ":" + port() + path;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Answers {@code status} with {@code body} as JSON. */
  public static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) ex.getResponseBody().write(bytes);
  }

  /** Answers with a redirect to {@code location}. */
  public static void redirect(HttpExchange ex, int status, String location) throws IOException {
    ex.getResponseHeaders().add("Location", location);
    ex.sendResponseHeaders(status, -1);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
