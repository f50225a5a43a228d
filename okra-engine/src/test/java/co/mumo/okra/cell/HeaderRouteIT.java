package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.Outcome;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.rule.RulePlacement;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;

/**
 * setHeaderRoute through the real reconcile pass, the AWS SDK against moto and fabric8 against an API
 * server: the listener's rules are read back at every step, and the default rule and a foreign rule on the
 * same listener are compared before and after.
 */
class HeaderRouteIT {
  private static final int CELL_PRIORITY = 20;
  private static final int ROUTE_PRIORITY = 5;
  private static final int FOREIGN_PRIORITY = 7;
  private static final String SET_ROUTE = """
      - setHeaderRoute:
          name: tester
          match:
          - headerName: X-Okra-Preview
            headerValue:
              exact: "yes"
          - headerName: User-Agent
            headerValue:
              prefix: "okra-beta/"
      """;

  private static TestKube kube;
  private static AwsFixture aws;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private OkraObjects objects;
  private CellReconciler reconciler;
  private String ns;
  private AwsFixture.Alb alb;
  private String v1;
  private String v2;
  private String v3;
  private List<Rule> othersBefore;

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
  }

  @AfterAll
  static void stop() {
    aws.close();
    kube.close();
  }

  @BeforeEach
  void setUp() {
    ns = kube.freshNamespace("header");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(4);
    v1 = alb.targetGroupArns().get(0);
    v2 = alb.targetGroupArns().get(1);
    v3 = alb.targetGroupArns().get(2);
    aws.createRule(alb.listenerArn(), FOREIGN_PRIORITY, "other.example.com", Map.of(alb.targetGroupArns().get(3), 100),
        Optional.of("other/cell"));
    othersBefore = others();
    reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(kube.client()), clock);
    objects.analysisTemplate(ns, "success-rate");
  }

  @Test
  void aRolloutSetsTheRouteThenItsStepRemovesItAndTheRestOfTheListenerIsUntouched() {
    cell(SET_ROUTE + """
        - setWeight: 20
        - pause:
            duration: 30s
        - setHeaderRoute:
            name: tester
        - setWeight: 50
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    assertThat(pass().phase()).isEqualTo(Phase.Succeeded);
    assertThat(aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY)).as("a first version sets no route").isEmpty();

    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    PassResult set = pass();
    assertThat(set.done()).anySatisfy(d -> assertThat(d).startsWith("header route tester created"));
    Rule route = aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY).orElseThrow();
    assertThat(aws.weightsOf(alb.listenerArn(), ROUTE_PRIORITY)).as("the testers see the new version alone").isEqualTo(Map.of(v2, 100));
    assertThat(headers(route)).isEqualTo(Map.of("X-Okra-Preview", List.of("yes"), "User-Agent", List.of("okra-beta/*")));
    assertThat(hosts(route)).as("the Cell's own conditions too").containsExactly("example.com");
    assertThat(aws.tagsOf(route.ruleArn())).containsEntry(RulePlacement.OWNER_TAG, ns + "/web").containsEntry(RulePlacement.ROUTE_TAG, "tester");
    assertThat(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)).as("everyone else stays on the stable version").containsEntry(v1, 100);
    assertThat(set.status().headerRoutes).singleElement().satisfies(h -> {
      assertThat(h.name).isEqualTo("tester");
      assertThat(h.priority).isEqualTo(ROUTE_PRIORITY);
    });
    assertThat(others()).isEqualTo(othersBefore);

    PassResult twenty = passUntil(r -> Map.of(v1, 80, v2, 20).equals(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)));
    assertThat(twenty.phase()).isEqualTo(Phase.Progressing);
    assertThat(aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY).orElseThrow().ruleArn()).as("the same rule, kept").isEqualTo(route.ruleArn());
    passUntil(r -> r.status().pauseEndsAt != null);
    clock.advance(Duration.ofSeconds(31));

    PassResult removed = passUntil(r -> aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY).isEmpty());
    assertThat(removed.done()).anySatisfy(d -> assertThat(d).startsWith("header route tester removed"));
    PassResult fifty = passUntil(r -> Map.of(v1, 50, v2, 50).equals(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)));
    assertThat(fifty.status().headerRoutes).isNullOrEmpty();
    PassResult done = passUntil(r -> r.phase() == Phase.Succeeded);
    assertThat(done.status().stableVersion).isEqualTo("2.0.0");
    assertThat(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)).isEqualTo(Map.of(v2, 100));
    assertThat(others()).as("the default rule and the foreign rule, after the whole rollout").isEqualTo(othersBefore);
    assertConverged();
  }

  @Test
  void aRouteStillSetWhenTheRolloutSucceedsIsRemovedWithThePromotion() {
    cell(SET_ROUTE + """
        - setWeight: 20
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    pass();
    assertThat(aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY)).isPresent();

    PassResult done = passUntil(r -> r.phase() == Phase.Succeeded && aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY).isEmpty());
    assertThat(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)).isEqualTo(Map.of(v2, 100));
    assertThat(done.status().headerRoutes).isNullOrEmpty();
    assertThat(others()).isEqualTo(othersBefore);
    assertConverged();
  }

  @Test
  void aFailedAnalysisRollsBackAndTakesTheRouteAway() {
    cell(SET_ROUTE + """
        - analysis:
            templates:
            - templateName: success-rate
        - setWeight: 50
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    pass();
    PassResult started = passUntil(r -> !objects.analysisRuns(ns).isEmpty());
    assertThat(aws.weightsOf(alb.listenerArn(), ROUTE_PRIORITY)).isEqualTo(Map.of(v2, 100));
    objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, objects.analysisRuns(ns).get(0).getMetadata().getName(), "Failed");

    PassResult failed = passUntil(r -> r.phase() == Phase.Failed);
    assertThat(aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY)).as("rolled back: " + failed.done()).isEmpty();
    assertThat(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)).isEqualTo(Map.of(v1, 100));
    assertThat(started.status().rolloutId).isNotNull();
    assertThat(others()).isEqualTo(othersBefore);
  }

  @Test
  void aNewerVersionStartsItsRolloutWithoutTheOldRoute() {
    cell(SET_ROUTE + """
        - pause: {}
        - setWeight: 50
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    passUntil(r -> r.status().currentStepIndex != null && r.status().currentStepIndex == 1);
    assertThat(aws.weightsOf(alb.listenerArn(), ROUTE_PRIORITY)).isEqualTo(Map.of(v2, 100));
    pass();
    // Paused with the route in place: a pass that decides nothing writes nothing, to the ALB or the Cell.
    String version = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get().getMetadata()
        .getResourceVersion();
    aws.calls().reset();
    assertThat(pass().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(aws.calls().writes()).isZero();
    assertThat(kube.client().resources(Cell.class).inNamespace(ns).withName("web").get().getMetadata()
        .getResourceVersion()).isEqualTo(version);

    objects.targetGroup(ns, "web-v3", v3, "3.0.0");
    PassResult newer = passUntil(r -> "3.0.0".equals(r.status().desiredVersion) && Map.of(v3, 100)
        .equals(aws.weightsOf(alb.listenerArn(), ROUTE_PRIORITY)));
    assertThat(newer.phase()).isEqualTo(Phase.Progressing);
    assertThat(ruleCount()).as("one route rule, the Cell's, the foreign one and the default: never two route rules").isEqualTo(4);
    assertThat(others()).isEqualTo(othersBefore);
  }

  @Test
  void aVanishedCanaryFallsBackAndTheRouteGoesWithIt() {
    cell(SET_ROUTE + """
        - setWeight: 20
        - pause: {}
        """);
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    passUntil(r -> Map.of(v1, 80, v2, 20).equals(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)));
    assertThat(aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY)).isPresent();

    objects.deleteTargetGroup(ns, "web-v2");
    PassResult fallback = passUntil(r -> r.phase() == Phase.Succeeded);
    assertThat(fallback.status().message).contains("no longer complete");
    assertThat(aws.ruleAt(alb.listenerArn(), ROUTE_PRIORITY)).as("no rule left forwarding to a group that went").isEmpty();
    assertThat(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)).isEqualTo(Map.of(v1, 100));
    assertThat(others()).isEqualTo(othersBefore);
  }

  @Test
  void aRoutePriorityTakenByAForeignRuleIsRefusedWithNoAlbWrite() {
    objects.cell(ns, cellYaml(FOREIGN_PRIORITY, SET_ROUTE));
    objects.targetGroup(ns, "web-v1", v1, "1.0.0");
    pass();
    objects.targetGroup(ns, "web-v2", v2, "2.0.0");
    aws.calls().reset();

    PassResult refused = pass();
    assertThat(refused.phase()).isEqualTo(Phase.Invalid);
    assertThat(refused.status().message).contains("other/cell");
    assertThat(aws.calls().writes()).isZero();
    assertThat(others()).isEqualTo(othersBefore);
    assertThat(aws.weightsOf(alb.listenerArn(), CELL_PRIORITY)).isEqualTo(Map.of(v1, 100));
  }

  private void assertConverged() {
    aws.calls().reset();
    assertThat(pass().outcome()).isIn(Outcome.UNCHANGED, Outcome.CHANGED);
    aws.calls().reset();
    assertThat(pass().outcome()).as("a pass that decides nothing").isEqualTo(Outcome.UNCHANGED);
    assertThat(aws.calls().writes()).isZero();
  }

  /** Passes until {@code done} holds, at most ten (a step takes one pass to write, one to see it on the ALB). */
  private PassResult passUntil(Predicate<PassResult> done) {
    List<String> seen = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      PassResult r = pass();
      if (done.test(r)) return r;
      seen.add(r.outcome() + " " + r.phase() + " step " + r.status().currentStepIndex + ": " + r.status().message + " " + r.done());
    }
    throw new AssertionError("not reached in ten passes: " + String.join("\n", seen));
  }

  private PassResult pass() {
    return reconciler.reconcile(ns, "web", new Options(false));
  }

  private void cell(String steps) {
    objects.cell(ns, cellYaml(ROUTE_PRIORITY, steps));
  }

  private String cellYaml(int routePriority, String steps) {
    return OkraObjects.webCellWithRouteYaml(alb.listenerArn(), CELL_PRIORITY, "example.com", routePriority, steps);
  }

  /** The listener's rules that are neither the Cell's nor its route's: the default rule and the foreign one. */
  private List<Rule> others() {
    return aws.elbv2().describeRulesPaginator(b -> b.listenerArn(alb.listenerArn())).rules().stream()
        .filter(r -> !r.priority().equals(Integer.toString(CELL_PRIORITY)) && !r.priority().equals(Integer.toString(ROUTE_PRIORITY)))
        .toList();
  }

  private int ruleCount() {
    return (int) aws.elbv2().describeRulesPaginator(b -> b.listenerArn(alb.listenerArn())).rules().stream().count();
  }

  private static Map<String, List<String>> headers(Rule rule) {
    return rule.conditions().stream().filter(c -> c.field().equals("http-header"))
        .collect(java.util.stream.Collectors.toMap(c -> c.httpHeaderConfig().httpHeaderName(), c -> c.httpHeaderConfig().values()));
  }

  private static List<String> hosts(Rule rule) {
    return rule.conditions().stream().filter(c -> c.field().equals("host-header")).map(RuleCondition::hostHeaderConfig)
        .flatMap(h -> h.values().stream()).toList();
  }
}
