package co.mumo.okra.outbound;

import co.mumo.okra.policy.AnalysisPolicy;
import co.mumo.okra.policy.HostPolicy;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The one way Okra makes HTTP requests to an address that a template (or a Secret in a template's
 * namespace) names for a metric, or the runner's owner names for a notification. Each hop's host is checked against the owner's policy and resolved once,
 * every address checked ({@link AddressPolicy}), and the connection made to a checked address, so DNS
 * rebinding cannot move it. The whole exchange, redirects and body included, ends by the request's
 * timeout (at most {@link #MAX_TIMEOUT}) however slowly the server answers; at most {@link #MAX_BODY_BYTES}
 * of an answer are read. Redirects are followed as Go's net/http follows them (at most
 * {@link #MAX_REDIRECTS}), except that the request's headers go only to the host first asked and an
 * https request is never redirected to http.
 */
public final class OutboundHttp {
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
  public static final int MAX_REDIRECTS = 10;
  /** Headers Okra writes itself: a template setting them could split or smuggle requests. */
  public static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection", "upgrade",
      "expect", "te", "trailer", "keep-alive");

  private static final ThreadFactory DAEMONS = r -> {
    Thread t = new Thread(r, "okra-outbound-http");
    t.setDaemon(true);
    return t;
  };
  /** Closes a connection whose request ran out of time: a blocked read or handshake then ends at once. */
  private static final ScheduledThreadPoolExecutor DEADLINES = new ScheduledThreadPoolExecutor(1, DAEMONS);
  /** Name resolution has no timeout of its own; it runs here so the caller can stop waiting at the deadline. */
  private static final ExecutorService RESOLVERS = Executors.newCachedThreadPool(DAEMONS);

  static {
    DEADLINES.setRemoveOnCancelPolicy(true);
  }

  /** One request: its headers go only to {@code uri}'s host; {@code body} null for none. */
  public record Request(String method, URI uri, List<Map.Entry<String, String>> headers, byte[] body, Duration timeout) {
    public Request {
      headers = List.copyOf(headers);
      timeout = timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout;
    }
  }

  /** The final answer (after redirects) and the address it came from. */
  public record Response(int status, URI uri, Map<String, List<String>> headers, byte[] body) {
    public Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body as text, in the charset the answer names (UTF-8 when it names none or an unknown one). */
    public String text() {
      Charset charset = StandardCharsets.UTF_8;
      String type = header("content-type").orElse("");
      int at = type.toLowerCase(Locale.ROOT).indexOf("charset=");
      if (at >= 0) {
        try {
          charset = Charset.forName(type.substring(at + 8).split(";")[0].replace("\"", "").strip());
        } catch (IllegalArgumentException unknown) {
          // UTF-8, as JSON is
        }
      }
      return new String(body, charset);
    }
  }

  /** No answer: the message says why (refused by the policy, timed out, too large, connection failed). */
  public static final class FetchException extends Exception {
    public FetchException(String message) {
      super(message);
    }
  }

  private final AddressPolicy addresses;
  private final SocketFactory sockets;
  private final Supplier<SSLSocketFactory> tls;

  public OutboundHttp(AnalysisPolicy policy) {
    this(policy.hosts());
  }

  public OutboundHttp(HostPolicy policy) {
    this(new AddressPolicy(policy, AddressPolicy.Resolver.SYSTEM), SocketFactory.getDefault(),
        () -> (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /** With a resolver, a socket factory and a TLS socket factory of the caller's (tests: a fake DNS, a counting factory, a test CA). */
  public OutboundHttp(AddressPolicy addresses, SocketFactory sockets, Supplier<SSLSocketFactory> tls) {
    this.addresses = addresses;
    this.sockets = sockets;
    this.tls = tls;
  }

  /** Why {@code name: value} cannot be sent as a template's header, or empty when it can. */
  public static Optional<String> headerProblem(String name, String value) {
    return Optional.ofNullable(Http1.headerProblem(name, value));
  }

  /** The final answer; a header that cannot be sent (a line break in it, {@code Host}) is refused before anything else. */
  public Response send(Request request) throws FetchException {
    for (Map.Entry<String, String> h : request.headers()) {
      String problem = Http1.headerProblem(h.getKey(), h.getValue());
      if (problem != null) throw new FetchException(problem);
    }
    // A bound on how long this request may take, not a time of day: the monotonic clock, which a clock
    // step (NTP, a suspended VM) cannot stretch or cut short.
    long deadline = System.nanoTime() + request.timeout().toNanos();
    String method = request.method();
    byte[] body = request.body();
    URI uri = request.uri();
    String origin = host(uri);
    for (int redirects = 0; ; redirects++) {
      // Like Go's net/http, but stricter: nothing the request carries goes to any other host.
      boolean sameHost = host(uri).equalsIgnoreCase(origin);
      final byte[] sent = body;
      List<String[]> headers = request.headers().stream()
          .filter(h -> sameHost || (sent != null && h.getKey().equalsIgnoreCase("content-type")))
          .map(h -> new String[] {h.getKey(), h.getValue()}).toList();
      Response answer = exchange(method, uri, headers, body, deadline, request.timeout());
      Optional<String> location = answer.header("location");
      if (!List.of(301, 302, 303, 307, 308).contains(answer.status()) || location.isEmpty()) return answer;
      if (redirects == MAX_REDIRECTS) throw new FetchException("stopped after " + MAX_REDIRECTS + " redirects (the last to " + location.get() + ")");
      URI next;
      try {
        next = uri.resolve(location.get().strip());
      } catch (IllegalArgumentException e) {
        throw new FetchException("the redirect to \"" + abbreviate(location.get()) + "\" is not a URL");
      }
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
        throw new FetchException("refused the redirect to " + next + ": only http and https URLs with a host are followed");
      }
      if (uri.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
        throw new FetchException("refused the redirect from https to http (" + next + ")");
      }
      if (answer.status() <= 303 && !method.equals("GET") && !method.equals("HEAD")) {
        method = "GET";
        body = null;
      }
      uri = next;
    }
  }

  private Response exchange(String method, URI uri, List<String[]> headers, byte[] body, long deadline, Duration timeout)
      throws FetchException {
    String host = host(uri);
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
    List<InetAddress> checked = resolve(host, deadline, timeout);
    Socket socket = connect(checked, host, port, deadline, timeout);
    ScheduledFuture<?> watchdog = DEADLINES.schedule(() -> closeQuietly(socket), Math.max(1, deadline - System.nanoTime()),
        TimeUnit.NANOSECONDS);
    Socket conn = socket;
    try {
      socket.setSoTimeout(remainingMillis(deadline));
      if (https) conn = handshake(socket, host, port);
      String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      String hostHeader = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
      byte[] sent = body == null && (method.equals("POST") || method.equals("PUT")) ? new byte[0] : body;
      Http1.write(new BufferedOutputStream(conn.getOutputStream()), method, target, hostHeader, headers, sent);
      Http1.Answer a = Http1.read(new BufferedInputStream(conn.getInputStream()), method, MAX_BODY_BYTES);
      return new Response(a.status(), uri, a.headers(), a.body());
    } catch (Http1.TooLargeException e) {
      throw new FetchException("the answer is larger than " + MAX_BODY_BYTES / 1024 / 1024
          + " MiB, the most Okra reads of a metric's answer (ask for less: a narrower query or a smaller document)");
    } catch (IOException e) {
      if (System.nanoTime() - deadline >= 0) throw timedOut(timeout);
      throw new FetchException(describe(e));
    } finally {
      watchdog.cancel(false);
      closeQuietly(conn);
      closeQuietly(socket);
    }
  }

  private List<InetAddress> resolve(String host, long deadline, Duration timeout) throws FetchException {
    Future<List<InetAddress>> lookup = RESOLVERS.submit(() -> addresses.addresses(host));
    try {
      return lookup.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      lookup.cancel(true);
      throw timedOut(timeout);
    } catch (InterruptedException e) {
      lookup.cancel(true);
      Thread.currentThread().interrupt();
      throw new FetchException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AddressPolicy.RefusedException r) throw new FetchException("refused: " + r.getMessage());
      if (e.getCause() instanceof UnknownHostException) throw new FetchException("unknown host " + host);
      throw new FetchException("cannot resolve " + host + ": " + describe(e.getCause()));
    }
  }

  private Socket connect(List<InetAddress> checked, String host, int port, long deadline, Duration timeout) throws FetchException {
    List<String> failures = new ArrayList<>();
    for (InetAddress address : checked) {
      if (System.nanoTime() - deadline >= 0) throw timedOut(timeout);
      Socket s = null;
      try {
        s = sockets.createSocket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
        return s;
      } catch (IOException e) {
        closeQuietly(s);
        failures.add(address.getHostAddress() + ": " + describe(e));
      }
    }
    if (System.nanoTime() - deadline >= 0) throw timedOut(timeout);
    throw new FetchException("cannot connect to " + host + " port " + port + " (" + String.join("; ", failures) + ")");
  }

  private Socket handshake(Socket plain, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) tls.get().createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host the template wrote
    boolean literal = host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    if (!literal) p.setServerNames(List.of(new SNIHostName(host)));
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  /** The host as written in the URL, without an IPv6 literal's brackets. */
  public static String host(URI uri) {
    String h = uri.getHost();
    if (h == null) throw new IllegalArgumentException(uri + " has no host");
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  /** One line of at most 200 characters: what a server wrote, for a message. */
  public static String abbreviate(String s) {
    String t = s == null ? "" : s.strip().replaceAll("\\s+", " ");
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  private static FetchException timedOut(Duration timeout) {
    return new FetchException("timed out after " + timeout.toSeconds() + "s");
  }

  private static int remainingMillis(long deadline) {
    return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static void closeQuietly(Socket s) {
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // closing is all that is left to do
    }
  }
}
