package co.mumo.okra.kube;

import co.mumo.okra.redaction.Secrets;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * Builds the management-cluster client the way kubectl reads its configuration: the files
 * ({@link KubeconfigFiles}), the context ({@code --context}, else the first {@code current-context}),
 * which must exist, as must its cluster and user; the first file that names an entry wins. The API
 * server's certificate is checked as kubectl checks it ({@link ServerTrust}). In-cluster configuration
 * only when no kubeconfig is configured at all. Anything else is a {@link KubeconfigException} naming
 * the file and entry, before any connection.
 *
 * <p>The files are read by {@link Kubeconfig} when it understands them (much faster on a cold JVM) and
 * by fabric8 otherwise; fabric8 merges them into its client Config. Every credential in them is
 * registered with {@link Secrets} first, so that not even a parse error can print one.
 */
public final class KubeClients {
  /** Credential values in a kubeconfig, found by their key before the file is parsed. */
  private static final Pattern CREDENTIAL = Pattern.compile(
      "(?m)^[\\s-]*\"?(token|password|client-key-data|id-token|refresh-token|access-token|client-secret)\"?\\s*:\\s*[\"']?([^\"'\\s,}]+)");

  private KubeClients() {}

  public static KubernetesClient create(Optional<Path> kubeconfig, Optional<String> context) {
    Resolved r = resolve(kubeconfig, context);
    Optional<Tls> tls = r.cluster().map(c -> tls(r.config(), c));
    return new KubernetesClientBuilder().withConfig(r.config())
        .withHttpClientFactory(httpClientFactory())
        .withKubernetesSerialization(RedactingSerialization.create())
        .withHttpClientBuilderConsumer(b -> tls.ifPresent(t -> b.sslContext(t.keys(), t.trust())))
        .build();
  }

  /**
   * Ours, in place of the plain JDK factory fabric8 would pick; a factory registered through fabric8's
   * ServiceLoader with a higher priority is kept (tests count the calls with one wrapping ours).
   */
  private static HttpClient.Factory httpClientFactory() {
    HttpClient.Factory registered = HttpClientUtils.getHttpClientFactory();
    return registered.getClass() == JdkHttpClientFactory.class ? new FailFastHttpClientFactory() : registered;
  }

  /** The client Config for these options (the TLS checks aside). */
  public static Config config(Optional<Path> kubeconfig, Optional<String> context) {
    return resolve(kubeconfig, context).config();
  }

  /** A client Config, and the kubeconfig cluster it is for (empty for in-cluster configuration: fabric8 checks that server). */
  record Resolved(Config config, Optional<Cluster> cluster) {}

  record Tls(KeyManager[] keys, TrustManager[] trust) {}

  static Resolved resolve(Optional<Path> kubeconfig, Optional<String> context) {
    Optional<String> variable = Optional.ofNullable(System.getProperty("kubeconfig", System.getenv("KUBECONFIG")));
    List<File> files = KubeconfigFiles.resolve(kubeconfig, variable, Path.of(System.getProperty("user.home")));
    if (files.isEmpty()) return inCluster(context);
    List<io.fabric8.kubernetes.api.model.Config> models = new ArrayList<>();
    for (File f : files) read(f).ifPresent(models::add);
    String where = files.stream().map(File::getPath).collect(Collectors.joining(File.pathSeparator));
    Selected s = select(models, context, where);
    Config config = Config.empty();
    KubeConfigUtils.merge(config, s.context(), models.toArray(io.fabric8.kubernetes.api.model.Config[]::new));
    Config.configFromSysPropsOrEnvVars(config);
    // As fabric8's auto-configuration marks it: the files were found, not named (refresh() reads them again).
    config.setAutoConfigure(kubeconfig.isEmpty());
    return new Resolved(config, Optional.of(s.cluster()));
  }

  private static Resolved inCluster(Optional<String> context) {
    if (System.getenv("KUBERNETES_SERVICE_HOST") == null) {
      throw new KubeconfigException("no kubeconfig: pass --kubeconfig, set $KUBECONFIG, or create ~/.kube/config"
          + " (in-cluster configuration is only used inside a Pod)");
    }
    if (context.isPresent()) throw new KubeconfigException("--context " + context.get() + " given, but there is no kubeconfig to take it from");
    return new Resolved(Config.autoConfigure(null), Optional.empty());
  }

