package co.mumo.okra.runner.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.cell.LoadBalancer;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.TargetWeight;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedLoadBalancerTest {
  private static final String LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/demo/0123456789abcdef/fedcba9876543210";
  private static final String TG_A = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/a/1";
  private static final String TG_B = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/b/2";
  private static final RuleConditions HOSTS = new RuleConditions(List.of("example.com"), null, null, null, null, null);

  private final SimulatedLoadBalancer alb = new SimulatedLoadBalancer();

  @BeforeEach
  void listener() {
    alb.addListener(LISTENER);
    alb.addTargetGroup(TG_A);
    alb.addTargetGroup(TG_B);
  }

  private static DesiredRule rule(String owner, TargetWeight... forwards) {
    return new DesiredRule(LISTENER, 10, HOSTS, List.of(forwards), owner);
  }

  private Optional<ObservedRule> at10() {
    return alb.rules(LISTENER).stream().filter(r -> !r.isDefault() && r.priority() == 10).findFirst();
  }

  @Test
  void createsTheRuleWithTheOwnerTagAndThenModifiesOnlyWhatDiffers() {
    LoadBalancer.ApplyResult created = alb.apply(rule("ns/web", new TargetWeight(TG_A, 100)), Optional.empty());
    assertThat(created.change()).isEqualTo(LoadBalancer.Change.CREATED);
    assertThat(at10().orElseThrow().owner()).contains("ns/web");
    assertThat(created.ruleArn()).contains(":listener-rule/app/demo/");

    assertThat(alb.apply(rule("ns/web", new TargetWeight(TG_A, 100)), at10()).change()).isEqualTo(LoadBalancer.Change.NONE);
    assertThat(alb.apply(rule("ns/web", new TargetWeight(TG_A, 80), new TargetWeight(TG_B, 20)), at10()).change())
        .isEqualTo(LoadBalancer.Change.MODIFIED);
    assertThat(at10().orElseThrow().forwards()).containsExactly(new TargetWeight(TG_A, 80), new TargetWeight(TG_B, 20));
    assertThat(alb.calls()).containsEntry("CreateRule", 1).containsEntry("ModifyRule", 1);
  }

  @Test
  void refusesARuleOwnedByAnotherCell() {
    alb.apply(rule("ns/other", new TargetWeight(TG_A, 100)), Optional.empty());

    assertThatThrownBy(() -> alb.apply(rule("ns/web", new TargetWeight(TG_B, 100)), at10()))
        .hasMessageContaining("owned by ns/other");
    assertThat(at10().orElseThrow().forwards()).containsExactly(new TargetWeight(TG_A, 100));
  }

  @Test
  void refusesTheDefaultRule() {
    ObservedRule defaultRule = alb.rules(LISTENER).stream().filter(ObservedRule::isDefault).findFirst().orElseThrow();

    assertThatThrownBy(() -> alb.apply(rule("ns/web", new TargetWeight(TG_A, 100)), Optional.of(defaultRule)))
        .hasMessageContaining("default rule");
  }

  @Test
  void adoptingAnUntaggedRuleWritesTheTag() {
    alb.addUnownedRule(LISTENER, 10, HOSTS, List.of(new TargetWeight(TG_A, 100)));

    LoadBalancer.ApplyResult r = alb.apply(rule("ns/web", new TargetWeight(TG_A, 100)), at10());

    assertThat(r.change()).isEqualTo(LoadBalancer.Change.MODIFIED);
    assertThat(at10().orElseThrow().owner()).contains("ns/web");
    assertThat(alb.calls()).containsEntry("AddTags", 1).doesNotContainKey("ModifyRule");
  }

  @Test
  void refusesUnknownTargetGroupsAndATakenPriority() {
    assertThatThrownBy(() -> alb.apply(rule("ns/web", new TargetWeight(TG_A + "x", 100)), Optional.empty()))
        .hasMessageContaining("TargetGroupNotFound");
    alb.apply(rule("ns/web", new TargetWeight(TG_A, 100)), Optional.empty());
    assertThatThrownBy(() -> alb.apply(rule("ns/web", new TargetWeight(TG_A, 100)), Optional.empty()))
        .hasMessageContaining("PriorityInUse");
  }

  @Test
  void anUnknownListenerIsAnError() {
    assertThatThrownBy(() -> alb.rules(LISTENER + "x")).hasMessageContaining("ListenerNotFound");
  }
}
