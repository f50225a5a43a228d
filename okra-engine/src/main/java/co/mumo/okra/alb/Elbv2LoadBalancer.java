package co.mumo.okra.alb;

import co.mumo.okra.aws.AwsClients;
import co.mumo.okra.cell.LoadBalancer;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.RulePlacement;
import co.mumo.okra.rule.TargetWeight;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ForwardActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.PriorityInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.QueryStringKeyValuePair;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TagDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;

/**
 * {@link LoadBalancer} over the ELBv2 API.
 *
 * <p><b>Endpoint.</b> Besides the {@code endpoint} argument of {@link #create}, which wins over
 * everything, the SDK itself (checked in 2.40's {@code AwsClientEndpointProvider}) honours system
 * property {@code aws.endpointUrlElasticLoadBalancingV2} or {@code aws.endpointUrl}, env
 * {@code AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2} or {@code AWS_ENDPOINT_URL}, and the profile's
 * {@code endpoint_url} (also per service, in a {@code services} section under
 * {@code elastic_load_balancing_v2}). The service-specific settings win over the global ones. So
 * {@code AWS_ENDPOINT_URL=http://127.0.0.1:5000} alone points Okra at moto or LocalStack.
 *
 * <p><b>Mapping.</b> The default rule is reported with {@code isDefault} and priority 0. Conditions
 * are read from the typed configs ({@code HostHeaderConfig} …) and, for host-header and path-pattern
 * only, from the legacy {@code Values} when no typed config is there (AWS returns both for rules
 * written with either; moto returns what was sent). Several {@code http-header} conditions on one
 * name, or several {@code query-string} conditions, merge into one entry; a query-string pair
 * without a key reads as key {@code ""} and is written back without one. Regex values, which
 * {@link RuleConditions} cannot express, are not read. A forward's weights come from {@code
 * ForwardConfig} (a missing weight is 1, as in ALB); a bare {@code TargetGroupArn} without one reads
 * as weight 100: it gets all the traffic, and 100 is what Okra asks for when one group takes it all,
 * so such a rule needs no rewrite.
 *
 * <p><b>Writes</b> send conditions in a fixed order (hosts, paths, methods, source IPs, headers by
 * name, query strings by key) so that a rule reads back equal and the next pass writes nothing.
 * SDK exceptions propagate unwrapped; the caller adds the context once.
 */
public final class Elbv2LoadBalancer implements LoadBalancer, AutoCloseable {
  /** DescribeTags takes at most 20 resource ARNs per call. */
  static final int TAGS_PER_CALL = 20;
  /** The API's maximum, so a listener at the default quota of 100 rules is read in one call. */
  static final int DEFAULT_PAGE_SIZE = 400;

  private static final String DEFAULT_PRIORITY = "default";
  private static final String ROUTE_TAG = RulePlacement.ROUTE_TAG;
  /** What a bare TargetGroupArn is worth: everything, on Okra's percent scale. */
  private static final int SOLE_TARGET_WEIGHT = 100;

  private final ElasticLoadBalancingV2Client client;
  private final boolean ownsClient;
  private int pageSize = DEFAULT_PAGE_SIZE;

  /** Uses {@code client} as is; closing this leaves the client open for its owner. */
  public Elbv2LoadBalancer(ElasticLoadBalancingV2Client client) {
    this(client, false);
  }

  private Elbv2LoadBalancer(ElasticLoadBalancingV2Client client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
  }

  /** A client built by {@link AwsClients} (retries, timeouts, credentials), closed with this. */
  public static Elbv2LoadBalancer create(AwsClients.Settings settings) {
    return new Elbv2LoadBalancer(AwsClients.build(ElasticLoadBalancingV2Client.builder(), settings), true);
  }

  /** Smaller DescribeRules pages, so tests can cross page boundaries with a few rules. */
  Elbv2LoadBalancer pageSize(int pageSize) {
    if (pageSize < 1 || pageSize > DEFAULT_PAGE_SIZE) throw new IllegalArgumentException("page size must be 1..400");
    this.pageSize = pageSize;
    return this;
  }

