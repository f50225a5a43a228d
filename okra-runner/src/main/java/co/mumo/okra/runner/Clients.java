package co.mumo.okra.runner;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.OkraAnalyses;
import co.mumo.okra.analysis.eval.provider.CloudWatchProvider;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.ClusterStore;
import co.mumo.okra.cell.Evaluator;
import co.mumo.okra.cell.LoadBalancer;
import co.mumo.okra.cell.Notifier;
import co.mumo.okra.core.InputException;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.kube.KubeClients;
import co.mumo.okra.kube.SelectorThreads;
import co.mumo.okra.notify.Webhook;
import co.mumo.okra.notify.WebhookNotifier;
import co.mumo.okra.outbound.AddressPolicy;
import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.policy.HostPolicy;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.policy.OwnerPolicyFile;
import co.mumo.okra.redaction.Secrets;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** The clients a command needs, each built on first use and closed at exit. */
final class Clients implements AutoCloseable {
  private final GlobalOptions options;
  private KubernetesClient kube;
  /** The JDK HTTP client threads {@link #kube} started: ended at close, or the JVM's exit waits 300 ms for them. */
  private Set<Thread> kubeSelectors = Set.of();
  private Elbv2LoadBalancer loadBalancer;
  private CompletableFuture<Elbv2LoadBalancer> building;

  private OwnerPolicy policy;

  Clients(GlobalOptions options) {
    this.options = options;
  }

  /** The runner's clock (see {@link OkraRunner#SYSTEM_CLOCK}). */
  Clock clock() {
    return options.clock();
  }

  /** The owner policy from --policy ($OKRA_POLICY), else the built-in default; read once. */
  OwnerPolicy policy() {
    if (policy == null) policy = options.policy().map(OwnerPolicyFile::load).orElseGet(OwnerPolicy::defaults);
    return policy;
  }

  KubernetesClient kube() {
    if (kube == null) {
      Set<Thread> before = SelectorThreads.running();
      kube = KubeClients.create(options.kubeconfig(), options.context());
      kubeSelectors = SelectorThreads.startedSince(before);
    }
    return kube;
  }

  String namespace() {
    if (options.namespace != null) return options.namespace;
    String ns = kube().getNamespace();
    return ns == null ? "default" : ns;
  }

  ClusterStore store() {
    return new Fabric8ClusterStore(kube());
  }

  LoadBalancer loadBalancer() {
    if (loadBalancer == null) {
      loadBalancer = building != null ? joined(building) : Elbv2LoadBalancer.create(options.aws());
    }
    return loadBalancer;
  }

  /** The build's own exception (e.g. no region configured), not a CompletionException around it. */
  private static <T> T joined(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) throw cause;
      throw e;
    }
  }

  /**
   * Starts building the AWS client on another thread while this one builds the Kubernetes client: the
   * two class-loading bills (about 0.25 s and 0.6 s here) are paid side by side. Building makes no AWS
   * call, so a pass that turns out to need none still makes none.
   */
  void prepareLoadBalancer() {
    if (building == null && loadBalancer == null) {
      building = CompletableFuture.supplyAsync(
          () -> Elbv2LoadBalancer.create(options.aws()));
    }
  }

  /**
   * Okra's own evaluator (each analysis step, else the Cell's annotation, may choose Argo Rollouts'
   * controller instead), with every provider Okra has, held to the owner policy's {@code analysis}
   * section; {@code allowJobs} (--allow-job-provider) allows the job provider too.
   */
  OkraAnalyses okraAnalyses(Evaluator defaultEvaluator, boolean allowJobs) {
    var providers = Providers.standard(policy().analysis().withJobProvider(allowJobs),
        this::cloudWatch,
        // Keys live beside the run (the Cell's namespace), as Argo reads them beside the Rollout.
        (ns, name) -> Optional.ofNullable(kube().secrets().inNamespace(ns == null ? namespace() : ns).withName(name).get())
            .map(Clients::decoded));
    return new OkraAnalyses(kube(), providers, clock(), defaultEvaluator);
  }

  private CloudWatchClient cloudWatch;

  private synchronized CloudWatchClient cloudWatch() {
    if (cloudWatch == null) {
      cloudWatch = CloudWatchProvider.client(options.aws());
    }
    return cloudWatch;
  }

  private static Map<String, String> decoded(Secret s) {
    Map<String, String> out = new HashMap<>();
    if (s.getStringData() != null) out.putAll(s.getStringData());
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    out.values().forEach(Secrets::register);
    return out;
  }

  /**
   * {@code evaluator} judges the analyses that choose none (neither the step nor the Cell's annotation);
   * with {@code ARGO} and no choice anywhere, this is exactly Argo Rollouts' path.
   */
  CellReconciler reconciler(Evaluator evaluator, boolean allowJobs) {
    // The load balancer is only built when a Cell is valid and needs it: a lazy proxy keeps bad-input runs AWS-free.
    return new CellReconciler(store(), new LazyLoadBalancer(this::loadBalancer), okraAnalyses(evaluator, allowJobs), clock(), policy());
  }

  /**
   * What tells the owner's {@code webhooks} of the transitions Cells record, held to the policy's
   * {@code notifications} section; a webhook it refuses stops the command before any pass (exit 2).
   */
  Notifier notifier(List<Webhook> webhooks) {
    if (webhooks.isEmpty()) return Notifier.NONE;
    HostPolicy hosts = policy().notifications();
    for (Webhook w : webhooks) {
      WebhookNotifier.refusal(w, hosts, AddressPolicy.Resolver.SYSTEM).ifPresent(m -> {
        throw new InputException(m + "; nothing was done");
      });
    }
    return new WebhookNotifier(store(), webhooks, new OutboundHttp(hosts), clock());
  }

  @Override
  public void close() {
    if (loadBalancer == null && building != null) building.thenAccept(Elbv2LoadBalancer::close);
    if (loadBalancer != null) loadBalancer.close();
    if (cloudWatch != null) cloudWatch.close();
    if (kube != null) {
      kube.close();
      SelectorThreads.stop(kubeSelectors);
    }
  }

  /** Defers building the AWS client until the first call. */
  private record LazyLoadBalancer(Supplier<LoadBalancer> target) implements LoadBalancer {
    @Override
    public List<ObservedRule> rules(String listenerArn) {
      return target.get().rules(listenerArn);
    }

    @Override
    public ApplyResult apply(DesiredRule desired, Optional<ObservedRule> current) {
      return target.get().apply(desired, current);
    }

    @Override
    public boolean deleteHeaderRule(ObservedRule rule, String owner) {
      return target.get().deleteHeaderRule(rule, owner);
    }
  }
}
