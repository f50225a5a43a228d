package co.mumo.okra.runner;

import co.mumo.okra.core.InputException;
import co.mumo.okra.discovery.ArgoCluster;
import co.mumo.okra.discovery.ArgoClusters;
import co.mumo.okra.discovery.AwsEksClusters;
import co.mumo.okra.discovery.ClusterConfig;
import co.mumo.okra.discovery.DiscoveryKeys;
import co.mumo.okra.discovery.EksCluster;
import co.mumo.okra.discovery.Names;
import co.mumo.okra.discovery.ObservedBinding;
import co.mumo.okra.discovery.ObservedSecret;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code okra-runner cluster ...}: ArgoCD cluster Secrets by hand, and what a cluster behind one holds. */
@Command(name = "cluster", description = "List, create and delete ArgoCD cluster Secrets; list a cluster's TargetGroupBindings.",
    subcommands = {ClusterCommand.ListSecrets.class, ClusterCommand.Create.class, ClusterCommand.Delete.class,
        ClusterCommand.Bindings.class})
final class ClusterCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, create, delete or bindings");
  }

  @Command(name = "list", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.READ_HELP, description = "List the ArgoCD cluster Secrets in the namespace (label argocd.argoproj.io/secret-type=cluster).")
  static final class ListSecrets implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = {"-l", "--selector"}, description = "Only Secrets with these labels: key=value[,key=value...].")
    String selector;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, String> labels = Selectors.parse(spec.commandLine(), "--selector", selector);
      labels.put(DiscoveryKeys.ARGOCD_SECRET_TYPE, DiscoveryKeys.ARGOCD_SECRET_TYPE_CLUSTER);
      Output out = global.output(spec);
      try (DiscoveryClients clients = new DiscoveryClients(global)) {
        String ns = clients.kube().namespace();
        List<ObservedSecret> secrets = clients.store().secrets(ns, labels);
        if (secrets.isEmpty()) out.text("no cluster Secrets in " + ns);
        for (ObservedSecret s : secrets.stream().sorted(Comparator.comparing(ObservedSecret::name)).toList()) {
          String auth;
          try {
            auth = ClusterConfig.parse(s.data().get("config"), "Secret " + ns + "/" + s.name()).authMethod();
          } catch (RuntimeException e) {
            auth = "invalid config";
          }
          Map<String, String> shown = new TreeMap<>(s.labels());
          shown.remove(DiscoveryKeys.ARGOCD_SECRET_TYPE);
          if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("cluster", s.data().get("name"));
            m.put("server", s.data().get("server"));
            m.put("auth", auth);
            m.put("labels", shown);
            m.put("clusterSet", s.ownerClusterSet().orElse(null));
            out.line("clusterSecret", m);
          } else {
            out.text(s.name() + "  " + s.data().getOrDefault("server", "(no server)") + "  auth=" + auth
                + s.ownerClusterSet().map(o -> "  clusterset=" + o).orElse("")
                + "  " + shown.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
          }
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "create", modelTransformer = CommandOptions.KubernetesAndAws.class, footer = ExitCodes.CLUSTER_HELP, description = {
      "Create (or replace) the ArgoCD cluster Secret for one EKS cluster, as a ClusterSet would write it but owned by",
      "nobody. Endpoint and CA come from EKS DescribeCluster unless both are given."})
  static final class Create implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--eks-cluster", required = true, description = "The EKS cluster's name.")
    String eksCluster;

    @Option(names = "--name", description = "The Secret's name (default: the EKS name, lower-cased, _ as -).")
    String name;

    @Option(names = "--labels", description = "Labels for the Secret: key=value[,key=value...].")
    String labels;

    @Option(names = "--role-arn", description = "IAM role the awsAuthConfig assumes to reach the cluster.")
    String roleArn;

    @Option(names = "--endpoint", description = "The API server URL (with --ca-data: no EKS call).")
    String endpoint;

    @Option(names = "--ca-data", description = "Base64 of the PEM CA bundle, as EKS returns it.")
    String caData;

    @Option(names = "--dry-run", description = "Print the Secret as YAML; write nothing.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, String> extra = Selectors.parse(spec.commandLine(), "--labels", labels);
      if ((endpoint == null) != (caData == null)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--endpoint and --ca-data go together");
      }
      String secretName = name == null ? Names.secretName(eksCluster) : name;
      if (!Names.isObjectName(secretName)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--name: '" + secretName + "' is not a valid Secret name");
      }
      Output out = global.output(spec);
      try (DiscoveryClients clients = new DiscoveryClients(global)) {
        String ns = clients.kube().namespace();
        String server = endpoint;
        Optional<String> ca = Optional.ofNullable(caData);
        if (server == null) {
          EksCluster c = new AwsEksClusters(clients.eks()).cluster(eksCluster).orElseThrow(() -> new InputException(
              "EKS cluster " + eksCluster + " not found; clusters here: " + String.join(", ",
                  clients.eks().listClustersPaginator(b -> b.maxResults(100)).clusters())));
          server = c.endpoint().orElseThrow(() -> new InputException("EKS cluster " + eksCluster + " has no endpoint yet (" + c.status()
              + "): try again once it is ACTIVE"));
          ca = c.caData();
        }
        Map<String, String> all = new LinkedHashMap<>(extra);
        all.put(DiscoveryKeys.ARGOCD_SECRET_TYPE, DiscoveryKeys.ARGOCD_SECRET_TYPE_CLUSTER);
        String config = ClusterConfig.forEks(eksCluster, Optional.ofNullable(roleArn), ca).toJson();
        Secret secret = new SecretBuilder()
            .withMetadata(new ObjectMetaBuilder().withName(secretName).withNamespace(ns).withLabels(all).build())
            .withType("Opaque")
            .withData(encode(Map.of("name", eksCluster, "server", server, "config", config)))
            .build();
        if (dryRun) {
          spec.commandLine().getOut().print(Serialization.asYaml(secret));
          spec.commandLine().getOut().flush();
          return ExitCodes.OK;
        }
        clients.store().secret(ns, secretName).flatMap(ObservedSecret::ownerClusterSet).ifPresent(owner -> {
          throw new InputException("Secret " + ns + "/" + secretName + " is owned by ClusterSet " + owner + ", which would write it back");
        });
        clients.kube().kube().secrets().inNamespace(ns).resource(secret).createOr(op -> op.update());
        out.event("created", "cluster Secret " + ns + "/" + secretName + " -> " + server);
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "delete", modelTransformer = CommandOptions.Kubernetes.class, footer = ExitCodes.CLUSTER_HELP, description = "Delete an ArgoCD cluster Secret (not one a ClusterSet owns: it would write it back).")
  static final class Delete implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", description = "The Secret's name.")
    String name;

    @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Output out = global.output(spec);
      try (DiscoveryClients clients = new DiscoveryClients(global)) {
        String ns = clients.kube().namespace();
        ObservedSecret s = clients.store().secret(ns, name)
            .orElseThrow(() -> new InputException("Secret " + ns + "/" + name + " not found"));
        if (!DiscoveryKeys.ARGOCD_SECRET_TYPE_CLUSTER.equals(s.labels().get(DiscoveryKeys.ARGOCD_SECRET_TYPE))) {
          throw new InputException("Secret " + ns + "/" + name + " is not an ArgoCD cluster Secret (no label "
              + DiscoveryKeys.ARGOCD_SECRET_TYPE + "=cluster)");
        }
        s.ownerClusterSet().ifPresent(owner -> {
          throw new InputException("Secret " + ns + "/" + name + " is owned by ClusterSet " + owner
              + ", which would write it back: remove the cluster's EKS tag or the ClusterSet instead");
        });
        if (!dryRun) clients.kube().kube().secrets().inNamespace(ns).withName(name).delete();
        out.event("deleted", (dryRun ? "would delete" : "deleted") + " cluster Secret " + ns + "/" + name);
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "bindings", footer = ExitCodes.READ_HELP, description = "List the TargetGroupBindings in the cluster behind an ArgoCD cluster Secret.")
  static final class Bindings implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Parameters(index = "0", description = "The cluster Secret's name.")
    String name;

    @Option(names = {"-l", "--selector"}, description = "Only bindings with these labels: key=value[,key=value...].")
    String selector;

    @Option(names = "--allow-exec-plugins", description = "Run the Secret's execProviderConfig command, if it has one (off by default).")
    boolean allowExecPlugins;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, String> labels = Selectors.parse(spec.commandLine(), "--selector", selector);
      Output out = global.output(spec);
      try (DiscoveryClients clients = new DiscoveryClients(global, allowExecPlugins)) {
        String ns = clients.kube().namespace();
        ObservedSecret s = clients.store().secret(ns, name)
            .orElseThrow(() -> new InputException("Secret " + ns + "/" + name + " not found"));
        ArgoCluster cluster = ArgoClusters.fromSecret(ns, s);
        List<ObservedBinding> bindings = clients.workloads().bindings(cluster, List.of(labels));
        if (bindings.isEmpty()) out.text("no TargetGroupBindings in " + cluster.key());
        for (ObservedBinding b : bindings) {
          if (out.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("namespace", b.namespace());
            m.put("name", b.name());
            m.put("targetGroupARN", b.arn().orElse(""));
            m.put("labels", new TreeMap<>(b.labels()));
            out.line("binding", m);
          } else {
            out.text(b.namespace() + "/" + b.name() + "  " + b.arn().orElse("(no targetGroupARN)") + "  "
                + new TreeMap<>(b.labels()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
          }
        }
        return ExitCodes.OK;
      }
    }
  }

  private static Map<String, String> encode(Map<String, String> data) {
    Map<String, String> out = new LinkedHashMap<>();
    data.forEach((k, v) -> out.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return out;
  }
}
