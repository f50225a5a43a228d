package co.mumo.okra.alb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.aws.AwsClients;
import co.mumo.okra.cell.LoadBalancer.ApplyResult;
import co.mumo.okra.cell.LoadBalancer.Change;
import co.mumo.okra.cell.LoadBalancer;
import co.mumo.okra.rule.DesiredRule;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.RuleConditions;
import co.mumo.okra.rule.RulePlacement;
import co.mumo.okra.rule.TargetWeight;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.PriorityInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;

/** {@link Elbv2LoadBalancer} against moto: every read-back goes around the adapter, through {@link AwsFixture}. */
class Elbv2LoadBalancerIT {
  private static final String OWNER = "shop/web";
  private static final String OTHER = "shop/api";
  private static final String PROFILE = "okra-it";

  private final MotoServer moto = MotoServer.shared();
  private AwsFixture aws;
  private AwsFixture.Alb alb;
  private Elbv2LoadBalancer lb;

  @BeforeEach
  void freshAlb() {
    moto.reset();
    aws = new AwsFixture(moto.endpoint());
    alb = aws.createAlb(3);
    lb = new Elbv2LoadBalancer(aws.elbv2());
    aws.calls().reset();
  }

  @AfterEach
  void close() {
    aws.close();
  }

  @Test
  void createsReadsBackWritesNothingWhenSatisfiedAndModifiesWeights() {
    DesiredRule desired = desired(10, hosts("shop.example.com"), weight(0, 90), weight(1, 10));

    ApplyResult created = lb.apply(desired, at(10));

    assertThat(created.change()).isEqualTo(Change.CREATED);
    assertThat(aws.weightsOf(alb.listenerArn(), 10)).isEqualTo(Map.of(tg(0), 90, tg(1), 10));
    assertThat(aws.tagsOf(created.ruleArn())).containsEntry(LoadBalancer.OWNER_TAG, OWNER);
    ObservedRule observed = at(10).orElseThrow();
    assertThat(observed.ruleArn()).isEqualTo(created.ruleArn());
    assertThat(observed.owner()).contains(OWNER);
    assertThat(observed.isDefault()).isFalse();
    assertThat(observed.conditions()).isEqualTo(desired.conditions());
    assertThat(observed.forwards()).containsExactlyInAnyOrderElementsOf(desired.forwards());

    aws.calls().reset();
    assertThat(lb.apply(desired, Optional.of(observed))).isEqualTo(new ApplyResult(created.ruleArn(), Change.NONE));
    assertThat(aws.calls().writes()).as("calls %s", aws.calls().snapshot()).isZero();

    DesiredRule shifted = desired(10, hosts("shop.example.com"), weight(0, 50), weight(1, 50));
    assertThat(lb.apply(shifted, at(10))).isEqualTo(new ApplyResult(created.ruleArn(), Change.MODIFIED));
    assertThat(aws.calls().count("ModifyRule")).isEqualTo(1);
    assertThat(aws.calls().writes()).isEqualTo(1);
    assertThat(aws.weightsOf(alb.listenerArn(), 10)).isEqualTo(Map.of(tg(0), 50, tg(1), 50));
    assertThat(lb.apply(shifted, at(10)).change()).isEqualTo(Change.NONE);
  }

