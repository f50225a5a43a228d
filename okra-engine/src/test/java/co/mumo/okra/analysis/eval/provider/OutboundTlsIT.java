package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.outbound.AddressPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.testsupport.LocalHttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https through {@link OutboundHttp}: the connection goes to the checked address, and the certificate
 * must still name the host the template wrote (a test CA: the JDK's keytool makes a certificate for
 * localhost and prometheus.monitoring.svc, which the JDK's HTTPS server presents on loopback).
 */
class OutboundTlsIT {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir
  static Path dir;
  private static HttpsServer server;
  private static SSLContext tls;
  private static LocalHttpServer plain;

  @BeforeAll
  static void start() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "okra", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
        "-ext", "SAN=dns:localhost,dns:prometheus.monitoring.svc,ip:127.0.0.1", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    plain = LocalHttpServer.start().route("/", ex -> LocalHttpServer.answer(ex, 200, "{\"plain\": true}"));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", ex -> {
      LocalHttpServer.answer(ex, 200, "{\"secure\": true}");
      ex.close();
    });
    server.createContext("/down", ex -> {
      LocalHttpServer.redirect(ex, 302, plain.url("/"));
      ex.close();
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    plain.close();
  }

  private static OutboundHttp http(SSLSocketFactory trust) {
    AddressPolicy.Resolver toLoopback = host -> List.of(InetAddress.getByName("127.0.0.1"));
    return new OutboundHttp(new AddressPolicy(TestHttp.LOOPBACK, toLoopback), SocketFactory.getDefault(), () -> trust);
  }

  private static Observation get(SSLSocketFactory trust, String host, String path) {
    return new WebProvider(http(trust)).measure(Metrics.of("""
        name: m
        provider: {web: {url: "https://%s:%d%s"}}
        """.formatted(host, server.getAddress().getPort(), path)), NOW);
  }

  @Test
  void theCertificateMustNameTheHostTheTemplateWrote() {
    assertThat(get(tls.getSocketFactory(), "localhost", "/")).isEqualTo(Observation.Value.json(Map.of("secure", true)));
    assertThat(get(tls.getSocketFactory(), "prometheus.monitoring.svc", "/")).isEqualTo(Observation.Value.json(Map.of("secure", true)));
    assertThat(get(tls.getSocketFactory(), "127.0.0.1", "/")).isEqualTo(Observation.Value.json(Map.of("secure", true)));
    // Same address, another name: the certificate does not name it, so no answer is trusted.
    assertThat(get(tls.getSocketFactory(), "grafana.monitoring.svc", "/")).isInstanceOfSatisfying(Observation.Error.class,
        e -> assertThat(e.message()).contains("No subject alternative DNS name matching grafana.monitoring.svc"));
  }

  @Test
  void theRunnersTrustStoreDecidesWhichCertificatesAreTrusted() {
    assertThat(get((SSLSocketFactory) SSLSocketFactory.getDefault(), "localhost", "/")).isInstanceOfSatisfying(Observation.Error.class,
        e -> assertThat(e.message()).contains("PKIX path building failed"));
  }

  @Test
  void anHttpsRequestIsNotRedirectedToHttp() {
    assertThat(get(tls.getSocketFactory(), "localhost", "/down")).isInstanceOfSatisfying(Observation.Error.class,
        e -> assertThat(e.message()).endsWith(": refused the redirect from https to http (" + plain.url("/") + ")"));
    assertThat(plain.received()).isEmpty();
  }
}
