package co.mumo.okra.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Extra real kube-apiservers that play workload clusters for the discovery tests: each its own
 * etcd and port, the TargetGroupBinding CRD installed, and two ways in that an ArgoCD cluster Secret
 * can describe: a bearer token (a static token file, group system:masters) or the client
 * certificate kube-api-test issues. Servers are shared per JVM (started on first use, in parallel,
 * stopped by a shutdown hook); with the management server that makes at most four per test JVM.
 *
 * <p>EKS-token auth cannot be exercised against these: kube-apiserver does not accept an EKS token
 * without aws-iam-authenticator behind it. The token's format is checked in {@code StsEksTokensTest}
 * and the awsAuthConfig wiring in {@code Fabric8WorkloadClustersTest}.
 */
public final class WorkloadKube {
  public static final int MAX = 3;
  public static final ResourceDefinitionContext TARGET_GROUP_BINDING = new ResourceDefinitionContext.Builder()
      .withGroup("elbv2.k8s.aws").withVersion("v1beta1").withKind("TargetGroupBinding").withPlural("targetgroupbindings")
      .withNamespaced(true).build();
  private static final List<WorkloadKube> SHARED = new ArrayList<>();

  private final String name;
  private final KubeAPIServer server;
  private final KubernetesClient client;
  private final String token;
  private final String serverUrl;
  private final String caData;
  private final String certData;
  private final String keyData;

  private WorkloadKube(String name, KubeAPIServer server, String token) {
    this.name = name;
    this.server = server;
    this.token = token;
    String yaml = server.getKubeConfigYaml();
    io.fabric8.kubernetes.api.model.Config kubeconfig = Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.Config.class);
    var cluster = kubeconfig.getClusters().get(0).getCluster();
    var user = kubeconfig.getUsers().get(0).getUser();
    this.serverUrl = cluster.getServer();
    this.caData = base64File(cluster.getCertificateAuthority());
    this.certData = base64File(user.getClientCertificate());
    this.keyData = base64File(user.getClientKey());
    this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
  }

  /** The first {@code count} shared workload servers (1..3), started as needed. */
  public static synchronized List<WorkloadKube> shared(int count) {
    if (count < 1 || count > MAX) throw new IllegalArgumentException("1.." + MAX + " workload servers, not " + count);
    RealKube.shared(); // the management server first: it writes the certificates the others share
    List<CompletableFuture<WorkloadKube>> starting = new ArrayList<>();
    for (int i = SHARED.size(); i < count; i++) {
      String name = "workload-" + (i + 1);
      starting.add(CompletableFuture.supplyAsync(() -> start(name)));
    }
    for (CompletableFuture<WorkloadKube> f : starting) {
      WorkloadKube kube = f.join();
      SHARED.add(kube);
      Runtime.getRuntime().addShutdownHook(new Thread(kube::stop, "stop-" + kube.name));
    }
    return List.copyOf(SHARED.subList(0, count));
  }

  private static WorkloadKube start(String name) {
    Path dir = RealKube.cacheDir();
    String token = "okra-test-" + UUID.randomUUID();
    Path tokens;
    try {
      tokens = Files.createTempFile("okra-" + name + "-tokens", ".csv");
      tokens.toFile().deleteOnExit();
      Files.writeString(tokens, token + ",okra-discovery,okra-discovery,\"system:masters\"\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(dir.toString())
        .withApiServerVersion(RealKube.installedVersion(dir))
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withApiServerFlags(List.of("--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
            "--token-auth-file", tokens.toString()))
        .build());
    server.start();
    WorkloadKube kube = new WorkloadKube(name, server, token);
    kube.installBindingCrd();
    return kube;
  }

  private void installBindingCrd() {
    try (InputStream in = WorkloadKube.class.getResourceAsStream("/crds/elbv2.k8s.aws.yaml")) {
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream().anyMatch(k -> k.getType().equals("Established") && k.getStatus().equals("True")),
              30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String server() {
    return serverUrl;
  }

  public int port() {
    return URI.create(serverUrl).getPort();
  }

  /** An admin client, for the test to arrange bindings. */
  public KubernetesClient client() {
    return client;
  }

  /** ArgoCD config JSON: bearer token, CA checked. */
  public String bearerConfig() {
    return json(Map.of("bearerToken", token, "tlsClientConfig", Map.of("insecure", false, "caData", caData)));
  }

  /** ArgoCD config JSON: the client certificate, CA checked. */
  public String clientCertConfig() {
    return json(Map.of("tlsClientConfig", Map.of("insecure", false, "caData", caData, "certData", certData, "keyData", keyData)));
  }

  /** ArgoCD config JSON: bearer token, server certificate not checked. */
  public String insecureBearerConfig() {
    return json(Map.of("bearerToken", token, "tlsClientConfig", Map.of("insecure", true)));
  }

  /** ArgoCD config JSON: an exec plugin (sh printing an ExecCredential with the bearer token), CA checked. */
  public String execConfig() {
    String credential = "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
        + "\"status\":{\"token\":\"" + token + "\"}}";
    Map<String, Object> exec = new LinkedHashMap<>();
    exec.put("command", "sh");
    exec.put("args", List.of("-c", "printf '%s' '" + credential + "'"));
    exec.put("apiVersion", "client.authentication.k8s.io/v1beta1");
    return json(Map.of("execProviderConfig", exec, "tlsClientConfig", Map.of("insecure", false, "caData", caData)));
  }

  /** A TargetGroupBinding (namespace created when missing); {@code arnField} is targetGroupARN or arn. */
  public void binding(String namespace, String bindingName, Map<String, String> labels, String arnField, String arn) {
    if (client.namespaces().withName(namespace).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion("elbv2.k8s.aws/v1beta1");
    r.setKind("TargetGroupBinding");
    r.setMetadata(new ObjectMetaBuilder().withName(bindingName).withNamespace(namespace).withLabels(labels).build());
    Map<String, Object> spec = new LinkedHashMap<>();
    if (arn != null) spec.put(arnField, arn);
    spec.put("targetType", "ip");
    r.setAdditionalProperty("spec", spec);
    client.genericKubernetesResources(TARGET_GROUP_BINDING).inNamespace(namespace).resource(r).create();
  }

  public void binding(String namespace, String bindingName, Map<String, String> labels, String arn) {
    binding(namespace, bindingName, labels, "targetGroupARN", arn);
  }

  public void deleteBinding(String namespace, String bindingName) {
    client.genericKubernetesResources(TARGET_GROUP_BINDING).inNamespace(namespace).withName(bindingName).delete();
  }

  /** Removes every binding, so each test starts from an empty cluster (bindings are listed in all namespaces). */
  public void clear() {
    client.genericKubernetesResources(TARGET_GROUP_BINDING).inAnyNamespace().list().getItems().forEach(r ->
        client.genericKubernetesResources(TARGET_GROUP_BINDING).inNamespace(r.getMetadata().getNamespace())
            .withName(r.getMetadata().getName()).withGracePeriod(0).delete());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
        .until(() -> client.genericKubernetesResources(TARGET_GROUP_BINDING).inAnyNamespace().list().getItems().isEmpty());
  }

  private void stop() {
    client.close();
    server.stop();
  }

  private static String json(Object value) {
    return Serialization.asJson(value);
  }

  private static String base64File(String path) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(path)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
