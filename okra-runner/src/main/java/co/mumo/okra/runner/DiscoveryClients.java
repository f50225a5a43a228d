package co.mumo.okra.runner;

import co.mumo.okra.aws.AwsClients;
import co.mumo.okra.discovery.AwsEksClusters;
import co.mumo.okra.discovery.Discovery;
import co.mumo.okra.discovery.DiscoveryStore;
import co.mumo.okra.discovery.EksTokens;
import co.mumo.okra.discovery.Fabric8DiscoveryStore;
import co.mumo.okra.discovery.Fabric8WorkloadClusters;
import co.mumo.okra.discovery.ClusterSetReconciler;
import co.mumo.okra.discovery.StsEksTokens;
import co.mumo.okra.discovery.TargetGroupSetReconciler;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The clients discovery needs on top of {@link Clients}: EKS and STS, each built on first use (a
 * run that only reads Secrets makes no AWS client) and closed at exit.
 */
final class DiscoveryClients implements AutoCloseable {
  private final GlobalOptions options;
  private final Clients kube;
  private EksClient eks;
  private StsClient sts;
  private StsEksTokens tokens;

  private final boolean allowExecPlugins;

  DiscoveryClients(GlobalOptions options) {
    this(options, false);
  }

  /** {@code allowExecPlugins}: the --allow-exec-plugins option (the policy can allow them too). */
  DiscoveryClients(GlobalOptions options, boolean allowExecPlugins) {
    this.options = options;
    this.kube = new Clients(options);
    this.allowExecPlugins = allowExecPlugins;
  }

  Clients kube() {
    return kube;
  }

  DiscoveryStore store() {
    return new Fabric8DiscoveryStore(kube.kube());
  }

  EksClient eks() {
    if (eks == null) eks = AwsEksClusters.client(options.aws());
    return eks;
  }

  StsClient sts() {
    if (sts == null) {
      sts = AwsClients.build(StsClient.builder(), options.aws());
    }
    return sts;
  }

  /** Tokens are only made when a cluster Secret uses awsAuthConfig; until then no STS client exists. */
  EksTokens tokens() {
    return (cluster, role) -> {
      if (tokens == null) tokens = new StsEksTokens(sts(), options.clock());
      return tokens.token(cluster, role);
    };
  }

  Fabric8WorkloadClusters workloads() {
    boolean exec = kube.policy().discovery().withExecPlugins(allowExecPlugins).allowExecPlugins();
    return new Fabric8WorkloadClusters(tokens(), new Fabric8WorkloadClusters.Trust(new AwsEksClusters(eks()), exec));
  }

  Discovery discovery() {
    DiscoveryStore store = store();
    return new Discovery(store, new ClusterSetReconciler(store, new AwsEksClusters(eks()), options.clock()),
        new TargetGroupSetReconciler(store, workloads(), options.clock()));
  }

  @Override
  public void close() {
    if (eks != null) eks.close();
    if (sts != null) sts.close();
    kube.close();
  }
}