  /** One file as fabric8's model; empty for an empty file (kubectl reads it as an empty config). */
  private static Optional<io.fabric8.kubernetes.api.model.Config> read(File file) {
    String contents;
    try {
      contents = Files.readString(file.toPath());
    } catch (IOException e) {
      throw new KubeconfigException("cannot read kubeconfig " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
    Matcher m = CREDENTIAL.matcher(contents);
    while (m.find()) {
      if (m.group(1).equals("client-key-data")) Secrets.registerBase64(m.group(2));
      else Secrets.register(m.group(2));
    }
    if (contents.isBlank()) return Optional.empty();
    Optional<io.fabric8.kubernetes.api.model.Config> fast = Kubeconfig.read(contents, file);
    if (fast.isPresent()) return fast;
    try {
      return Optional.of(KubeConfigUtils.parseConfig(file));
    } catch (RuntimeException e) {
      // The parser's message may quote the file, credentials and all: only what kind of problem it is.
      throw new KubeconfigException("kubeconfig " + file + " is not a valid kubeconfig (" + e.getClass().getSimpleName()
          + "); check it with: kubectl --kubeconfig " + file + " config view", e);
    }
  }

  record Selected(String context, Cluster cluster) {}

  /** The context and what it names, checked as kubectl would use them; the first file to name an entry wins. */
  private static Selected select(List<io.fabric8.kubernetes.api.model.Config> models, Optional<String> context, String where) {
    List<NamedContext> contexts = models.stream().flatMap(m -> list(m.getContexts()).stream()).toList();
    String names = contexts.stream().map(NamedContext::getName).distinct().collect(Collectors.joining(", "));
    String name = context.orElseGet(() -> models.stream().map(io.fabric8.kubernetes.api.model.Config::getCurrentContext)
        .filter(c -> c != null && !c.isBlank()).findFirst()
        .orElseThrow(() -> new KubeconfigException("kubeconfig " + where + " has no current-context; pass --context"
            + (names.isEmpty() ? " (it defines no context at all)" : " (its contexts: " + names + ")"))));
    NamedContext ctx = contexts.stream().filter(c -> name.equals(c.getName())).findFirst()
        .orElseThrow(() -> new KubeconfigException("context \"" + name + "\" does not exist in kubeconfig " + where
            + (names.isEmpty() ? "" : " (its contexts: " + names + ")")));
    if (ctx.getContext() == null || ctx.getContext().getCluster() == null || ctx.getContext().getCluster().isBlank()) {
      throw new KubeconfigException("context \"" + name + "\" in kubeconfig " + where + " names no cluster");
    }
    String clusterName = ctx.getContext().getCluster();
    Cluster cluster = models.stream().flatMap(m -> list(m.getClusters()).stream()).filter(c -> clusterName.equals(c.getName()))
        .map(NamedCluster::getCluster).filter(Objects::nonNull).findFirst()
        .orElseThrow(() -> new KubeconfigException("context \"" + name + "\" names cluster \"" + clusterName
            + "\", which kubeconfig " + where + " does not define"));
    if (cluster.getServer() == null || cluster.getServer().isBlank()) {
      throw new KubeconfigException("cluster \"" + clusterName + "\" in kubeconfig " + where + " has no server");
    }
    boolean hasCa = notBlank(cluster.getCertificateAuthority()) || notBlank(cluster.getCertificateAuthorityData());
    if (hasCa && Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify())) {
      throw new KubeconfigException("cluster \"" + clusterName + "\" in kubeconfig " + where + " sets both a certificate-authority and"
          + " insecure-skip-tls-verify; kubectl refuses this too: keep one");
    }
    String userName = ctx.getContext().getUser();
    if (notBlank(userName)) {
      AuthInfo user = models.stream().flatMap(m -> list(m.getUsers()).stream()).filter(u -> userName.equals(u.getName()))
          .map(NamedAuthInfo::getUser).filter(Objects::nonNull).findFirst()
          .orElseThrow(() -> new KubeconfigException("context \"" + name + "\" names user \"" + userName
              + "\", which kubeconfig " + where + " does not define"));
      Secrets.register(user.getToken());
      Secrets.register(user.getPassword());
      Secrets.registerBase64(user.getClientKeyData());
    }
    return new Selected(name, cluster);
  }

  /** Client keys as fabric8 reads them; the server checked by {@link ServerTrust}. */
  private static Tls tls(Config config, Cluster cluster) {
    boolean insecure = Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify());
    Optional<byte[]> ca = notBlank(config.getCaCertData()) || notBlank(config.getCaCertFile())
        ? Optional.of(ServerTrust.caPem(config.getCaCertData(), config.getCaCertFile())) : Optional.empty();
    TrustManager[] trust = ServerTrust.of(insecure ? Optional.empty() : ca, Optional.ofNullable(cluster.getTlsServerName()).filter(KubeClients::notBlank),
        insecure);
    try {
      return new Tls(SSLUtils.keyManagers(config), trust);
    } catch (GeneralSecurityException | IOException e) {
      throw new KubeconfigException("the kubeconfig's client certificate or key cannot be used: " + e.getClass().getSimpleName(), e);
    }
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