  @Test
  void everyConditionKindRoundTripsAndASecondApplyWritesNothing() {
    RuleConditions all = new RuleConditions(
        List.of("a.example.com", "b.example.com"),
        List.of("/api/*", "/v2/*"),
        List.of("get", "post"),
        List.of("192.0.2.0/24", "198.51.100.7/32"),
        new TreeMap<>(Map.of("X-Canary", List.of("always"), "User-Agent", List.of("*Mobile*", "*Android*"))),
        new TreeMap<>(Map.of("version", "v2", "lang", "en")));
    DesiredRule desired = desired(11, all, weight(0, 100));

    lb.apply(desired, at(11));

    ObservedRule observed = at(11).orElseThrow();
    assertThat(observed.conditions()).isEqualTo(all);
    assertThat(observed.conditions().methods()).containsExactly("GET", "POST");
    List<RuleCondition> raw = aws.ruleAt(alb.listenerArn(), 11).orElseThrow().conditions();
    assertThat(raw).extracting(RuleCondition::field).containsExactly(
        "host-header", "path-pattern", "http-request-method", "source-ip", "http-header", "http-header", "query-string");
    assertThat(raw.get(2).httpRequestMethodConfig().values()).containsExactly("GET", "POST");
    assertThat(raw.get(4).httpHeaderConfig().httpHeaderName()).isEqualTo("User-Agent");
    assertThat(raw.get(6).queryStringConfig().values()).extracting(p -> p.key() + "=" + p.value())
        .containsExactly("lang=en", "version=v2");

    aws.calls().reset();
    assertThat(lb.apply(desired, Optional.of(observed)).change()).isEqualTo(Change.NONE);
    assertThat(aws.calls().writes()).isZero();

    // ModifyRule replaces the conditions as a whole: nothing of the old set survives.
    DesiredRule narrowed = desired(11, hosts("a.example.com"), weight(0, 100));
    assertThat(lb.apply(narrowed, Optional.of(observed)).change()).isEqualTo(Change.MODIFIED);
    assertThat(at(11).orElseThrow().conditions()).isEqualTo(hosts("a.example.com"));
  }

  @Test
  void readsEveryPageOfRulesAndTheirTagsInBatches() {
    for (int i = 1; i <= 25; i++) {
      aws.createRule(alb.listenerArn(), 100 + i, "h" + i + ".example.com", Map.of(tg(0), 100), Optional.of(OTHER));
    }
    lb.pageSize(10);
    aws.calls().reset();

    List<ObservedRule> rules = lb.rules(alb.listenerArn());

    assertThat(rules).hasSize(26);
    assertThat(rules.subList(0, 25)).extracting(ObservedRule::priority)
        .containsExactlyElementsOf(IntStream.rangeClosed(101, 125).boxed().toList());
    assertThat(rules.subList(0, 25)).allSatisfy(r -> assertThat(r.owner()).contains(OTHER));
    assertThat(rules.get(25).isDefault()).isTrue();
    assertThat(aws.calls().count("DescribeRules")).as("26 rules in pages of 10").isEqualTo(3);
    assertThat(aws.calls().count("DescribeTags")).as("25 rule ARNs in batches of 20").isEqualTo(2);

    aws.calls().reset();
    assertThat(new Elbv2LoadBalancer(aws.elbv2()).rules(alb.listenerArn())).hasSize(26);
    assertThat(aws.calls().count("DescribeRules")).as("default page size").isEqualTo(1);
  }

