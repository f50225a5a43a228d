package co.mumo.okra.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A small plain-HTTP proxy in front of moto or the API server, for the reliability tests. It
 * forwards every request with the JDK HTTP client, records it (operation, request body, status, any
 * injected fault) and, on a schedule per operation, answers with a fault instead: before forwarding
 * (the server never sees the request) or after (the server acted, the answer is lost).
 *
 * <pre>{@code
 * FaultProxy aws = FaultProxy.aws(moto.endpoint());           // operation = the ELBv2 Action
 * aws.inject("ModifyRule", 2, FaultProxy.Fault.awsUnavailable());
 * FaultProxy kube = FaultProxy.kube(kubeConfig);              // operation = e.g. "PUT cells/status"
 * Path kubeconfig = kube.kubeconfig(Optional.empty());        // points a runner at the proxy
 * }</pre>
 *
 * Towards the API server the proxy speaks HTTPS with the test client's certificate, unless the
 * request carries a bearer token: then it forwards the token and no certificate, so a ServiceAccount
 * keeps its own (least) privileges through the proxy. Tokens are never recorded.
 */
public final class FaultProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade", "keep-alive",
      "te", "trailer", "transfer-encoding", "proxy-connection", "http2-settings");
  private static final Pattern KUBE_PATH = Pattern.compile(
      "^/(?:api/v1|apis/[^/]+/[^/]+)(?:/namespaces/([^/]+))?/([^/]+)(?:/([^/]+))?(?:/([^/]+))?$");

  /** One request as the proxy saw it; {@code fault} is set when the answer was injected. */
  public record Exchange(int seq, String method, String path, String operation, String requestBody, int status,
                         Optional<Fault> fault, boolean bearerToken) {
    /** ELBv2 query-protocol form parameters (empty for other bodies). */
    public Map<String, String> form() {
      Map<String, String> out = new LinkedHashMap<>();
      if (requestBody == null || requestBody.isEmpty() || requestBody.startsWith("{")) return out;
      for (String pair : requestBody.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return out;
    }

    /**
     * Target group ARN to weight of the forward action a CreateRule or ModifyRule asked for; empty
     * for other operations. A forward without weights reads as weight 1 each, as in ALB.
     */
    public Map<String, Integer> forwardWeights() {
      Map<String, String> form = form();
      Map<String, String> arns = new TreeMap<>();
      Map<String, Integer> weights = new HashMap<>();
      Pattern p = Pattern.compile("^Actions\\.member\\.\\d+\\.ForwardConfig\\.TargetGroups\\.member\\.(\\d+)\\.(TargetGroupArn|Weight)$");
      for (Map.Entry<String, String> e : form.entrySet()) {
        Matcher m = p.matcher(e.getKey());
        if (!m.matches()) continue;
        if (m.group(2).equals("TargetGroupArn")) arns.put(m.group(1), e.getValue());
        else weights.put(m.group(1), Integer.parseInt(e.getValue()));
      }
      Map<String, Integer> out = new LinkedHashMap<>();
      arns.forEach((i, arn) -> out.put(arn, weights.getOrDefault(i, 1)));
      return out;
    }

    /** Answered by the server (not injected) with a 2xx. */
    public boolean succeeded() {
      return fault.isEmpty() && status / 100 == 2;
    }
  }

  /**
   * An injected answer. {@code afterForwarding}: the request is forwarded first and the server's
   * answer replaced, as when a connection drops after the server acted.
   */
  public record Fault(int status, String contentType, String body, Map<String, String> headers, boolean afterForwarding) {
    public Fault {
      headers = Map.copyOf(headers);
    }

    /** ELBv2's answer when the account's API rate is exceeded (the SDK retries it, adaptively). */
    public static Fault awsThrottling() {
      return aws(400, "Sender", "Throttling", "Rate exceeded");
    }

    public static Fault awsUnavailable() {
      return aws(503, "Receiver", "ServiceUnavailable", "Service is unavailable, injected by the test");
    }

    public static Fault awsInternal() {
      return aws(500, "Receiver", "InternalFailure", "Internal failure, injected by the test");
    }

    /** A Kubernetes Status body with the usual reason for {@code code} (429, 500, 503, ...). */
    public static Fault kube(int code) {
      String reason = switch (code) {
        case 409 -> "Conflict";
        case 429 -> "TooManyRequests";
        case 500 -> "InternalError";
        case 503 -> "ServiceUnavailable";
        case 504 -> "Timeout";
        default -> "Unknown";
      };
      String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
          + "injected by the test: " + reason + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
      return new Fault(code, "application/json", body, Map.of(), false);
    }

    private static Fault aws(int status, String type, String code, String message) {
      String body = "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error><Type>" + type
          + "</Type><Code>" + code + "</Code><Message>" + message + "</Message></Error><RequestId>injected-"
          + Long.toHexString(System.nanoTime()) + "</RequestId></ErrorResponse>";
      return new Fault(status, "text/xml", body, Map.of(), false);
    }

    /** The same answer, given after the server has acted on the request. */
    public Fault lostAfterForwarding() {
      return new Fault(status, contentType, body, headers, true);
    }

    public Fault withHeader(String name, String value) {
      Map<String, String> h = new HashMap<>(headers);
      h.put(name, value);
      return new Fault(status, contentType, body, h, afterForwarding);
    }

    /** Short form for logs, e.g. {@code 503} or {@code 503 after forwarding}. */
    public String describe() {
      return status + (afterForwarding ? " after forwarding" : "");
    }
  }

  /** Names a request for the schedule and the log. */
  @FunctionalInterface
  public interface Classifier {
    String operation(String method, URI uri, String body);
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI target;
  private final HttpClient client;
  private final HttpClient tokenClient;
  private final Classifier classifier;
  private final Map<String, Deque<Fault>> schedule = new HashMap<>();
  private final List<Exchange> log = new ArrayList<>();
  private final AtomicInteger seq = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();
  private final ReentrantLock serialLock = new ReentrantLock(true);
  private volatile Predicate<String> serialized = op -> false;
  private final Config kubeConfig;

  private FaultProxy(URI target, SSLContext withCertificate, SSLContext withoutCertificate, Classifier classifier, Config kubeConfig) {
    this.target = target;
    this.classifier = classifier;
    this.kubeConfig = kubeConfig;
    this.client = httpClient(withCertificate);
    this.tokenClient = withoutCertificate == null ? client : httpClient(withoutCertificate);
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the proxy's port", e);
    }
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fault-proxy");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** In front of moto; the operation is the query protocol's {@code Action} (DescribeRules, ModifyRule, ...). */
  public static FaultProxy aws(URI moto) {
    return new FaultProxy(moto, null, null, (method, uri, body) -> {
      Matcher m = Pattern.compile("(?:^|&)Action=([A-Za-z]+)").matcher(body == null ? "" : body);
      return m.find() ? m.group(1) : method + " " + uri.getPath();
    }, null);
  }

  /**
   * In front of the API server of {@code config} (HTTPS, client certificate). The operation is the
   * verb and the resource, e.g. {@code GET cells}, {@code LIST awstargetgroups}, {@code PUT cells/status},
   * {@code POST analysisruns}.
   */
  public static FaultProxy kube(Config config) {
    try {
      SSLContext withCert = SSLUtils.sslContext(SSLUtils.keyManagers(config), SSLUtils.trustManagers(config));
      SSLContext trustOnly = SSLUtils.sslContext(null, SSLUtils.trustManagers(config));
      return new FaultProxy(URI.create(config.getMasterUrl()), withCert, trustOnly, FaultProxy::kubeOperation, config);
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the proxy's TLS context from the kubeconfig", e);
    }
  }

  /** {@code VERB resource[/subresource]}; a GET without a name is LIST. */
  public static String kubeOperation(String method, URI uri, String body) {
    Matcher m = KUBE_PATH.matcher(uri.getPath());
    if (!m.matches()) return method + " " + uri.getPath();
    String resource = m.group(2);
    String name = m.group(3);
    String sub = m.group(4);
    String verb = method.equals("GET") && name == null ? "LIST" : method;
    return verb + " " + resource + (sub == null ? "" : "/" + sub);
  }

  /** Where clients should send their requests instead: {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * A kubeconfig file that points at this proxy (plain HTTP), with {@code token} as a bearer token
   * if given; without one the proxy authenticates with the test client's certificate.
   */
  public Path kubeconfig(Optional<String> token) {
    if (kubeConfig == null) throw new IllegalStateException("not a Kubernetes proxy");
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: proxy
          cluster:
            server: %s
        users:
        - name: user
          user: %s
        contexts:
        - name: proxy
          context:
            cluster: proxy
            user: user
        current-context: proxy
        """.formatted(endpoint(), token.map(t -> "{token: " + t + "}").orElse("{}"));
    try {
      Path file = Files.createTempFile("okra-proxy-kubeconfig", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next {@code times} requests of {@code operation} get {@code fault}. */
  public synchronized FaultProxy inject(String operation, int times, Fault fault) {
    Deque<Fault> queue = schedule.computeIfAbsent(operation, k -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) queue.add(fault);
    return this;
  }

  public synchronized void clearFaults() {
    schedule.clear();
  }

  /** Faults scheduled but not yet used, by operation. */
  public synchronized Map<String, Integer> pendingFaults() {
    Map<String, Integer> out = new TreeMap<>();
    schedule.forEach((op, q) -> {
      if (!q.isEmpty()) out.put(op, q.size());
    });
    return out;
  }

  /**
   * Requests of the matching operations are forwarded one at a time and logged before the next is
   * let through, so the log's order is the order the server applied them in.
   */
  public FaultProxy serialize(Predicate<String> operations) {
    this.serialized = operations;
    return this;
  }

  /** Every request so far, in arrival order (answer order for serialized operations). */
  public List<Exchange> exchanges() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  public List<Exchange> exchanges(String operation) {
    return exchanges().stream().filter(e -> e.operation().equals(operation)).toList();
  }

  public int count(String operation) {
    return exchanges(operation).size();
  }

  /** Requests whose operation does not start with Describe / GET / LIST. */
  public List<Exchange> writes() {
    return exchanges().stream().filter(e -> !isRead(e.operation())).toList();
  }

  public static boolean isRead(String operation) {
    return operation.startsWith("Describe") || operation.startsWith("GET ") || operation.startsWith("LIST ");
  }

  /** How many answers were injected since the start. */
  public int faultsInjected() {
    return injected.get();
  }

  /** Forgets the log (not the schedule). */
  public void resetLog() {
    synchronized (log) {
      log.clear();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private synchronized Fault nextFault(String operation) {
    Deque<Fault> q = schedule.get(operation);
    return q == null ? null : q.poll();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String text = new String(body, StandardCharsets.UTF_8);
      String method = ex.getRequestMethod();
      URI uri = ex.getRequestURI();
      String operation = classifier.operation(method, uri, text);
      boolean token = ex.getRequestHeaders().containsKey("Authorization");
      boolean serial = serialized.test(operation);
      if (serial) serialLock.lock();
      try {
        Fault fault = nextFault(operation);
        if (fault != null && !fault.afterForwarding()) {
          answer(ex, fault);
          record(method, uri, operation, text, fault.status(), Optional.of(fault), token);
          return;
        }
        HttpResponse<byte[]> response;
        try {
          response = forward(ex, method, uri, body, token);
        } catch (IOException e) {
          byte[] msg = ("proxy could not reach " + target + ": " + e).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(502, msg.length);
          ex.getResponseBody().write(msg);
          record(method, uri, operation, text, 502, Optional.empty(), token);
          return;
        }
        if (fault != null) {
          answer(ex, fault);
          record(method, uri, operation, text, fault.status(), Optional.of(fault), token);
          return;
        }
        response.headers().map().forEach((k, vs) -> {
          if (!HOP_BY_HOP.contains(k.toLowerCase()) && !k.startsWith(":")) vs.forEach(v -> ex.getResponseHeaders().add(k, v));
        });
        byte[] out = response.body();
        ex.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) ex.getResponseBody().write(out);
        record(method, uri, operation, text, response.statusCode(), Optional.empty(), token);
      } finally {
        if (serial) serialLock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<byte[]> forward(HttpExchange ex, String method, URI uri, byte[] body, boolean token)
      throws IOException, InterruptedException {
    String base = target.toString().replaceAll("/+$", "");
    String raw = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + raw)).timeout(Duration.ofSeconds(60))
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders().forEach((k, vs) -> {
      if (!HOP_BY_HOP.contains(k.toLowerCase())) vs.forEach(v -> b.header(k, v));
    });
    return (token ? tokenClient : client).send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private void answer(HttpExchange ex, Fault fault) throws IOException {
    injected.incrementAndGet();
    byte[] out = fault.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", fault.contentType());
    fault.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(fault.status(), out.length);
    ex.getResponseBody().write(out);
  }

  private void record(String method, URI uri, String operation, String body, int status, Optional<Fault> fault, boolean token) {
    synchronized (log) {
      log.add(new Exchange(seq.incrementAndGet(), method, uri.getPath(), operation, body, status, fault, token));
    }
  }

  private static HttpClient httpClient(SSLContext ssl) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
    if (ssl != null) b.sslContext(ssl);
    return b.build();
  }
}
