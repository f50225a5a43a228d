package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.outbound.AddressPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.policy.AnalysisPolicy;
import co.mumo.okra.testsupport.LocalHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack table for metric providers that make HTTP requests to an address a template names: each
 * attack is refused with a message naming the host, the address and the rule, and has no effect (no
 * connection is even attempted: a counting socket factory sees every connect; the local servers see
 * every request). Names resolve through a test resolver where a test needs a name to point somewhere.
 * All network traffic stays on loopback.
 */
class OutboundAttacksIT {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  /** The most an owner can allow: loopback and private networks; metadata must still be refused. */
  private static final AnalysisPolicy EVERYTHING = new AnalysisPolicy(Optional.empty(), true, true, false);

  private final CountingSockets sockets = new CountingSockets();
  private final Map<String, List<String>> dns = new HashMap<>();
  private LocalHttpServer server;

  @BeforeEach
  void start() {
    server = LocalHttpServer.start().route("/", ex -> LocalHttpServer.answer(ex, 200, "{\"ok\": true}"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OutboundHttp http(AnalysisPolicy policy) {
    AddressPolicy.Resolver resolver = host -> {
      List<String> fake = dns.get(host);
      if (fake == null) return AddressPolicy.Resolver.SYSTEM.resolve(host);
      List<InetAddress> out = new ArrayList<>();
      for (String a : fake) out.add(InetAddress.getByName(a));
      return out;
    };
    return new OutboundHttp(new AddressPolicy(policy, resolver), sockets, () -> (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  private Observation web(AnalysisPolicy policy, String url) {
    return new WebProvider(http(policy)).measure(Metrics.of("""
        name: m
        provider: {web: {url: "%s", headers: [{key: Authorization, value: "Bearer s3cr3t"}]}}
        """.formatted(url)), NOW);
  }

  record Attack(String what, String url, AnalysisPolicy policy, Map<String, List<String>> dns, List<String> message) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Attack> addressAttacks() {
    AnalysisPolicy onlyExampleHosts = new AnalysisPolicy(Optional.of(List.of("*.example.com")), true, true, false);
    String never = "Okra never contacts such addresses";
    return Stream.of(
        new Attack("the instance metadata address", "http://169.254.169.254/latest/meta-data/iam/security-credentials/", EVERYTHING,
            Map.of(), List.of("host 169.254.169.254 has address 169.254.169.254, a link-local address", "metadata", never)),
        new Attack("ECS task credentials", "http://169.254.170.2/v2/credentials", EVERYTHING, Map.of(),
            List.of("has address 169.254.170.2, a link-local address", never)),
        new Attack("the IPv6 metadata address", "http://[fd00:ec2::254]/latest/meta-data/", EVERYTHING, Map.of(),
            List.of("host fd00:ec2::254 has address fd00:ec2:0:0:0:0:0:254, a link-local address", never)),
        new Attack("IPv6 link-local", "http://[fe80::1]/", EVERYTHING, Map.of(), List.of("a link-local address", never)),
        new Attack("IPv4-mapped metadata", "http://[::ffff:169.254.169.254]/", EVERYTHING, Map.of(),
            List.of("has address 169.254.169.254, a link-local address", never)),
        new Attack("NAT64 metadata", "http://[64:ff9b::a9fe:a9fe]/", EVERYTHING, Map.of(), List.of("a link-local address", never)),
        new Attack("a name resolving to metadata", "http://metadata.attacker.test/", EVERYTHING,
            Map.of("metadata.attacker.test", List.of("169.254.169.254")),
            List.of("host metadata.attacker.test has address 169.254.169.254, a link-local address", never)),
        new Attack("a name with one metadata address among loopback ones", "http://mixed.attacker.test/", EVERYTHING,
            Map.of("mixed.attacker.test", List.of("127.0.0.1", "169.254.169.254")), List.of("has address 169.254.169.254", never)),
        new Attack("multicast", "http://224.0.0.1/", EVERYTHING, Map.of(), List.of("not a unicast address", never)),
        new Attack("loopback without the owner's allowLoopback", "http://127.0.0.1:PORT/", AnalysisPolicy.DEFAULT, Map.of(),
            List.of("host 127.0.0.1 has address 127.0.0.1, a loopback address",
                "the runner's owner can allow loopback addresses with analysis.allowLoopback: true in the runner's policy (--policy FILE)")),
        new Attack("localhost without allowLoopback", "http://localhost:PORT/", AnalysisPolicy.DEFAULT, Map.of(),
            List.of("host localhost has address", "a loopback address")),
        new Attack("0.0.0.0 without allowLoopback", "http://0.0.0.0:PORT/", AnalysisPolicy.DEFAULT, Map.of(),
            List.of("a loopback address")),
        new Attack("a private address without allowPrivateNetworks", "http://10.1.2.3/", AnalysisPolicy.DEFAULT, Map.of(),
            List.of("host 10.1.2.3 has address 10.1.2.3, a private address", "analysis.allowPrivateNetworks: true")),
        new Attack("a name resolving to a private address", "http://grafana.internal.test/", AnalysisPolicy.DEFAULT,
            Map.of("grafana.internal.test", List.of("192.168.7.7")), List.of("has address 192.168.7.7, a private address")),
        new Attack("carrier-grade NAT (Alibaba's metadata is 100.100.100.200)", "http://100.100.100.200/", AnalysisPolicy.DEFAULT,
            Map.of(), List.of("a private address")),
        new Attack("a host outside allowedHosts", "http://127.0.0.1:PORT/", onlyExampleHosts, Map.of(),
            List.of("host 127.0.0.1 is not in analysis.allowedHosts of the runner's policy (*.example.com)",
                "the runner's owner can add it there")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("addressAttacks")
  void refusedBeforeAnyConnection(Attack attack) {
    dns.putAll(attack.dns());
    String url = attack.url().replace("PORT", String.valueOf(server.port()));
    Observation o = web(attack.policy(), url);
    assertThat(o).isInstanceOfSatisfying(Observation.Error.class, e -> {
      assertThat(e.message()).startsWith("web: GET " + url + ": refused: ");
      for (String part : attack.message()) assertThat(e.message()).contains(part);
      assertThat(e.message()).doesNotContain("s3cr3t");
    });
    assertThat(sockets.connects).as("connections attempted").isEmpty();
    assertThat(server.received()).as("requests the local server received").isEmpty();
  }

  @Test
  void prometheusAndDatadogAreHeldToTheSameRules() {
    Observation prometheus = new PrometheusProvider(http(EVERYTHING)).measure(Metrics.of("""
        name: p
        provider: {prometheus: {address: "http://169.254.169.254", query: up}}
        """), NOW);
    assertThat(prometheus).isInstanceOfSatisfying(Observation.Error.class, e -> assertThat(e.message())
        .startsWith("prometheus: http://169.254.169.254: refused: host 169.254.169.254 has address 169.254.169.254, a link-local"));
    // The Datadog address comes from a Secret in the Cell's namespace: its writer is no more trusted than a template's.
    Observation datadog = new DatadogProvider(http(AnalysisPolicy.DEFAULT), (ns, name) -> Optional.of(
        Map.of("api-key", "k", "app-key", "a", "address", server.url("")))).measure(Metrics.of("""
        name: d
        provider: {datadog: {query: "avg:errors{*}"}}
        """), NOW);
    assertThat(datadog).isInstanceOfSatisfying(Observation.Error.class,
        e -> assertThat(e.message()).contains("refused: host 127.0.0.1 has address 127.0.0.1, a loopback address"));
    assertThat(sockets.connects).isEmpty();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void whatThePolicyAllowsIsReachedAtTheCheckedAddress() {
    assertThat(web(TestHttp.LOOPBACK, server.url("/"))).isEqualTo(Observation.Value.json(Map.of("ok", true)));
    dns.put("prometheus.monitoring.svc", List.of("127.0.0.1"));
    AnalysisPolicy svcOnly = new AnalysisPolicy(Optional.of(List.of("*.svc")), true, false, false);
    assertThat(web(svcOnly, "http://prometheus.monitoring.svc:" + server.port() + "/")).isEqualTo(Observation.Value.json(Map.of("ok", true)));
    assertThat(server.received()).hasSize(2);
    assertThat(server.received().get(1).headers()).containsEntry("host", "prometheus.monitoring.svc:" + server.port());
    assertThat(sockets.connects).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1", "127.0.0.1");
  }

  @Test
  void aNameThatResolvesElsewhereLaterIsNotAskedAgain() {
    // DNS rebinding: the first answer passes the check, a later one would point at the metadata service.
    AtomicInteger asked = new AtomicInteger();
    AddressPolicy.Resolver rebinding = host -> List.of(InetAddress.getByName(asked.getAndIncrement() == 0 ? "127.0.0.1" : "169.254.169.254"));
    OutboundHttp http = new OutboundHttp(new AddressPolicy(TestHttp.LOOPBACK, rebinding), sockets,
        () -> (SSLSocketFactory) SSLSocketFactory.getDefault());
    Observation o = new WebProvider(http).measure(Metrics.of("""
        name: m
        provider: {web: {url: "http://rebind.attacker.test:%d/"}}
        """.formatted(server.port())), NOW);
    assertThat(o).isEqualTo(Observation.Value.json(Map.of("ok", true)));
    assertThat(asked).hasValue(1);
    assertThat(sockets.connects).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1");
  }

  @Test
  void aRedirectToTheMetadataServiceIsRefusedAtThatHop() {
    server.route("/hop", ex -> LocalHttpServer.redirect(ex, 302, "http://169.254.169.254/latest/meta-data/"));
    Observation o = web(TestHttp.LOOPBACK, server.url("/hop"));
    assertThat(o).isInstanceOfSatisfying(Observation.Error.class, e -> assertThat(e.message())
        .contains("refused: host 169.254.169.254 has address 169.254.169.254, a link-local address"));
    assertThat(sockets.connects).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1");
  }

  @Test
  void credentialsAndTemplateHeadersDoNotFollowARedirectToAnotherHost() {
    try (LocalHttpServer other = LocalHttpServer.on("127.0.0.2")) {
      other.route("/", ex -> LocalHttpServer.answer(ex, 200, "{\"at\": \"other\"}"));
      server.route("/to-other-address", ex -> LocalHttpServer.redirect(ex, 302, other.url("/landing")));
      server.route("/to-localhost", ex -> LocalHttpServer.redirect(ex, 307, "http://localhost:" + server.port() + "/"));
      server.route("/same-host", ex -> LocalHttpServer.redirect(ex, 301, "/"));
      dns.put("localhost", List.of("127.0.0.1"));
      OutboundHttp http = http(TestHttp.LOOPBACK);
      for (String path : List.of("/to-other-address", "/to-localhost", "/same-host")) {
        assertThat(new WebProvider(http).measure(Metrics.of("""
            name: m
            provider:
              web:
                url: "%s"
                headers: [{key: Authorization, value: "Bearer s3cr3t"}, {key: X-Team-Token, value: t0ken}]
            """.formatted(server.url(path))), NOW)).as(path).isInstanceOf(Observation.Value.class);
      }
      LocalHttpServer.Received atOther = other.received().get(0);
      assertThat(atOther.path()).isEqualTo("/landing");
      assertThat(atOther.headers()).doesNotContainKeys("authorization", "x-team-token");
      List<LocalHttpServer.Received> here = server.received();
      assertThat(here).extracting(LocalHttpServer.Received::path).containsExactly("/to-other-address", "/to-localhost", "/", "/same-host", "/");
      assertThat(here.get(0).headers()).containsEntry("authorization", "Bearer s3cr3t").containsEntry("x-team-token", "t0ken");
      // Another name for the same machine is another host: the headers stay behind.
      assertThat(here.get(2).headers()).containsEntry("host", "localhost:" + server.port()).doesNotContainKeys("authorization", "x-team-token");
      // The same host keeps them.
      assertThat(here.get(4).headers()).containsEntry("authorization", "Bearer s3cr3t").containsEntry("x-team-token", "t0ken");
    }
  }

  @Test
  void datadogKeysDoNotFollowARedirectToAnotherHost() {
    try (LocalHttpServer other = LocalHttpServer.on("127.0.0.2")) {
      other.route("/", ex -> LocalHttpServer.answer(ex, 200, "{\"status\": \"ok\", \"series\": []}"));
      server.route("/api/v1/query", ex -> LocalHttpServer.redirect(ex, 302, other.url("/api/v1/query")));
      Observation o = new DatadogProvider(http(TestHttp.LOOPBACK), (ns, name) -> Optional.of(
          Map.of("api-key", "the-api-key", "app-key", "the-app-key", "address", server.url("")))).measure(Metrics.of("""
          name: d
          provider: {datadog: {query: "avg:errors{*}"}}
          """), NOW);
      assertThat(o).isEqualTo(new Observation.Value(GoValue.nilFloat64(), "[]")); // Datadog without data, as Argo stores it
      assertThat(server.received().get(0).headers()).containsEntry("dd-api-key", "the-api-key");
      assertThat(other.received().get(0).headers()).doesNotContainKeys("dd-api-key", "dd-application-key");
    }
  }

  @Test
  void redirectsStopAfterTen() {
    server.route("/loop", ex -> LocalHttpServer.redirect(ex, 302, "/loop"));
    assertThat(web(TestHttp.LOOPBACK, server.url("/loop"))).isInstanceOfSatisfying(Observation.Error.class,
        e -> assertThat(e.message()).endsWith(": stopped after 10 redirects (the last to /loop)"));
    assertThat(server.received()).hasSize(11);
  }

  @Test
  void a50MiBAnswerIsAnErrorAndIsNotReadToTheEnd() {
    AtomicLong sentChunked = new AtomicLong();
    AtomicLong sentDeclared = new AtomicLong();
    server.route("/chunked", ex -> {
      ex.sendResponseHeaders(200, 0);
      stream(ex.getResponseBody(), 50 << 20, sentChunked);
    });
    server.route("/declared", ex -> {
      ex.sendResponseHeaders(200, 50L << 20);
      stream(ex.getResponseBody(), 50 << 20, sentDeclared);
    });
    for (String path : List.of("/chunked", "/declared")) {
      assertThat(web(TestHttp.LOOPBACK, server.url(path))).as(path).isInstanceOfSatisfying(Observation.Error.class,
          e -> assertThat(e.message()).endsWith(": the answer is larger than 1 MiB, the most Okra reads of a metric's answer"
              + " (ask for less: a narrower query or a smaller document)"));
    }
    // The server could write only what the connection buffers held after Okra stopped reading: far from 50 MiB.
    assertThat(sentChunked.get()).isLessThan(20L << 20);
    assertThat(sentDeclared.get()).isLessThan(20L << 20);
  }

  private static void stream(OutputStream out, long total, AtomicLong sent) throws IOException {
    byte[] block = "[0.5,".repeat(13107).getBytes(StandardCharsets.US_ASCII); // 64 KiB of a JSON array
    for (long n = 0; n < total; n += block.length) {
      out.write(block);
      sent.addAndGet(block.length);
    }
  }

  @Test
  void aServerTricklingBytesEndsAtTheMetricsTimeout() throws Exception {
    server.route("/trickle-body", ex -> {
      ex.sendResponseHeaders(200, 0);
      trickle(ex.getResponseBody(), "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]");
    });
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Thread head = new Thread(() -> {
        try (Socket s = raw.accept()) {
          trickle(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + "x".repeat(200));
        } catch (IOException closed) {
          // Okra hung up
        }
      });
      head.setDaemon(true);
      head.start();
      for (String url : List.of(server.url("/trickle-body"), "http://127.0.0.1:" + raw.getLocalPort() + "/trickle-head")) {
        Observation o = new WebProvider(http(TestHttp.LOOPBACK)).measure(Metrics.of("""
            name: m
            provider: {web: {url: "%s", timeoutSeconds: 2}}
            """.formatted(url)), NOW);
        // Each byte comes well within any read timeout: only a deadline for the whole request ends it with this
        // verdict (without one, the body would arrive whole after 80 s and be a value, the head would end in an error).
        assertThat(o).as(url).isEqualTo(new Observation.Error("web: GET " + url + ": timed out after 2s"));
      }
    }
  }

  private static void trickle(OutputStream out, String text) throws IOException {
    for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
      out.write(b);
      out.flush();
      try {
        // The thing under test: a server that trickles, each byte well within a read timeout.
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void headersThatCouldSplitTheRequestAndTimeoutsOverTheCapAreInvalid() {
    Metric m = Metrics.of("""
        name: m
        provider:
          web:
            url: "%s"
            timeoutSeconds: 3600
            headers: [{key: X-A, value: "a\\r\\nX-Injected: 1"}, {key: Host, value: evil.example.com}, {key: "Bad Name", value: x}]
        """.formatted(server.url("/")));
    assertThat(new WebProvider(http(TestHttp.LOOPBACK)).check(m)).containsExactly(
        "headers[0]: header X-A has a line break or NUL in its value",
        "headers[1]: header Host is set by Okra itself and cannot come from a template",
        "headers[2]: header name \"Bad Name\" is not a valid HTTP header name",
        "timeoutSeconds must be a number of seconds from 1 to 60 (Okra's cap on one measurement), got 3600");
    assertThat(new WebProvider(http(TestHttp.LOOPBACK)).measure(m, NOW)).isInstanceOfSatisfying(Observation.Error.class,
        e -> assertThat(e.message()).endsWith(": header X-A has a line break or NUL in its value"));
    assertThat(sockets.connects).isEmpty();
    assertThat(server.received()).isEmpty();
  }

  /** Counts every connection attempt, with the address it was made to. */
  static final class CountingSockets extends SocketFactory {
    final List<InetSocketAddress> connects = new CopyOnWriteArrayList<>();

    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
          connects.add((InetSocketAddress) endpoint);
          super.connect(endpoint, timeout);
        }
      };
    }

    @Override
    public Socket createSocket(String host, int port) {
      throw new UnsupportedOperationException("OutboundHttp connects to checked addresses only");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
      throw new UnsupportedOperationException("OutboundHttp connects to checked addresses only");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException("OutboundHttp connects to checked addresses only");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
      throw new UnsupportedOperationException("OutboundHttp connects to checked addresses only");
    }
  }
}