  @Test
  void neverTouchesARuleOwnedByAnotherCell() {
    aws.createRule(alb.listenerArn(), 20, "api.example.com", Map.of(tg(0), 100), Optional.of(OTHER));
    ObservedRule foreign = at(20).orElseThrow();
    assertThat(foreign.owner()).contains(OTHER);
    aws.calls().reset();

    assertThatThrownBy(() -> lb.apply(desired(20, hosts("shop.example.com"), weight(1, 100)), Optional.of(foreign)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(OTHER)
        .hasMessageContaining("priority 20");

    assertThat(aws.calls().writes()).isZero();
    assertThat(aws.weightsOf(alb.listenerArn(), 20)).isEqualTo(Map.of(tg(0), 100));
    assertThat(at(20).orElseThrow().conditions()).isEqualTo(hosts("api.example.com"));
  }

  @Test
  void rechecksTheOwnerTagBeforeWritingSoAStaleObservationCannotTakeARule() {
    aws.createRule(alb.listenerArn(), 21, "api.example.com", Map.of(tg(0), 100), Optional.of(OTHER));
    ObservedRule live = at(21).orElseThrow();
    aws.calls().reset();
    for (Optional<String> staleOwner : List.of(Optional.of(OWNER), Optional.<String>empty())) {
      ObservedRule stale = new ObservedRule(live.ruleArn(), live.listenerArn(), live.priority(), false, staleOwner,
          live.conditions(), live.forwards());

      assertThatThrownBy(() -> lb.apply(desired(21, hosts("api.example.com"), weight(1, 100)), Optional.of(stale)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(OTHER);
    }
    assertThat(aws.calls().writes()).isZero();
    assertThat(aws.tagsOf(live.ruleArn())).containsEntry(LoadBalancer.OWNER_TAG, OTHER);
  }

  @Test
  void reportsTheDefaultRuleAndNeverModifiesIt() {
    List<ObservedRule> rules = lb.rules(alb.listenerArn());

    assertThat(rules).hasSize(1);
    ObservedRule defaultRule = rules.get(0);
    assertThat(defaultRule.isDefault()).isTrue();
    assertThat(defaultRule.priority()).isZero();
    assertThat(defaultRule.conditions().isEmpty()).isTrue();
    assertThat(defaultRule.forwards()).as("a fixed 404 is no forward").isEmpty();
    aws.calls().reset();

    assertThatThrownBy(() -> lb.apply(desired(1, hosts("shop.example.com"), weight(0, 100)), Optional.of(defaultRule)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("default rule");

    assertThat(aws.calls().writes()).isZero();
    assertThat(aws.elbv2().describeRules(b -> b.listenerArn(alb.listenerArn())).rules())
        .singleElement()
        .satisfies(r -> assertThat(r.actions()).singleElement()
            .satisfies(a -> assertThat(a.type()).isEqualTo(ActionTypeEnum.FIXED_RESPONSE)));
  }

  @Test
  void adoptsAnUntaggedRuleByTaggingItWithoutRewritingWhatAlreadyMatches() {
    // Written as an older tool would: legacy Values instead of HostHeaderConfig, a bare TargetGroupArn.
    String ruleArn = aws.elbv2().createRule(b -> b.listenerArn(alb.listenerArn()).priority(30)
            .conditions(RuleCondition.builder().field("host-header").values("shop.example.com").build(),
                RuleCondition.builder().field("path-pattern").values("/cart/*").build())
            .actions(Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(tg(0)).build()))
        .rules().get(0).ruleArn();
    ObservedRule untagged = at(30).orElseThrow();
    aws.calls().reset();
    assertThat(untagged.owner()).isEmpty();
    assertThat(untagged.forwards()).containsExactly(new TargetWeight(tg(0), 100));
    RuleConditions conditions = new RuleConditions(List.of("shop.example.com"), List.of("/cart/*"), null, null, null, null);
    assertThat(untagged.conditions()).isEqualTo(conditions);

    ApplyResult adopted = lb.apply(desired(30, conditions, weight(0, 100)), Optional.of(untagged));

    assertThat(adopted).isEqualTo(new ApplyResult(ruleArn, Change.MODIFIED));
    assertThat(aws.calls().count("AddTags")).isEqualTo(1);
    assertThat(aws.calls().count("ModifyRule")).isZero();
    assertThat(aws.tagsOf(ruleArn)).containsEntry(LoadBalancer.OWNER_TAG, OWNER);
    assertThat(lb.apply(desired(30, conditions, weight(0, 100)), at(30)).change()).isEqualTo(Change.NONE);
  }

  @Test
  void adoptsAnUntaggedRuleAndRewritesItWhenItDiffers() {
    String ruleArn = aws.createRule(alb.listenerArn(), 31, "shop.example.com", Map.of(tg(0), 100), Optional.empty());
    aws.calls().reset();
    DesiredRule desired = desired(31, hosts("shop.example.com"), weight(0, 80), weight(1, 20));

    assertThat(lb.apply(desired, at(31))).isEqualTo(new ApplyResult(ruleArn, Change.MODIFIED));

    assertThat(aws.calls().count("AddTags")).isEqualTo(1);
    assertThat(aws.calls().count("ModifyRule")).isEqualTo(1);
    assertThat(aws.tagsOf(ruleArn)).containsEntry(LoadBalancer.OWNER_TAG, OWNER);
    assertThat(aws.weightsOf(alb.listenerArn(), 31)).isEqualTo(Map.of(tg(0), 80, tg(1), 20));
  }

  @Test
  void creatingAtATakenPriorityFailsWithTheSdkException() {
    aws.createRule(alb.listenerArn(), 40, "api.example.com", Map.of(tg(0), 100), Optional.of(OTHER));

    assertThatThrownBy(() -> lb.apply(desired(40, hosts("shop.example.com"), weight(1, 100)), Optional.empty()))
        .isInstanceOf(PriorityInUseException.class);
    assertThat(aws.weightsOf(alb.listenerArn(), 40)).isEqualTo(Map.of(tg(0), 100));
  }

  @Test
  void factoryTakesAnExplicitEndpointAndAProfile(@TempDir Path dir) throws IOException {
    withProfileFiles(dir, Map.of(), () -> {
      try (Elbv2LoadBalancer real = Elbv2LoadBalancer.create(new AwsClients.Settings(Optional.of("us-east-1"), Optional.of(PROFILE),
          Optional.of(moto.endpoint())))) {
        assertThat(real.apply(desired(50, hosts("shop.example.com"), weight(0, 100)), Optional.empty()).change())
            .isEqualTo(Change.CREATED);
      }
    });
    assertThat(aws.weightsOf(alb.listenerArn(), 50)).isEqualTo(Map.of(tg(0), 100));
  }

  @Test
  void factoryLeavesTheEndpointToTheSdksOwnSettings(@TempDir Path dir) throws IOException {
    // aws.endpointUrlElasticLoadBalancingV2 is the system-property twin of AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2;
    // the region comes from the profile.
    withProfileFiles(dir, Map.of("aws.endpointUrlElasticLoadBalancingV2", moto.endpoint().toString()), () -> {
      try (Elbv2LoadBalancer real = Elbv2LoadBalancer.create(new AwsClients.Settings(Optional.empty(), Optional.of(PROFILE), Optional.empty()))) {
        assertThat(real.rules(alb.listenerArn())).singleElement().satisfies(r -> assertThat(r.isDefault()).isTrue());
      }
    });
  }

  // ------------------------------------------------------------------ header routes' rules

  @Test
  void aHeaderRoutesRuleIsCreatedWithBothTagsAndReadBackAsTheRoute() {
    RuleConditions conditions = withHeader(hosts("shop.example.com"), "X-Okra-Preview", "yes");
    DesiredRule route = route(5, "tester", conditions, weight(1, 100));

    ApplyResult created = lb.apply(route, at(5));

    assertThat(created.change()).isEqualTo(Change.CREATED);
    assertThat(aws.tagsOf(created.ruleArn())).containsEntry(LoadBalancer.OWNER_TAG, OWNER).containsEntry(RulePlacement.ROUTE_TAG, "tester");
    RuleCondition header = aws.ruleAt(alb.listenerArn(), 5).orElseThrow().conditions().stream()
        .filter(c -> c.field().equals("http-header")).findFirst().orElseThrow();
    assertThat(header.httpHeaderConfig().httpHeaderName()).isEqualTo("X-Okra-Preview");
    assertThat(header.httpHeaderConfig().values()).containsExactly("yes");
    ObservedRule seen = at(5).orElseThrow();
    assertThat(seen.route()).contains("tester");
    assertThat(seen.isHeaderRouteOf(OWNER)).isTrue();
    assertThat(seen.conditions().sameAs(conditions)).isTrue();

    aws.calls().reset();
    assertThat(lb.apply(route, Optional.of(seen)).change()).as("read back equal: nothing to write").isEqualTo(Change.NONE);
    assertThat(aws.calls().writes()).isZero();
  }

  @Test
  void aHeaderRoutesRuleIsDeletedOnlyWhileItsTagsStillNameTheCellAndTheRoute() {
    ObservedRule rule = rule(lb.apply(route(5, "tester", withHeader(hosts("a.example.com"), "X-Okra-Preview", "yes"), weight(1, 100)),
        Optional.empty()));

    // Someone re-tags it for another Cell between the read and the delete: it is not ours to delete any more.
    aws.elbv2().addTags(b -> b.resourceArns(rule.ruleArn()).tags(AwsFixture.ownerTag(OTHER)));
    assertThatThrownBy(() -> lb.deleteHeaderRule(rule, OWNER)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(OTHER).hasMessageContaining("refusing to delete");
    assertThat(aws.ruleAt(alb.listenerArn(), 5)).isPresent();

    aws.elbv2().addTags(b -> b.resourceArns(rule.ruleArn()).tags(AwsFixture.ownerTag(OWNER)));
    aws.calls().reset();
    assertThat(lb.deleteHeaderRule(rule, OWNER)).isTrue();
    assertThat(aws.ruleAt(alb.listenerArn(), 5)).isEmpty();
    assertThat(aws.calls().snapshot()).containsEntry("DescribeTags", 1).containsEntry("DeleteRule", 1);
  }

  @Test
  void neitherACellsOwnRuleNorTheDefaultRuleIsEverDeleted() {
    ObservedRule own = rule(lb.apply(desired(10, hosts("shop.example.com"), weight(0, 100)), Optional.empty()));
    assertThatThrownBy(() -> lb.deleteHeaderRule(own, OWNER)).hasMessageContaining("no header route's rule");
    ObservedRule tagged = new ObservedRule(own.ruleArn(), own.listenerArn(), own.priority(), false, own.owner(), own.conditions(),
        own.forwards(), Optional.of("tester"));
    assertThatThrownBy(() -> lb.deleteHeaderRule(tagged, OWNER)).as("a stale observation claiming a route tag the rule lacks")
        .hasMessageContaining("refusing to delete");
    ObservedRule defaultRule = lb.rules(alb.listenerArn()).stream().filter(ObservedRule::isDefault).findFirst().orElseThrow();
    ObservedRule claimed = new ObservedRule(defaultRule.ruleArn(), defaultRule.listenerArn(), 0, true, Optional.of(OWNER),
        RuleConditions.none(), List.of(), Optional.of("tester"));
    assertThatThrownBy(() -> lb.deleteHeaderRule(claimed, OWNER)).hasMessageContaining("default rule");
    assertThat(lb.rules(alb.listenerArn())).hasSize(2);
  }

  @Test
  void aCellsOwnRuleTakenForARouteGetsTheRouteTag() {
    ObservedRule own = rule(lb.apply(desired(5, hosts("shop.example.com"), weight(0, 100)), Optional.empty()));
    DesiredRule route = route(5, "tester", withHeader(hosts("shop.example.com"), "X-Okra-Preview", "yes"), weight(1, 100));
    assertThat(lb.apply(route, Optional.of(own)).change()).isEqualTo(Change.MODIFIED);
    assertThat(aws.tagsOf(own.ruleArn())).containsEntry(RulePlacement.ROUTE_TAG, "tester");
    assertThat(at(5).orElseThrow().route()).contains("tester");
  }

  @Test
  void aRunnerThatLosesTheRaceToCreateARuleTakesTheWinnersOwnAndNeverAForeignOne() {
    DesiredRule route = route(5, "tester", withHeader(hosts("shop.example.com"), "X-Okra-Preview", "yes"), weight(1, 100));
    String winner = lb.apply(route, Optional.empty()).ruleArn();

    ApplyResult loser = lb.apply(route, Optional.empty());
    assertThat(loser).as("read no rule, found the winner's").isEqualTo(new ApplyResult(winner, Change.NONE));
    assertThat(lb.rules(alb.listenerArn())).hasSize(2);

    aws.createRule(alb.listenerArn(), 6, "shop.example.com", Map.of(alb.targetGroupArns().get(0), 100), Optional.of(OTHER));
    DesiredRule onForeign = route(6, "tester", withHeader(hosts("shop.example.com"), "X-Okra-Preview", "yes"), weight(1, 100));
    assertThatThrownBy(() -> lb.apply(onForeign, Optional.empty())).isInstanceOf(PriorityInUseException.class);
    aws.createRule(alb.listenerArn(), 7, "shop.example.com", Map.of(alb.targetGroupArns().get(0), 100), Optional.empty());
    DesiredRule onUntagged = route(7, "tester", withHeader(hosts("shop.example.com"), "X-Okra-Preview", "yes"), weight(1, 100));
    assertThatThrownBy(() -> lb.apply(onUntagged, Optional.empty())).as("not adopted by a lost race").isInstanceOf(PriorityInUseException.class);
    assertThat(aws.tagsOf(aws.ruleAt(alb.listenerArn(), 7).orElseThrow().ruleArn())).isEmpty();
    assertThat(aws.weightsOf(alb.listenerArn(), 6)).isEqualTo(Map.of(alb.targetGroupArns().get(0), 100));
  }

  /** Runs {@code body} with a profile {@value #PROFILE} (region us-east-1, moto's credentials) and extra properties. */
  private static void withProfileFiles(Path dir, Map<String, String> extra, Runnable body) throws IOException {
    Path config = Files.writeString(dir.resolve("config"), "[profile " + PROFILE + "]\nregion = us-east-1\n");
    Path credentials = Files.writeString(dir.resolve("credentials"),
        "[" + PROFILE + "]\naws_access_key_id = testing\naws_secret_access_key = testing\n");
    Map<String, String> properties = new HashMap<>(extra);
    properties.put("aws.configFile", config.toString());
    properties.put("aws.sharedCredentialsFile", credentials.toString());
    Map<String, String> saved = new HashMap<>();
    properties.forEach((k, v) -> saved.put(k, System.setProperty(k, v)));
    try {
      body.run();
    } finally {
      saved.forEach((k, v) -> {
        if (v == null) System.clearProperty(k);
        else System.setProperty(k, v);
      });
    }
  }

  private DesiredRule desired(int priority, RuleConditions conditions, TargetWeight... forwards) {
    return new DesiredRule(alb.listenerArn(), priority, conditions, Arrays.asList(forwards), OWNER);
  }

  private DesiredRule route(int priority, String name, RuleConditions conditions, TargetWeight... forwards) {
    return new DesiredRule(alb.listenerArn(), priority, conditions, Arrays.asList(forwards), OWNER, Optional.of(name));
  }

  private ObservedRule rule(ApplyResult result) {
    return lb.rules(alb.listenerArn()).stream().filter(r -> r.ruleArn().equals(result.ruleArn())).findFirst().orElseThrow();
  }

  private static RuleConditions withHeader(RuleConditions base, String name, String value) {
    return new RuleConditions(base.hosts(), null, null, null, new TreeMap<>(Map.of(name, List.of(value))), null);
  }

  private Optional<ObservedRule> at(int priority) {
    return lb.rules(alb.listenerArn()).stream().filter(r -> !r.isDefault() && r.priority() == priority).findFirst();
  }

  private TargetWeight weight(int targetGroup, int weight) {
    return new TargetWeight(tg(targetGroup), weight);
  }

  private String tg(int i) {
    return alb.targetGroupArns().get(i);
  }

  private static RuleConditions hosts(String... hosts) {
    return new RuleConditions(List.of(hosts), null, null, null, null, null);
  }
}
