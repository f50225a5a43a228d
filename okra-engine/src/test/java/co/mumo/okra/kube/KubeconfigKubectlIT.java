package co.mumo.okra.kube;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Okra reads a kubeconfig as kubectl does: a table of kubeconfig shapes, derived from the real API
 * server's own kubeconfig, each tried with the real kubectl ({@code get --raw /version}) and with
 * Okra's client (the same request). Both must accept, or both refuse; Okra's refusal must name what
 * is wrong. The server's certificate is self-signed for example.org with the names 127.0.0.1 and
 * kubernetes[.default[.svc...]], which is what the TLS shapes play on.
 */
class KubeconfigKubectlIT {
  private static TestKube kube;
  private static Map<String, Object> base;

  @TempDir
  Path dir;

  @BeforeAll
  static void startServer() throws IOException {
    kube = TestKube.start();
    base = yaml(Files.readString(kube.kubeconfig()));
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  @AfterEach
  void clearProperties() {
    System.clearProperty("kubeconfig");
  }

  /** A shape: a name, the edit to the server's kubeconfig, the --context, and for a refusal what Okra's message says. */
  record Shape(String name, Consumer<Map<String, Object>> edit, String context, Optional<String> refusal) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        ok("the server's own kubeconfig", k -> { }),
        refused("a context that does not exist", k -> { }, "nope", "context \"nope\" does not exist"),
        refused("no current-context and no --context", k -> k.remove("current-context"), null, "has no current-context"),
        refused("the context names a cluster that is not there", k -> context(k).put("cluster", "elsewhere"), null,
            "names cluster \"elsewhere\""),
        refused("the context names a user that is not there", k -> context(k).put("user", "nobody"), null, "names user \"nobody\""),
        refused("a CA that did not sign the server's certificate", k -> {
          cluster(k).remove("certificate-authority");
          cluster(k).put("certificate-authority-data", foreignCa());
        }, null, "PKIX"),
        refused("no CA: the system roots do not know the server", k -> cluster(k).remove("certificate-authority"), null, "PKIX"),
        refused("the server by a name its certificate lacks", k -> cluster(k).put("server", server().replace("127.0.0.1", "localhost")),
            null, "not localhost"),
        ok("tls-server-name that the certificate has", k -> {
          cluster(k).put("server", server().replace("127.0.0.1", "localhost"));
          cluster(k).put("tls-server-name", "kubernetes.default.svc");
        }),
        refused("tls-server-name that the certificate lacks", k -> cluster(k).put("tls-server-name", "wrong.example.com"), null,
            "not wrong.example.com"),
        refused("tls-server-name that is only the certificate's common name", k -> cluster(k).put("tls-server-name", "example.org"), null,
            "not example.org"),
        ok("insecure-skip-tls-verify without a CA", k -> {
          cluster(k).remove("certificate-authority");
          cluster(k).put("insecure-skip-tls-verify", true);
        }),
        ok("insecure-skip-tls-verify to a name the certificate lacks", k -> {
          cluster(k).remove("certificate-authority");
          cluster(k).put("insecure-skip-tls-verify", true);
          cluster(k).put("server", server().replace("127.0.0.1", "localhost"));
        }),
        refused("insecure-skip-tls-verify and a CA", k -> cluster(k).put("insecure-skip-tls-verify", true), null,
            "both a certificate-authority and insecure-skip-tls-verify"),
        refused("a cluster without a server", k -> cluster(k).remove("server"), null, "has no server"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void okraAcceptsAndRefusesWhatKubectlDoes(Shape shape) throws Exception {
    Map<String, Object> config = yaml(new Dump(DumpSettings.builder().build()).dumpToString(base));
    shape.edit().accept(config);
    Path file = Files.writeString(dir.resolve("kubeconfig.yaml"), new Dump(DumpSettings.builder().build()).dumpToString(config));

    Result kubectl = kubectl(file, shape.context());
    Result okra = okra(Optional.of(file), shape.context());

    assertThat(okra.ok()).as("Okra accepts as kubectl does; kubectl said: " + kubectl.output() + "; Okra said: " + okra.output())
        .isEqualTo(kubectl.ok());
    assertThat(okra.ok()).as(okra.output()).isEqualTo(shape.refusal().isEmpty());
    shape.refusal().ifPresent(text -> assertThat(okra.output()).contains(text));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingFiles")
  void aKubeconfigThatIsNotThereIsNamedNotReplaced(String how, Optional<String> option, String variable) throws Exception {
    Path missing = dir.resolve("missing.yaml");
    System.setProperty("kubeconfig", variable.replace("MISSING", missing.toString()));
    Result okra = okra(option.map(o -> Path.of(o.replace("MISSING", missing.toString()))), null);
    assertThat(okra.ok()).isFalse();
    assertThat(okra.output()).contains(missing.toString()).doesNotContain("in-cluster configuration is only");
    // kubectl refuses too: --kubeconfig with "no such file", $KUBECONFIG by falling back to localhost:8080.
    ProcessBuilder pb = new ProcessBuilder(TestKube.kubectl().toString(), "get", "--raw", "/version", "--request-timeout=5s");
    option.ifPresent(o -> pb.command().add(1, "--kubeconfig=" + o.replace("MISSING", missing.toString())));
    pb.environment().put("KUBECONFIG", variable.replace("MISSING", missing.toString()));
    pb.environment().put("HOME", dir.toString());
    assertThat(run(pb).ok()).isFalse();
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> missingFiles() {
    return Stream.of(org.junit.jupiter.params.provider.Arguments.of("--kubeconfig", Optional.of("MISSING"), ""),
        org.junit.jupiter.params.provider.Arguments.of("$KUBECONFIG", Optional.empty(), "MISSING"));
  }

  // ------------------------------------------------------------------ the two clients

  record Result(boolean ok, String output) {}

  private Result kubectl(Path file, String context) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(TestKube.kubectl().toString(), "--kubeconfig=" + file, "get", "--raw", "/version",
        "--request-timeout=10s"));
    if (context != null) cmd.add("--context=" + context);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", dir.toString());
    return run(pb);
  }

  private static Result run(ProcessBuilder pb) throws Exception {
    pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl ended").isTrue();
    return new Result(p.exitValue() == 0, out.strip());
  }

  private static Result okra(Optional<Path> file, String context) {
    try (KubernetesClient client = KubeClients.create(file, Optional.ofNullable(context))) {
      return new Result(true, client.getKubernetesVersion().getGitVersion());
    } catch (RuntimeException e) {
      StringBuilder all = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) all.append(t.getMessage()).append(" | ");
      return new Result(false, all.toString());
    }
  }

  // ------------------------------------------------------------------ kubeconfig edits

  private static Shape ok(String name, Consumer<Map<String, Object>> edit) {
    return new Shape(name, edit, null, Optional.empty());
  }

  private static Shape refused(String name, Consumer<Map<String, Object>> edit, String context, String message) {
    return new Shape(name, edit, context, Optional.of(message));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String text) {
    return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> entry(Map<String, Object> k, String list, String field) {
    return (Map<String, Object>) ((Map<String, Object>) ((List<Object>) k.get(list)).get(0)).get(field);
  }

  private static Map<String, Object> cluster(Map<String, Object> k) {
    return entry(k, "clusters", "cluster");
  }

  private static Map<String, Object> context(Map<String, Object> k) {
    return entry(k, "contexts", "context");
  }

  private static String server() {
    return String.valueOf(entry(base, "clusters", "cluster").get("server"));
  }

  /** A public root CA from the JVM's trust store: real, and certainly not the test server's issuer. */
  private static String foreignCa() {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      X509Certificate root = ((X509TrustManager) f.getTrustManagers()[0]).getAcceptedIssuers()[0];
      String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(root.getEncoded()) + "\n-----END CERTIFICATE-----\n";
      return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
