package co.mumo.okra.discovery;

import co.mumo.okra.failure.ServiceFailure;
import io.fabric8.kubernetes.api.model.ExecConfigBuilder;
import io.fabric8.kubernetes.api.model.ExecEnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@link WorkloadClusters} over fabric8: one short-lived client per cluster and call, configured
 * from the ArgoCD Secret as ArgoCD would ({@link ClusterConfig} says which auth wins). An
 * {@code awsAuthConfig} becomes a token provider that asks {@link EksTokens} (no {@code aws} binary
 * needed); {@code execProviderConfig} runs the plugin through fabric8's kubeconfig support.
 * Requests are not retried (an unreachable cluster answers fast with an error; the next pass tries
 * again) and are bounded by the connect and request timeouts.
 */
public final class Fabric8WorkloadClusters implements WorkloadClusters {
  public static final ResourceDefinitionContext TARGET_GROUP_BINDING = new ResourceDefinitionContext.Builder()
      .withGroup("elbv2.k8s.aws").withVersion("v1beta1").withKind("TargetGroupBinding").withPlural("targetgroupbindings")
      .withNamespaced(true).build();
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final EksTokens tokens;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Consumer<KubernetesClientBuilder> customizer;
  private final Trust trust;
  private final Map<String, Optional<EksCluster>> endpoints = new ConcurrentHashMap<>();

  /**
   * What the runner's owner lets cluster Secrets do. {@code eks} describes the cluster an
   * {@code awsAuthConfig} names, so that its token goes only to the endpoint EKS gives for it;
   * {@code allowExecPlugins} lets {@code execProviderConfig} commands run on the runner.
   */
  public record Trust(EksClusters eks, boolean allowExecPlugins) {}

  public Fabric8WorkloadClusters(EksTokens tokens, Trust trust) {
    this(tokens, trust, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  public Fabric8WorkloadClusters(EksTokens tokens, Trust trust, Duration connectTimeout, Duration requestTimeout) {
    this(tokens, trust, connectTimeout, requestTimeout, b -> { });
  }

  /**
   * {@code customizer} sees each client's builder after its config is set, before it is built: the
   * benchmark adds an HTTP interceptor there to count the calls. The runner passes nothing.
   */
  public Fabric8WorkloadClusters(EksTokens tokens, Trust trust, Duration connectTimeout, Duration requestTimeout,
                                 Consumer<KubernetesClientBuilder> customizer) {
    this.tokens = tokens;
    this.trust = trust;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.customizer = customizer;
  }

  @Override
  public List<ObservedBinding> bindings(ArgoCluster cluster, List<Map<String, String>> selectors) {
    try (KubernetesClient client = client(cluster)) {
      Map<String, ObservedBinding> out = new LinkedHashMap<>();
      for (Map<String, String> selector : selectors.isEmpty() ? List.of(Map.<String, String>of()) : selectors) {
        var op = client.genericKubernetesResources(TARGET_GROUP_BINDING).inAnyNamespace();
        List<GenericKubernetesResource> items = (selector.isEmpty() ? op : op.withLabels(selector)).list().getItems();
        for (GenericKubernetesResource r : items) {
          ObservedBinding b = binding(r);
          out.putIfAbsent(b.namespace() + "/" + b.name(), b);
        }
      }
      return new ArrayList<>(out.values());
    } catch (KubernetesClientException e) {
      throw new WorkloadClusterException(cluster, e.getCode() == 404
          ? "the TargetGroupBinding CRD (elbv2.k8s.aws/v1beta1) is not installed"
          : e.getCode() > 0 ? "HTTP " + e.getCode() + ": " + statusMessage(e) : statusMessage(e), e);
    }
  }

  private KubernetesClient client(ArgoCluster cluster) {
    checkTrusted(cluster);
    KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config(cluster));
    customizer.accept(builder);
    return builder.build();
  }

  private static String statusMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }

  /**
   * Refuses, before any connection or credential is made, what only the runner's owner may allow: a
   * command from the Secret, or an EKS token for a server that is not that cluster's EKS endpoint
   * (whoever can write a cluster Secret could otherwise collect the runner's tokens).
   */
  private void checkTrusted(ArgoCluster cluster) {
    ClusterConfig c = cluster.config();
    if (c.awsAuth().isPresent()) {
      String name = c.awsAuth().get().clusterName();
      Optional<EksCluster> eks = endpoints.computeIfAbsent(name, trust.eks()::cluster);
      Optional<String> endpoint = eks.flatMap(EksCluster::endpoint);
      if (endpoint.isEmpty() || !sameEndpoint(endpoint.get(), cluster.server())) {
        throw new WorkloadClusterException(cluster, "awsAuthConfig asks for a token for EKS cluster " + name + ", whose endpoint is "
            + endpoint.orElse("unknown (no such cluster in this account and region)") + ", not " + cluster.server()
            + ": no token is sent to another server; fix the Secret's server or clusterName", null);
      }
    } else if (c.exec().isPresent() && !trust.allowExecPlugins()) {
      throw new WorkloadClusterException(cluster, "execProviderConfig would run the command " + c.exec().get().command()
          + " on the runner; the runner's owner can allow exec plugins with --allow-exec-plugins or discovery.allowExecPlugins"
          + " in the policy", null);
    }
  }

