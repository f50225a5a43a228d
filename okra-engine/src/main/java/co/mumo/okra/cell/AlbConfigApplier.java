package co.mumo.okra.cell;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.ListenerRule;
import co.mumo.okra.policy.ListenerVerdict;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RulePlacement;
import co.mumo.okra.rule.RuleRefusedException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies an AWSApplicationLoadBalancerConfig to the ALB and records what was applied in its
 * status. {@code okra-runner alb apply} and the Cell pass both go through here.
 */
public final class AlbConfigApplier {
  private final LoadBalancer loadBalancer;
  private final ClusterStore store;
  private final Clock clock;

  public AlbConfigApplier(LoadBalancer loadBalancer, ClusterStore store, Clock clock) {
    this.loadBalancer = loadBalancer;
    this.store = store;
    this.clock = clock;
  }

  /**
   * A standalone {@code alb apply}: the same ownership rules as a Cell pass ({@link RulePlacement}),
   * checked against the listener's rules, which it reads itself. A refused rule causes no AWS write.
   */
  public LoadBalancer.ApplyResult apply(AWSApplicationLoadBalancerConfig config, OwnerPolicy policy) {
    DesiredRule rule = AlbConfigs.toRule(config);
    String what = "AWSApplicationLoadBalancerConfig " + config.getMetadata().getNamespace() + "/" + config.getMetadata().getName();
    ListenerVerdict verdict = policy.listener(rule.listenerArn(), config.getMetadata().getNamespace(), rule.priority());
    // Refused by the policy before the listener is even read.
    verdict.refusal().ifPresent(r -> {
      throw new RuleRefusedException(what + ": " + r.message());
    });
    Map<String, String> annotations = config.getMetadata().getAnnotations();
    boolean adopt = annotations != null && "true".equalsIgnoreCase(annotations.get(RulePlacement.ADOPT_ANNOTATION));
    List<ObservedRule> rules = loadBalancer.rules(rule.listenerArn());
    RulePlacement.check(rule, verdict, adopt, rules).ifPresent(r -> {
      throw new RuleRefusedException(what + ": " + r.message());
    });
    Optional<ObservedRule> current = rules.stream().filter(r -> !r.isDefault() && r.priority() == rule.priority()).findFirst();
    return apply(config, rule, current);
  }

  /** With the rule as the caller just observed it, to save a DescribeRules. */
  public LoadBalancer.ApplyResult apply(AWSApplicationLoadBalancerConfig config, DesiredRule rule, Optional<ObservedRule> current) {
    current.filter(r -> r.owner().isPresent() && !r.owner().get().equals(rule.owner())).ifPresent(r -> {
      throw new RuleRefusedException("the rule at priority " + rule.priority() + " on " + rule.listenerArn()
          + " belongs to " + r.owner().get() + ", not to " + rule.owner() + ": not touching it");
    });
    AWSApplicationLoadBalancerConfig.Status status = new AWSApplicationLoadBalancerConfig.Status();
    status.observedGeneration = config.getMetadata().getGeneration();
    status.lastSyncTime = clock.instant().toString();
    try {
      LoadBalancer.ApplyResult result = loadBalancer.apply(rule, current);
      status.phase = "Applied";
      status.message = switch (result.change()) {
        case NONE -> "the rule already matched";
        case CREATED -> "created the rule";
        case MODIFIED -> "modified the rule";
      };
      status.ruleARN = result.ruleArn();
      status.appliedTargetGroups = forwardsOf(config);
      status.lastAppliedTime = result.change() == LoadBalancer.Change.NONE && config.getStatus() != null
          ? config.getStatus().lastAppliedTime : clock.instant().toString();
      record(config, status);
      return result;
    } catch (RuntimeException e) {
      status.phase = "Error";
      status.message = e.getMessage();
      if (config.getStatus() != null) {
        status.ruleARN = config.getStatus().ruleARN;
        status.appliedTargetGroups = config.getStatus().appliedTargetGroups;
        status.lastAppliedTime = config.getStatus().lastAppliedTime;
      }
      try {
        record(config, status);
      } catch (RuntimeException ignored) {
        // The apply error is the one worth reporting; the status write is best effort here.
      }
      throw e;
    }
  }

  /**
   * Records that the ALB already has {@code rule} as {@code config} asks, when the config's status
   * does not say so: a runner killed between its ALB write and this record leaves the status behind
   * (missing, or the weights before), and no later apply would come to fix it.
   *
   * @return true when the status was written
   */
  public boolean recordIfStale(AWSApplicationLoadBalancerConfig config, ObservedRule rule) {
    AWSApplicationLoadBalancerConfig.Status old = config.getStatus();
    List<ListenerRule.ForwardTargetGroup> forwards = forwardsOf(config);
    if (old != null && "Applied".equals(old.phase) && rule.ruleArn().equals(old.ruleARN)
        && Objects.equals(old.observedGeneration, config.getMetadata().getGeneration())
        && weights(old.appliedTargetGroups).equals(weights(forwards))) {
      return false;
    }
    AWSApplicationLoadBalancerConfig.Status status = new AWSApplicationLoadBalancerConfig.Status();
    status.observedGeneration = config.getMetadata().getGeneration();
    status.lastSyncTime = clock.instant().toString();
    status.phase = "Applied";
    status.message = "the rule already matched";
    status.ruleARN = rule.ruleArn();
    status.appliedTargetGroups = forwards;
    status.lastAppliedTime = status.lastSyncTime;
    record(config, status);
    return true;
  }

  private static Map<String, Integer> weights(List<ListenerRule.ForwardTargetGroup> forwards) {
    Map<String, Integer> out = new HashMap<>();
    if (forwards != null) forwards.forEach(f -> out.put(f.arn, f.weight));
    return out;
  }

  private void record(AWSApplicationLoadBalancerConfig config, AWSApplicationLoadBalancerConfig.Status status) {
    if (config.getMetadata().getUid() == null && config.getMetadata().getResourceVersion() == null) return; // not stored (dry run)
    config.setStatus(status);
    store.updateAlbConfigStatus(config);
  }

  private static List<ListenerRule.ForwardTargetGroup> forwardsOf(AWSApplicationLoadBalancerConfig config) {
    return config.getSpec().listener.rule.forward == null ? List.of() : config.getSpec().listener.rule.forward.targetGroups;
  }
}
