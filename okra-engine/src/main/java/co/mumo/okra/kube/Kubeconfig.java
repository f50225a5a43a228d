package co.mumo.okra.kube;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import java.io.File;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the kubeconfig shapes CI uses (a server with CA data or file or insecure-skip-tls-verify;
 * a user with a token, client certificate and key as data or files, or basic auth; contexts with a
 * namespace) into fabric8's own kubeconfig model, by hand. fabric8 reads the same file through
 * Jackson, which on a cold JVM costs about 0.4 s (it builds deserializers and, through
 * {@code KubernetesDeserializer}, loads every model class on the class path); this costs a YAML load.
 *
 * <p>It only builds what it fully understands: any other key anywhere (exec credential plugins,
 * auth-provider, proxy-url, extensions, impersonation, ...) or an unexpected value type makes
 * {@link #read} return empty, and the caller lets fabric8 parse the file instead. Merging contexts,
 * clusters and users, resolving relative paths and applying environment overrides stay fabric8's
 * ({@code KubeConfigUtils.merge}), so the resulting client Config is the one fabric8 would build.
 */
final class Kubeconfig {
  private static final Logger LOG = LoggerFactory.getLogger(Kubeconfig.class);
  // fabric8 records which file each entry came from under these keys (KubeConfigUtils.parseConfig);
  // Config.getFile() and friends read them, and refresh() re-reads that file.
  static final String CONTEXT_FILE_KEY = "KUBERNETES_CONFIG_CONTEXT_FILE_KEY";
  static final String CLUSTER_FILE_KEY = "KUBERNETES_CONFIG_CLUSTER_FILE_KEY";
  static final String AUTH_INFO_FILE_KEY = "KUBERNETES_CONFIG_AUTH_INFO_FILE_KEY";

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "clusters", "contexts", "current-context", "users", "preferences");
  private static final Set<String> CLUSTER = Set.of("server", "certificate-authority", "certificate-authority-data",
      "insecure-skip-tls-verify", "tls-server-name");
  private static final Set<String> CONTEXT = Set.of("cluster", "user", "namespace");
  private static final Set<String> USER = Set.of("token", "client-certificate", "client-certificate-data", "client-key",
      "client-key-data", "username", "password");

  private Kubeconfig() {}

  /**
   * The kubeconfig in {@code yaml} (read from {@code file}) as fabric8's model, or empty if it holds
   * anything this reader does not handle. Never throws for bad input: fabric8 reports that.
   */
  static Optional<Config> read(String yaml, File file) {
    try {
      Iterator<Object> docs = new Load(LoadSettings.builder().build()).loadAllFromString(yaml).iterator();
      if (!docs.hasNext()) return Optional.empty();
      Object doc = docs.next();
      if (docs.hasNext()) return Optional.empty();
      return Optional.of(config(map(doc, TOP), file));
    } catch (NotUnderstood e) {
      LOG.debug("kubeconfig {}: '{}' is left to fabric8's reader", file, e.getMessage());
      return Optional.empty();
    } catch (RuntimeException e) {
      // Not YAML this reader can load: fabric8's reader reports it. The message may quote the file, so it is not logged.
      LOG.debug("kubeconfig {}: left to fabric8's reader ({})", file, e.getClass().getSimpleName());
      return Optional.empty();
    }
  }

  /** The key or value this reader left to fabric8, for a debug line (never a value). */
  static final class NotUnderstood extends RuntimeException {
    NotUnderstood(String what) {
      super(what, null, false, false);
    }
  }

  private static Config config(Map<String, Object> top, File file) {
    Config config = new Config();
    if (top.containsKey("apiVersion")) config.setApiVersion(string(top, "apiVersion"));
    if (top.containsKey("kind")) config.setKind(string(top, "kind"));
    if (top.containsKey("current-context")) config.setCurrentContext(string(top, "current-context"));
    Object preferences = top.get("preferences"); // fabric8 ignores preferences; only an empty one is accepted here
    if (preferences != null && !(preferences instanceof Map<?, ?> p && p.isEmpty())) throw new NotUnderstood("preferences");
    if (top.containsKey("clusters")) config.setClusters(named(top.get("clusters"), "cluster", (name, body) -> {
      NamedCluster named = new NamedCluster(body == null ? null : cluster(map(body, CLUSTER)), name);
      named.setAdditionalProperty(CLUSTER_FILE_KEY, file);
      return named;
    }));
    if (top.containsKey("contexts")) config.setContexts(named(top.get("contexts"), "context", (name, body) -> {
      NamedContext named = new NamedContext(body == null ? null : context(map(body, CONTEXT)), name);
      named.setAdditionalProperty(CONTEXT_FILE_KEY, file);
      return named;
    }));
    if (top.containsKey("users")) config.setUsers(named(top.get("users"), "user", (name, body) -> {
      NamedAuthInfo named = new NamedAuthInfo(name, body == null ? null : user(map(body, USER)));
      named.setAdditionalProperty(AUTH_INFO_FILE_KEY, file);
      return named;
    }));
    return config;
  }

  private static Cluster cluster(Map<String, Object> m) {
    Cluster c = new Cluster();
    c.setServer(string(m, "server"));
    c.setCertificateAuthority(string(m, "certificate-authority"));
    c.setCertificateAuthorityData(string(m, "certificate-authority-data"));
    c.setTlsServerName(string(m, "tls-server-name"));
    Object insecure = m.get("insecure-skip-tls-verify");
    if (insecure != null && !(insecure instanceof Boolean)) throw new NotUnderstood("insecure-skip-tls-verify");
    c.setInsecureSkipTlsVerify((Boolean) insecure);
    return c;
  }

  private static Context context(Map<String, Object> m) {
    Context c = new Context();
    c.setCluster(string(m, "cluster"));
    c.setUser(string(m, "user"));
    c.setNamespace(string(m, "namespace"));
    return c;
  }

  private static AuthInfo user(Map<String, Object> m) {
    AuthInfo u = new AuthInfo();
    u.setToken(string(m, "token"));
    u.setClientCertificate(string(m, "client-certificate"));
    u.setClientCertificateData(string(m, "client-certificate-data"));
    u.setClientKey(string(m, "client-key"));
    u.setClientKeyData(string(m, "client-key-data"));
    u.setUsername(string(m, "username"));
    u.setPassword(string(m, "password"));
    return u;
  }

  private interface Entry<T> {
    T of(String name, Object body);
  }

  /** A list of {@code {name: ..., <kind>: {...}}} entries; null stays null, as Jackson leaves it. */
  private static <T> List<T> named(Object list, String kind, Entry<T> entry) {
    if (list == null) return null;
    if (!(list instanceof List<?> items)) throw new NotUnderstood(kind + "s");
    List<T> out = new ArrayList<>();
    for (Object item : items) {
      Map<String, Object> m = map(item, Set.of("name", kind));
      out.add(entry.of(string(m, "name"), m.get(kind)));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, Set<String> known) {
    if (!(value instanceof Map<?, ?> m)) throw new NotUnderstood("not a mapping");
    for (Object key : m.keySet()) {
      if (!(key instanceof String k) || !known.contains(k)) throw new NotUnderstood(String.valueOf(key));
    }
    return (Map<String, Object>) m;
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v != null && !(v instanceof String)) throw new NotUnderstood(key);
    return (String) v;
  }
}