  /** Scheme, host (case-insensitive) and port (443 when absent) must agree; a trailing slash is no difference. */
  static boolean sameEndpoint(String a, String b) {
    try {
      URI x = URI.create(a.trim());
      URI y = URI.create(b.trim());
      return "https".equalsIgnoreCase(x.getScheme()) && "https".equalsIgnoreCase(y.getScheme()) && x.getHost() != null
          && x.getHost().equalsIgnoreCase(y.getHost()) && port(x) == port(y)
          && x.getRawPath().replaceAll("/+$", "").equals(y.getRawPath().replaceAll("/+$", ""))
          && x.getRawUserInfo() == null && y.getRawUserInfo() == null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int port(URI u) {
    return u.getPort() < 0 ? 443 : u.getPort();
  }

  /** The fabric8 config for a cluster Secret. Package-private so the auth mapping can be checked without a server. */
  Config config(ArgoCluster cluster) {
    ClusterConfig c = cluster.config();
    Config base = c.exec().isPresent() && c.awsAuth().isEmpty() ? fromExec(cluster, c.exec().get()) : Config.empty();
    ConfigBuilder b = new ConfigBuilder(base)
        .withMasterUrl(cluster.server())
        .withConnectionTimeout((int) connectTimeout.toMillis())
        .withRequestTimeout((int) requestTimeout.toMillis())
        .withRequestRetryBackoffLimit(0)
        .withNamespace(null);
    ClusterConfig.Tls tls = c.tls();
    if (tls.insecure()) b.withTrustCerts(true).withDisableHostnameVerification(true);
    tls.caData().ifPresent(b::withCaCertData);
    tls.certData().ifPresent(b::withClientCertData);
    tls.keyData().ifPresent(b::withClientKeyData);
    if (c.awsAuth().isPresent()) {
      ClusterConfig.AwsAuth aws = c.awsAuth().get();
      b.withOauthTokenProvider(() -> tokens.token(aws.clusterName(), aws.roleArn()).value());
    } else if (c.exec().isEmpty()) {
      c.bearerToken().ifPresent(b::withOauthToken);
      if (c.bearerToken().isEmpty()) {
        c.username().ifPresent(b::withUsername);
        c.password().ifPresent(b::withPassword);
      }
    }
    return b.build();
  }

  /** fabric8 runs exec plugins only from a kubeconfig, so one is written in memory for this cluster. */
  private static Config fromExec(ArgoCluster cluster, ClusterConfig.Exec exec) {
    List<ExecEnvVar> env = exec.env().entrySet().stream().map(e -> new ExecEnvVar(e.getKey(), e.getValue())).toList();
    io.fabric8.kubernetes.api.model.Config kubeconfig = new io.fabric8.kubernetes.api.model.ConfigBuilder()
        .withApiVersion("v1").withKind("Config")
        .withClusters(new NamedClusterBuilder().withName("c").withNewCluster().withServer(cluster.server()).endCluster().build())
        .withUsers(new NamedAuthInfoBuilder().withName("u").withNewUser().withExec(new ExecConfigBuilder()
            .withApiVersion(exec.apiVersion()).withCommand(exec.command()).withArgs(exec.args()).withEnv(env)
            .withInteractiveMode("Never").build()).endUser().build())
        .withContexts(new NamedContextBuilder().withName("c").withNewContext().withCluster("c").withUser("u").endContext().build())
        .withCurrentContext("c")
        .build();
    return Config.fromKubeconfig(null, Serialization.asYaml(kubeconfig), null);
  }

  @SuppressWarnings("unchecked")
  static ObservedBinding binding(GenericKubernetesResource r) {
    Object spec = r.getAdditionalProperties().get("spec");
    Optional<String> arn = Optional.empty();
    if (spec instanceof Map<?, ?> m) {
      arn = Optional.ofNullable(m.get("targetGroupARN")).or(() -> Optional.ofNullable(m.get("arn")))
          .map(Object::toString).filter(s -> !s.isBlank());
    }
    return new ObservedBinding(r.getMetadata().getNamespace(), r.getMetadata().getName(),
        r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels(), arn);
  }

  /** A workload cluster could not be listed; the message names the cluster Secret and never a credential. */
  public static final class WorkloadClusterException extends RuntimeException implements ServiceFailure {
    WorkloadClusterException(ArgoCluster cluster, String message, Throwable cause) {
      super("cluster " + cluster.key() + " (" + cluster.server() + "): " + message, cause);
    }
  }
}
