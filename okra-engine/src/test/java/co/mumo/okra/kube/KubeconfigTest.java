package co.mumo.okra.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Okra's kubeconfig reader against fabric8's: a table of kubeconfig shapes, each read both ways
 * (every public getter of the resulting client Config must agree), with whether Okra's reader
 * handled it or left it to fabric8.
 */
class KubeconfigTest {
  private static final String FIXTURES = "KubeconfigTest/";
  private static final List<String> FILES = List.of("token.yaml", "client-cert-data.yaml", "client-cert-files.yaml", "insecure.yaml",
      "contexts.yaml", "nulls.yaml", "json.yaml", "no-current-context.yaml", "exec.yaml", "auth-provider.yaml", "proxy-url.yaml",
      "extensions.yaml", "quoted-bool.yaml", "numeric-namespace.yaml", "token-file.yaml", "two-documents.yaml",
      "second-file-users.yaml", "certs/ca.crt", "certs/client.crt", "certs/client.key");

  @TempDir
  Path dir;

  @AfterEach
  void clearKubeconfigProperty() {
    System.clearProperty("kubeconfig");
  }

  /** One kubeconfig shape: the fixture, --context, whose reader reads it, and the fields that matter. */
  record Shape(String fixture, String context, boolean okraReads, Map<String, Object> expected) {}

  static Stream<Arguments> shapes() {
    return Stream.of(
        shape("token.yaml", null, true, Map.of("masterUrl", "https://10.0.0.1:6443/", "namespace", "rollouts",
            "autoOAuthToken", "not-a-real-token", "trustCerts", false, "currentContext", "ci")),
        shape("client-cert-data.yaml", null, true, Map.of("masterUrl", "https://127.0.0.1:36443/", "namespace", "",
            "clientKeyAlgo", "EC", "currentContext", "kind")),
        shape("client-cert-files.yaml", null, true, Map.of("caCertFile", "DIR/certs/ca.crt", "clientCertFile", "DIR/certs/client.crt",
            "clientKeyFile", "DIR/certs/client.key", "clientKeyAlgo", "RSA")),
        shape("insecure.yaml", null, true, Map.of("masterUrl", "https://dev.example.com/", "trustCerts", true,
            "disableHostnameVerification", true, "username", "admin", "namespace", "dev-ns")),
        shape("contexts.yaml", null, true, Map.of("masterUrl", "https://blue.example.com/", "namespace", "blue-ns")),
        shape("contexts.yaml", "green", true, Map.of("masterUrl", "https://green.example.com/", "namespace", "green-ns", "currentContext", "green")),
        shape("nulls.yaml", null, true, Map.of("masterUrl", "https://c.example.com/", "autoOAuthToken", "")),
        shape("json.yaml", null, true, Map.of("masterUrl", "https://json.example.com/", "namespace", "json-ns")),
        shape("no-current-context.yaml", "c", true, Map.of("masterUrl", "https://c.example.com/", "autoOAuthToken", "not-a-real-token")),
        // Left to fabric8: what this reader does not handle.
        shape("exec.yaml", null, false, Map.of("masterUrl", "https://eks.example.com/", "autoOAuthToken", "not-a-real-exec-token")),
        shape("auth-provider.yaml", null, false, Map.of("autoOAuthToken", "not-a-real-access-token")),
        shape("proxy-url.yaml", null, false, Map.of("httpProxy", "http://proxy.example.com:3128")),
        shape("extensions.yaml", null, false, Map.of("masterUrl", "https://x.example.com/")),
        shape("quoted-bool.yaml", null, false, Map.of("trustCerts", true)),
        shape("numeric-namespace.yaml", null, false, Map.of("namespace", "2024")),
        shape("token-file.yaml", null, false, Map.of("masterUrl", "https://t.example.com/")));
  }