  @Override
  public List<ObservedRule> rules(String listenerArn) {
    List<Rule> rules = client.describeRulesPaginator(b -> b.listenerArn(listenerArn).pageSize(pageSize)).rules()
        .stream().toList();
    Map<String, OkraTags> tags = okraTags(rules.stream().filter(r -> !isDefault(r)).map(Rule::ruleArn).toList());
    return rules.stream()
        .map(r -> observed(listenerArn, r, tags.getOrDefault(r.ruleArn(), OkraTags.NONE)))
        // ALB lists by priority with the default last; moto lists in creation order.
        .sorted(Comparator.comparing(ObservedRule::isDefault).thenComparingInt(ObservedRule::priority))
        .toList();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Adopting a rule that carries no owner tag writes the tag, and reports {@link Change#MODIFIED}
   * even when the rule already matched; so does a header route's rule that lacks its route tag. Before
   * any write to an existing rule the owner tag is read again, so a stale {@code current} cannot make
   * this overwrite a rule someone else has since taken.
   *
   * @throws IllegalStateException when {@code current} is the default rule or owned by another Cell
   * @throws IllegalArgumentException when {@code current} is not at the desired listener and priority
   */
  @Override
  public ApplyResult apply(DesiredRule desired, Optional<ObservedRule> current) {
    if (current.isEmpty()) return create(desired);
    ObservedRule rule = current.get();
    checkWritable(desired, rule.isDefault(), rule.owner());
    checkSamePlace(desired, rule);
    boolean satisfied = desired.isSatisfiedBy(rule);
    boolean routeTagged = desired.route().isEmpty() || rule.route().equals(desired.route());
    if (satisfied && rule.owner().isPresent() && routeTagged) return new ApplyResult(rule.ruleArn(), Change.NONE);

    OkraTags live = okraTags(List.of(rule.ruleArn())).getOrDefault(rule.ruleArn(), OkraTags.NONE);
    checkWritable(desired, false, live.owner());
    List<Tag> missing = new ArrayList<>();
    if (live.owner().isEmpty()) missing.add(ownerTag(desired.owner()));
    desired.route().filter(r -> !live.route().equals(Optional.of(r))).ifPresent(r -> missing.add(routeTag(r)));
    if (!missing.isEmpty()) {
      client.addTags(b -> b.resourceArns(rule.ruleArn()).tags(missing));
    }
    if (!satisfied) {
      client.modifyRule(b -> b.ruleArn(rule.ruleArn())
          .conditions(Conditions.toSdk(desired.conditions()))
          .actions(forward(desired.forwards())));
    }
    return new ApplyResult(rule.ruleArn(), !missing.isEmpty() || !satisfied ? Change.MODIFIED : Change.NONE);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The tags are read with DescribeTags right before DeleteRule. A rule AWS no longer knows
   * ({@code RuleNotFound}, from either call) counts as deleted.
   *
   * @throws IllegalStateException when the rule is the default one, carries no route tag, or its tags
   *     (read again) no longer name {@code owner} and the route
   */
  @Override
  public boolean deleteHeaderRule(ObservedRule rule, String owner) {
    if (rule.isDefault()) throw new IllegalStateException("refusing to delete the default rule of " + rule.listenerArn());
    if (rule.route().isEmpty()) {
      throw new IllegalStateException("rule " + rule.ruleArn() + " carries no " + ROUTE_TAG + " tag: it is no header route's rule;"
          + " refusing to delete it");
    }
    OkraTags live;
    try {
      live = okraTags(List.of(rule.ruleArn())).getOrDefault(rule.ruleArn(), OkraTags.NONE);
    } catch (RuleNotFoundException e) {
      return false;
    }
    if (!live.owner().equals(Optional.of(owner)) || !live.route().equals(rule.route())) {
      throw new IllegalStateException("rule " + rule.ruleArn() + " is now tagged " + OWNER_TAG + "=" + live.owner().orElse("(none)") + ", "
          + ROUTE_TAG + "=" + live.route().orElse("(none)") + ", not " + owner + " and " + rule.route().get() + "; refusing to delete it");
    }
    try {
      client.deleteRule(b -> b.ruleArn(rule.ruleArn()));
      return true;
    } catch (RuleNotFoundException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (ownsClient) client.close();
  }

  /**
   * Creates the rule. Two runners that both read no rule there both try (ALB writes cannot be made
   * conditional), and a CreateRule whose answer was lost is retried by the SDK: the loser gets
   * PriorityInUse. When the rule now there carries this owner's tag it is ours (made by the faster runner,
   * or by the lost attempt), and it is treated as any existing rule of ours; any other rule there
   * (foreign, or untagged: adopting one is the decider's call, not this race's) leaves the exception as is.
   */
  private ApplyResult create(DesiredRule desired) {
    Rule created;
    try {
      created = client.createRule(b -> b.listenerArn(desired.listenerArn())
              .priority(desired.priority())
              .conditions(Conditions.toSdk(desired.conditions()))
              .actions(forward(desired.forwards()))
              .tags(tags(desired)))
          .rules().get(0);
    } catch (PriorityInUseException e) {
      ObservedRule there = rules(desired.listenerArn()).stream().filter(r -> !r.isDefault() && r.priority() == desired.priority())
          .filter(r -> r.owner().equals(Optional.of(desired.owner()))).findFirst().orElseThrow(() -> e);
      return apply(desired, Optional.of(there));
    }
    return new ApplyResult(created.ruleArn(), Change.CREATED);
  }

  /** A caller that hands over the rule of another place has mixed up its observations. */
  private static void checkSamePlace(DesiredRule desired, ObservedRule rule) {
    if (!rule.listenerArn().equals(desired.listenerArn()) || rule.priority() != desired.priority()) {
      throw new IllegalArgumentException("current rule " + rule.ruleArn() + " is at " + rule.listenerArn() + " priority "
          + rule.priority() + ", not at the desired " + place(desired));
    }
  }

  private static void checkWritable(DesiredRule desired, boolean isDefault, Optional<String> owner) {
    if (isDefault) {
      throw new IllegalStateException("refusing to touch the default rule of " + desired.listenerArn());
    }
    if (owner.isPresent() && !owner.get().equals(desired.owner())) {
      throw new IllegalStateException("the rule at " + place(desired) + " is owned by " + owner.get()
          + " (tag " + OWNER_TAG + "), not by " + desired.owner() + "; refusing to modify it");
    }
  }

  private static String place(DesiredRule desired) {
    return "listener " + desired.listenerArn() + " priority " + desired.priority();
  }

  /** Okra's two tags on a rule: its owner, and the header route it is (if it is one). */
  private record OkraTags(Optional<String> owner, Optional<String> route) {
    static final OkraTags NONE = new OkraTags(Optional.empty(), Optional.empty());
  }

  /** Okra's tags by rule ARN, for the rules that carry any. */
  private Map<String, OkraTags> okraTags(List<String> ruleArns) {
    Map<String, OkraTags> out = new HashMap<>();
    for (int from = 0; from < ruleArns.size(); from += TAGS_PER_CALL) {
      List<String> batch = ruleArns.subList(from, Math.min(from + TAGS_PER_CALL, ruleArns.size()));
      for (TagDescription d : client.describeTags(b -> b.resourceArns(batch)).tagDescriptions()) {
        Optional<String> owner = d.tags().stream().filter(t -> OWNER_TAG.equals(t.key())).map(Tag::value).findFirst();
        Optional<String> route = d.tags().stream().filter(t -> ROUTE_TAG.equals(t.key())).map(Tag::value).findFirst();
        if (owner.isPresent() || route.isPresent()) out.put(d.resourceArn(), new OkraTags(owner, route));
      }
    }
    return out;
  }

  private static List<Tag> tags(DesiredRule desired) {
    List<Tag> tags = new ArrayList<>(List.of(ownerTag(desired.owner())));
    desired.route().ifPresent(r -> tags.add(routeTag(r)));
    return tags;
  }

  private static Tag ownerTag(String owner) {
    return Tag.builder().key(OWNER_TAG).value(owner).build();
  }

  private static Tag routeTag(String route) {
    return Tag.builder().key(ROUTE_TAG).value(route).build();
  }

  private static boolean isDefault(Rule r) {
    return Boolean.TRUE.equals(r.isDefault()) || DEFAULT_PRIORITY.equals(r.priority());
  }

  private static ObservedRule observed(String listenerArn, Rule r, OkraTags tags) {
    boolean isDefault = isDefault(r);
    return new ObservedRule(r.ruleArn(), listenerArn, isDefault ? 0 : Integer.parseInt(r.priority()), isDefault,
        tags.owner(), Conditions.fromSdk(r.conditions()), forwards(r.actions()), tags.route());
  }

  /** The weights of the rule's forward action; empty when it ends in something else. */
  private static List<TargetWeight> forwards(List<Action> actions) {
    return actions.stream()
        .filter(a -> a.type() == ActionTypeEnum.FORWARD)
        .findFirst()
        .map(Elbv2LoadBalancer::weights)
        .orElse(List.of());
  }

  private static List<TargetWeight> weights(Action forward) {
    ForwardActionConfig config = forward.forwardConfig();
    if (config != null && config.hasTargetGroups()) {
      return config.targetGroups().stream()
          .map(t -> new TargetWeight(t.targetGroupArn(), t.weight() == null ? 1 : t.weight()))
          .toList();
    }
    return forward.targetGroupArn() == null ? List.of() : List.of(new TargetWeight(forward.targetGroupArn(), SOLE_TARGET_WEIGHT));
  }

  /** Stickiness off: a canary shift must move clients, not only new ones. */
  private static Action forward(List<TargetWeight> forwards) {
    List<TargetGroupTuple> groups = forwards.stream()
        .map(f -> TargetGroupTuple.builder().targetGroupArn(f.arn()).weight(f.weight()).build())
        .toList();
    return Action.builder().type(ActionTypeEnum.FORWARD)
        .forwardConfig(f -> f.targetGroups(groups).targetGroupStickinessConfig(s -> s.enabled(false)))
        .build();
  }

  /** {@link RuleConditions} to and from the API's condition list. */
  static final class Conditions {
    static final String HOST = "host-header";
    static final String PATH = "path-pattern";
    static final String METHOD = "http-request-method";
    static final String SOURCE_IP = "source-ip";
    static final String HEADER = "http-header";
    static final String QUERY = "query-string";

    private Conditions() {}

    static List<RuleCondition> toSdk(RuleConditions c) {
      List<RuleCondition> out = new ArrayList<>();
      if (!c.hosts().isEmpty()) out.add(condition(HOST).hostHeaderConfig(h -> h.values(c.hosts())).build());
      if (!c.pathPatterns().isEmpty()) out.add(condition(PATH).pathPatternConfig(p -> p.values(c.pathPatterns())).build());
      if (!c.methods().isEmpty()) out.add(condition(METHOD).httpRequestMethodConfig(m -> m.values(c.methods())).build());
      if (!c.sourceIps().isEmpty()) out.add(condition(SOURCE_IP).sourceIpConfig(s -> s.values(c.sourceIps())).build());
      c.headers().forEach((name, values) ->
          out.add(condition(HEADER).httpHeaderConfig(h -> h.httpHeaderName(name).values(values)).build()));
      if (!c.queryStrings().isEmpty()) {
        List<QueryStringKeyValuePair> pairs = c.queryStrings().entrySet().stream()
            .map(e -> QueryStringKeyValuePair.builder().key(e.getKey().isEmpty() ? null : e.getKey()).value(e.getValue()).build())
            .toList();
        out.add(condition(QUERY).queryStringConfig(q -> q.values(pairs)).build());
      }
      return out;
    }

    static RuleConditions fromSdk(List<RuleCondition> conditions) {
      List<String> hosts = new ArrayList<>();
      List<String> paths = new ArrayList<>();
      List<String> methods = new ArrayList<>();
      List<String> sourceIps = new ArrayList<>();
      TreeMap<String, List<String>> headers = new TreeMap<>();
      TreeMap<String, String> queryStrings = new TreeMap<>();
      for (RuleCondition c : conditions) {
        switch (c.field() == null ? "" : c.field()) {
          case HOST -> hosts.addAll(c.hostHeaderConfig() != null && c.hostHeaderConfig().hasValues()
              ? c.hostHeaderConfig().values() : c.values());
          case PATH -> paths.addAll(c.pathPatternConfig() != null && c.pathPatternConfig().hasValues()
              ? c.pathPatternConfig().values() : c.values());
          case METHOD -> { if (c.httpRequestMethodConfig() != null) methods.addAll(c.httpRequestMethodConfig().values()); }
          case SOURCE_IP -> { if (c.sourceIpConfig() != null) sourceIps.addAll(c.sourceIpConfig().values()); }
          case HEADER -> {
            if (c.httpHeaderConfig() != null) {
              headers.computeIfAbsent(c.httpHeaderConfig().httpHeaderName(), k -> new ArrayList<>())
                  .addAll(c.httpHeaderConfig().values());
            }
          }
          case QUERY -> {
            if (c.queryStringConfig() != null) {
              c.queryStringConfig().values().forEach(p -> queryStrings.put(p.key() == null ? "" : p.key(), p.value()));
            }
          }
          default -> { } // a field newer than this code: not expressible, so not compared
        }
      }
      return new RuleConditions(hosts, paths, methods, sourceIps, headers, queryStrings);
    }

    private static RuleCondition.Builder condition(String field) {
      return RuleCondition.builder().field(field);
    }
  }
}
