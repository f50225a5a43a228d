package co.mumo.okra.cell;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Listener;
import co.mumo.okra.api.ListenerRule;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.TargetWeight;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Converts between the AWSApplicationLoadBalancerConfig resource and {@link DesiredRule}. */
public final class AlbConfigs {
  private AlbConfigs() {}

  /** The resource that records {@code rule} as the desired state, named after the Cell. */
  public static AWSApplicationLoadBalancerConfig of(String namespace, String name, DesiredRule rule, List<String> targetGroupNames) {
    AWSApplicationLoadBalancerConfig config = new AWSApplicationLoadBalancerConfig();
    config.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    config.setSpec(new AWSApplicationLoadBalancerConfig.Spec());
    config.getSpec().listenerARN = rule.listenerArn();
    config.getSpec().listener = new Listener();
    ListenerRule r = new ListenerRule();
    RuleConditions c = rule.conditions();
    r.priority = rule.priority();
    r.hosts = nullIfEmpty(c.hosts());
    r.pathPatterns = nullIfEmpty(c.pathPatterns());
    r.methods = nullIfEmpty(c.methods());
    r.sourceIPs = nullIfEmpty(c.sourceIps());
    r.headers = c.headers().isEmpty() ? null : new TreeMap<>(c.headers());
    r.queryStrings = c.queryStrings().isEmpty() ? null : new TreeMap<>(c.queryStrings());
    r.forward = new ListenerRule.Forward();
    r.forward.targetGroups = new ArrayList<>();
    for (int i = 0; i < rule.forwards().size(); i++) {
      TargetWeight f = rule.forwards().get(i);
      r.forward.targetGroups.add(new ListenerRule.ForwardTargetGroup(i < targetGroupNames.size() ? targetGroupNames.get(i) : null,
          f.arn(), f.weight()));
    }
    config.getSpec().listener.rule = r;
    return config;
  }

  /**
   * {@code stored} (as read) with {@code desired}'s spec: a copy that carries the stored metadata and
   * resourceVersion, so it can replace the stored one without reading it again.
   */
  public static AWSApplicationLoadBalancerConfig withSpecOf(AWSApplicationLoadBalancerConfig stored, AWSApplicationLoadBalancerConfig desired) {
    AWSApplicationLoadBalancerConfig copy = new AWSApplicationLoadBalancerConfig();
    copy.setMetadata(new ObjectMetaBuilder(stored.getMetadata()).build());
    copy.setSpec(desired.getSpec());
    copy.setStatus(stored.getStatus());
    return copy;
  }

  /** The rule a config asks for; owned by the Cell of the same namespace and name. */
  public static DesiredRule toRule(AWSApplicationLoadBalancerConfig config) {
    var spec = config.getSpec();
    String what = "AWSApplicationLoadBalancerConfig " + config.getMetadata().getNamespace() + "/" + config.getMetadata().getName();
    if (spec == null || spec.listener == null || spec.listener.rule == null) {
      throw new InvalidAlbConfigException(what + ": spec.listener.rule is required");
    }
    ListenerRule r = spec.listener.rule;
    List<TargetWeight> forwards = new ArrayList<>();
    if (r.forward != null && r.forward.targetGroups != null) {
      for (int i = 0; i < r.forward.targetGroups.size(); i++) {
        ListenerRule.ForwardTargetGroup tg = r.forward.targetGroups.get(i);
        if (tg.weight == null || tg.weight < 0 || tg.weight > 100) {
          throw new InvalidAlbConfigException(what + ": spec.listener.rule.forward.targetGroups[" + i + "].weight must be 0..100, got " + tg.weight);
        }
        forwards.add(new TargetWeight(tg.arn, tg.weight));
      }
    }
    try {
      return new DesiredRule(spec.listenerARN, r.priority == null ? 0 : r.priority,
          new RuleConditions(r.hosts, r.pathPatterns, r.methods, r.sourceIPs,
              r.headers == null ? null : new TreeMap<>(r.headers), r.queryStrings == null ? null : new TreeMap<>(r.queryStrings)),
          forwards, config.getMetadata().getNamespace() + "/" + config.getMetadata().getName());
    } catch (IllegalArgumentException e) {
      throw new InvalidAlbConfigException(what + ": " + e.getMessage());
    }
  }

  /** True when the two configs ask for the same rule (names and order aside). */
  public static boolean sameSpec(AWSApplicationLoadBalancerConfig a, AWSApplicationLoadBalancerConfig b) {
    try {
      DesiredRule ra = toRule(a);
      DesiredRule rb = toRule(b);
      return ra.listenerArn().equals(rb.listenerArn()) && ra.priority() == rb.priority()
          && ra.conditions().sameAs(rb.conditions()) && DesiredRule.sameForwards(ra.forwards(), rb.forwards());
    } catch (IllegalArgumentException | InvalidAlbConfigException e) {
      return false;
    }
  }

  private static <T> List<T> nullIfEmpty(List<T> l) {
    return l.isEmpty() ? null : l;
  }
}