  private static Arguments shape(String fixture, String context, boolean okraReads, Map<String, Object> expected) {
    return Arguments.of(Named.of(fixture + (context == null ? "" : " --context " + context), new Shape(fixture, context, okraReads, expected)));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void kubeconfigOptionGivesFabric8sConfig(Shape shape) {
    Path file = fixtures().resolve(shape.fixture());

    Config okra = KubeClients.config(Optional.of(file), Optional.ofNullable(shape.context()));

    assertThat(Kubeconfig.read(read(file), file.toFile()).isPresent()).as("read by Okra's reader").isEqualTo(shape.okraReads());
    assertThat(describe(okra)).isEqualTo(describe(fabric8(file, shape.context())));
    shape.expected().forEach((field, value) -> assertThat(describe(okra).get(field)).as(field)
        .isEqualTo(value instanceof String s ? s.replace("DIR", dir.toString()) : value));
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void kubeconfigVariableGivesFabric8sAutoConfiguredConfig(Shape shape) {
    System.setProperty("kubeconfig", fixtures().resolve(shape.fixture()).toString());

    Config okra = KubeClients.config(Optional.empty(), Optional.ofNullable(shape.context()));

    assertThat(describe(okra)).isEqualTo(describe(Config.autoConfigure(shape.context())));
    assertThat(okra.getAutoConfigure()).isTrue();
  }

  @Test
  void severalFilesInKubeconfigAreMergedAsFabric8MergesThem() {
    Path fixtures = fixtures();
    // The first file wins for each name; the user "okra" of the second file is only used if the first lacks it.
    System.setProperty("kubeconfig", String.join(File.pathSeparator, fixtures.resolve("token.yaml").toString(),
        fixtures.resolve("no-such-file.yaml").toString(), fixtures.resolve("second-file-users.yaml").toString(),
        fixtures.resolve("contexts.yaml").toString()));

    Config okra = KubeClients.config(Optional.empty(), Optional.of("green"));

    assertThat(describe(okra)).isEqualTo(describe(Config.autoConfigure("green")));
    assertThat(okra.getMasterUrl()).isEqualTo("https://green.example.com/");
    assertThat(okra.getAutoOAuthToken()).isEqualTo("another-not-real-token");
    assertThat(okra.getFileWithAuthInfo()).isEqualTo(fixtures.resolve("second-file-users.yaml").toFile());
  }

  @Test
  void oneFileOkraDoesNotReadSendsAllOfThemToFabric8() throws IOException {
    Path fixtures = fixtures();
    Path first = Files.writeString(dir.resolve("first.yaml"), read(fixtures.resolve("contexts.yaml")));
    System.setProperty("kubeconfig", first + File.pathSeparator + fixtures.resolve("exec.yaml"));

    assertThat(describe(KubeClients.config(Optional.empty(), Optional.of("eks")))).isEqualTo(describe(Config.autoConfigure("eks")));
  }

  @Test
  void aKubeconfigVariableNamingNoFileIsAnErrorNotTheInClusterConfig() {
    System.setProperty("kubeconfig", dir.resolve("absent.yaml").toString());

    assertThat(catchThrowable(() -> KubeClients.config(Optional.empty(), Optional.empty())))
        .isInstanceOf(KubeconfigException.class).hasMessageContaining("$KUBECONFIG is " + dir.resolve("absent.yaml"));
  }

  @Test
  void noKubeconfigAtAllOutsideAPodSaysWhereOneGoes() {
    System.setProperty("kubeconfig", "");
    String home = System.getProperty("user.home");
    System.setProperty("user.home", dir.toString());
    try {
      assertThat(catchThrowable(() -> KubeClients.config(Optional.empty(), Optional.empty())))
          .isInstanceOf(KubeconfigException.class).hasMessageContaining("no kubeconfig: pass --kubeconfig");
    } finally {
      System.setProperty("user.home", home);
    }
  }

  @Test
  void aContextThatDoesNotExistIsNamedNotReplaced() {
    Path file = fixtures().resolve("contexts.yaml");
    assertThat(catchThrowable(() -> KubeClients.config(Optional.of(file), Optional.of("no-such-context"))))
        .isInstanceOf(KubeconfigException.class).hasMessageContaining("context \"no-such-context\" does not exist in kubeconfig " + file)
        .hasMessageContaining("its contexts: blue, green");
    assertThat(catchThrowable(() -> KubeClients.config(Optional.of(fixtures().resolve("no-current-context.yaml")), Optional.empty())))
        .isInstanceOf(KubeconfigException.class).hasMessageContaining("has no current-context; pass --context");
  }

  @Test
  void aBrokenFileIsNamedAndNotQuoted() throws IOException {
    for (String body : List.of("clusters: [", "- just\n- a list\n", "users:\n- name: u\n  user: {token: s3cr3t-t0ken, [\n",
        read(fixtures().resolve("two-documents.yaml")))) {
      Path file = Files.writeString(dir.resolve("broken.yaml"), body);

      Throwable okra = catchThrowable(() -> KubeClients.config(Optional.of(file), Optional.empty()));

      assertThat(okra).as(body).isInstanceOf(KubeconfigException.class).hasMessageContaining(file.toString())
          .hasMessageNotContaining("s3cr3t");
    }
  }

  @Test
  void anEmptyFileIsAnEmptyConfig() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.yaml"), "");
    assertThat(catchThrowable(() -> KubeClients.config(Optional.of(file), Optional.empty())))
        .isInstanceOf(KubeconfigException.class).hasMessageContaining("defines no context at all");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("missing.yaml");

    assertThat(catchThrowable(() -> KubeClients.config(Optional.of(missing), Optional.empty())))
        .isInstanceOf(KubeconfigException.class).hasMessageContaining(missing + " (--kubeconfig) does not exist");
  }

  // ------------------------------------------------------------------ helpers

  @SuppressWarnings("removal")
  private static Config fabric8(Path file, String context) {
    return Config.fromKubeconfig(context, read(file), file.toString());
  }

  /** The fixtures in the temp dir, the client key referred to by an absolute path. */
  private Path fixtures() {
    try {
      for (String name : FILES) {
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = KubeconfigTest.class.getResourceAsStream(FIXTURES + name)) {
          assertThat(in).as("fixture " + name).isNotNull();
          Files.writeString(target, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("/KEYDIR", dir + "/certs"));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every public getter of the client Config (contexts with the files they came from), by field name;
   * not the request config and readiness, which are built from the other fields and have no toString.
   */
  static Map<String, Object> describe(Config config) {
    Map<String, Object> out = new TreeMap<>();
    Arrays.stream(Config.class.getMethods())
        .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class)
        .filter(m -> !m.getName().equals("getRequestConfig") && !m.getName().equals("getReadiness"))
        .filter(m -> m.getName().startsWith("get") || m.getName().startsWith("is"))
        .sorted(Comparator.comparing(Method::getName))
        .forEach(m -> out.put(field(m.getName()), value(invoke(m, config))));
    return out;
  }

  private static String field(String getter) {
    String name = getter.startsWith("is") ? getter.substring(2) : getter.substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static Object value(Object v) {
    if (v == null) return "";
    if (v instanceof Object[] array) return Arrays.deepToString(array);
    if (v instanceof List<?> list) return list.stream().map(String::valueOf).sorted().toList().toString();
    if (v instanceof io.fabric8.kubernetes.api.model.NamedContext c) return c.getName();
    if (v instanceof Boolean || v instanceof File) return v;
    if (v.getClass().getName().contains("$$Lambda")) return "a function";
    return String.valueOf(v);
  }

  private static Object invoke(Method m, Config config) {
    try {
      return m.invoke(config);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(m.getName(), e);
    }
  }
}
