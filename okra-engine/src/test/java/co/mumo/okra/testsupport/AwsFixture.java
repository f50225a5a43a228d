package co.mumo.okra.testsupport;

import co.mumo.okra.cell.LoadBalancer;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * SDK clients pointed at moto, plus the AWS resources a test needs and read-backs that go around the
 * code under test (raw API calls), so an assertion never trusts the adapter it is checking.
 *
 * <pre>{@code
 * MotoServer moto = MotoServer.shared();
 * moto.reset();
 * try (AwsFixture aws = new AwsFixture(moto.endpoint())) {
 *   AwsFixture.Alb alb = aws.createAlb(2);
 *   ...
 *   assertThat(aws.weightsOf(alb.listenerArn(), 10)).containsEntry(alb.targetGroupArns().get(0), 90);
 * }
 * }</pre>
 *
 * Every ELBv2 call through {@link #elbv2()} is counted by operation name in {@link #calls()}, which
 * is how a test proves that an apply wrote nothing: moto itself keeps no request counts.
 */
public final class AwsFixture implements AutoCloseable {
  public static final Region REGION = Region.US_EAST_1;
  public static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  /** What {@link #createAlb} made; target groups in creation order. */
  public record Alb(String vpcId, List<String> subnetIds, String loadBalancerArn, String listenerArn,
                    List<String> targetGroupArns) {
    public Alb {
      subnetIds = List.copyOf(subnetIds);
      targetGroupArns = List.copyOf(targetGroupArns);
    }
  }

  private final URI endpoint;
  private final CallCounter calls = new CallCounter();
  private final ElasticLoadBalancingV2Client elbv2;
  private final Ec2Client ec2;

  public AwsFixture(URI endpoint) {
    this.endpoint = endpoint;
    this.elbv2 = against(ElasticLoadBalancingV2Client.builder())
        .overrideConfiguration(o -> o.addExecutionInterceptor(calls))
        .build();
    this.ec2 = against(Ec2Client.builder()).build();
  }

  /** Points any sync SDK client builder at moto: region, the fake credentials, the endpoint. */
  public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B against(B builder) {
    return builder.region(REGION)
        .credentialsProvider(CREDENTIALS)
        .endpointOverride(endpoint)
        .httpClientBuilder(UrlConnectionHttpClient.builder());
  }

  public URI endpoint() {
    return endpoint;
  }

  public ElasticLoadBalancingV2Client elbv2() {
    return elbv2;
  }

  public Ec2Client ec2() {
    return ec2;
  }

  public CallCounter calls() {
    return calls;
  }

  /**
   * A VPC with two subnets in two zones (ALB needs two), an internet-facing ALB, an HTTP:80
   * listener whose default action is a fixed 404, and {@code targetGroups} HTTP target groups.
   * Names are random, so fixtures in one moto need no reset between them.
   */
  public Alb createAlb(int targetGroups) {
    String name = "okra-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    String vpcId = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    List<String> subnets = List.of(subnet(vpcId, "10.0.1.0/24", "a"), subnet(vpcId, "10.0.2.0/24", "b"));
    String lbArn = elbv2.createLoadBalancer(b -> b.name(name).subnets(subnets)
            .scheme(LoadBalancerSchemeEnum.INTERNET_FACING).type(LoadBalancerTypeEnum.APPLICATION))
        .loadBalancers().get(0).loadBalancerArn();
    String listenerArn = elbv2.createListener(b -> b.loadBalancerArn(lbArn).protocol(ProtocolEnum.HTTP).port(80)
            .defaultActions(notFound()))
        .listeners().get(0).listenerArn();
    List<String> tgArns = new ArrayList<>();
    for (int i = 0; i < targetGroups; i++) {
      String tgName = name + "-tg" + i;
      tgArns.add(elbv2.createTargetGroup(b -> b.name(tgName).protocol(ProtocolEnum.HTTP).port(80).vpcId(vpcId)
              .targetType(TargetTypeEnum.IP))
          .targetGroups().get(0).targetGroupArn());
    }
    return new Alb(vpcId, subnets, lbArn, listenerArn, tgArns);
  }

  /**
   * Creates a rule with the raw API, as another tool or a person would: a host-header condition and
   * a weighted forward, tagged with {@code owner} when given. For foreign and unowned rules.
   */
  public String createRule(String listenerArn, int priority, String host, Map<String, Integer> weights,
                           Optional<String> owner) {
    List<TargetGroupTuple> tuples = weights.entrySet().stream()
        .map(e -> TargetGroupTuple.builder().targetGroupArn(e.getKey()).weight(e.getValue()).build())
        .toList();
    RuleCondition condition = RuleCondition.builder().field("host-header").hostHeaderConfig(h -> h.values(host)).build();
    Action forward = Action.builder().type(ActionTypeEnum.FORWARD).forwardConfig(f -> f.targetGroups(tuples)).build();
    return elbv2.createRule(b -> {
      b.listenerArn(listenerArn).priority(priority).conditions(condition).actions(forward);
      owner.ifPresent(o -> b.tags(ownerTag(o)));
    }).rules().get(0).ruleArn();
  }

  /** The rule at {@code priority} as DescribeRules returns it (all pages), if there is one. */
  public Optional<Rule> ruleAt(String listenerArn, int priority) {
    String wanted = Integer.toString(priority);
    return elbv2.describeRulesPaginator(b -> b.listenerArn(listenerArn)).rules().stream()
        .filter(r -> wanted.equals(r.priority()))
        .findFirst();
  }

  /**
   * Target group ARN to weight of the forward action of the rule at {@code priority}; empty when
   * there is no such rule or it does not forward. A bare {@code TargetGroupArn} (moto keeps one as
   * sent; AWS adds a ForwardConfig) counts as 100: all the traffic, on Okra's percent scale.
   */
  public Map<String, Integer> weightsOf(String listenerArn, int priority) {
    return ruleAt(listenerArn, priority).stream()
        .flatMap(r -> r.actions().stream())
        .filter(a -> a.type() == ActionTypeEnum.FORWARD)
        .findFirst()
        .map(AwsFixture::weights)
        .orElse(Map.of());
  }

  /** Tags of one ELBv2 resource, by key. */
  public Map<String, String> tagsOf(String arn) {
    return elbv2.describeTags(b -> b.resourceArns(arn)).tagDescriptions().stream()
        .flatMap(d -> d.tags().stream())
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  public static Tag ownerTag(String owner) {
    return Tag.builder().key(LoadBalancer.OWNER_TAG).value(owner).build();
  }

  @Override
  public void close() {
    elbv2.close();
    ec2.close();
  }

  private static Map<String, Integer> weights(Action forward) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (forward.forwardConfig() != null && forward.forwardConfig().hasTargetGroups()) {
      forward.forwardConfig().targetGroups().forEach(t -> out.put(t.targetGroupArn(), t.weight() == null ? 1 : t.weight()));
    } else if (forward.targetGroupArn() != null) {
      out.put(forward.targetGroupArn(), 100);
    }
    return out;
  }

  private String subnet(String vpcId, String cidr, String zoneSuffix) {
    return ec2.createSubnet(b -> b.vpcId(vpcId).cidrBlock(cidr).availabilityZone(REGION.id() + zoneSuffix))
        .subnet().subnetId();
  }

  private static Action notFound() {
    return Action.builder().type(ActionTypeEnum.FIXED_RESPONSE)
        .fixedResponseConfig(f -> f.statusCode("404").contentType("text/plain").messageBody("no rule matched"))
        .build();
  }

  /** Counts SDK calls by operation name ("DescribeRules", "ModifyRule", …). Thread-safe. */
  public static final class CallCounter implements ExecutionInterceptor {
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      counts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    }

    public int count(String operation) {
      AtomicInteger n = counts.get(operation);
      return n == null ? 0 : n.get();
    }

    /** Calls that can change something: everything but Describe*. */
    public int writes() {
      return counts.entrySet().stream()
          .filter(e -> !e.getKey().startsWith("Describe"))
          .mapToInt(e -> e.getValue().get())
          .sum();
    }

    /** Snapshot by operation, for failure messages. */
    public Map<String, Integer> snapshot() {
      return counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    public void reset() {
      counts.clear();
    }
  }
}
