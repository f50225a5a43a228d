package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.Condition;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.Outcome;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.core.InvalidSpecException;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.kube.KubeClients;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.BadCells;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.Reliability;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;

/**
 * The bad-input table (see {@link BadCells}) through the real pass, against the real API server and
 * moto: every malformed Cell gets a status that names the field, and nothing is written to AWS or to
 * the cluster but that status. The pass's Kubernetes traffic goes through a recording proxy, so
 * "nothing but the status" is checked on the wire, and its AWS calls are counted by the SDK. A Cell
 * the CRD's schema already refuses never gets that far: the API server's answer names the field, and
 * Okra's own validation (for a cluster with an older CRD) refuses the same manifest.
 */
class BadInputIT {
  private static final AtomicInteger PRIORITY = new AtomicInteger(200);
  private static final AtomicInteger TRIED = new AtomicInteger();
  private static final List<String> FAILED = new ArrayList<>();

  private static TestKube kube;
  private static AwsFixture aws;
  private static AwsFixture.Alb alb;
  private static FaultProxy kubeProxy;
  private static KubernetesClient recorded;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
    alb = aws.createAlb(6);
    kubeProxy = FaultProxy.kube(kube.client().getConfiguration());
    recorded = KubeClients.create(Optional.of(kubeProxy.kubeconfig(Optional.empty())), Optional.empty());
  }

  @AfterAll
  static void stop() {
    long invalid = BadCells.all().stream().filter(c -> c.kind() == BadCells.Kind.INVALID).count();
    Reliability.report("bad-input-engine", "cases", TRIED.get(), "invalid", invalid, "reported", BadCells.all().size() - invalid,
        "failures", FAILED.size() + (FAILED.isEmpty() ? "" : " " + FAILED));
    recorded.close();
    kubeProxy.close();
    aws.close();
    kube.close();
  }

  @Test
  void theTableHasAtLeastFortyInvalidCells() {
    assertThat(BadCells.all()).filteredOn(c -> c.kind() == BadCells.Kind.INVALID).hasSizeGreaterThanOrEqualTo(40);
    assertThat(BadCells.all()).extracting(BadCells.Case::name).doesNotHaveDuplicates();
  }

  static Stream<BadCells.Case> cases() {
    return BadCells.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isReportedWithTheFieldAndWritesNothingElse(BadCells.Case c) {
    TRIED.incrementAndGet();
    boolean ok = false;
    try {
      run(c);
      ok = true;
    } finally {
      if (!ok) {
        synchronized (FAILED) {
          FAILED.add(c.name());
        }
      }
    }
  }

  private void run(BadCells.Case c) {
    if (c.refusedByApiServer()) {
      refusedAtApply(c);
      return;
    }
    String ns = kube.freshNamespace("bad");
    int priority = PRIORITY.incrementAndGet();
    OkraObjects objects = new OkraObjects(kube.client());
    objects.analysisTemplate(ns, "success-rate", "version");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    BadCells.World world = new BadCells.World(ns, priority, alb, aws, kube.client(), objects,
        () -> reconciler(kube.client()).reconcile(ns, "web", new Options(false)));
    c.setup().accept(world);

    Map<String, Integer> objectsBefore = clusterObjects(ns);
    Optional<Rule> ruleBefore = aws.ruleAt(alb.listenerArn(), priority);
    long generation = cell(ns).getMetadata().getGeneration();
    aws.calls().reset();
    kubeProxy.resetLog();

    PassResult result = reconciler(recorded).reconcile(ns, "web", new Options(false));

    Map<String, Integer> awsCalls = aws.calls().snapshot();
    List<FaultProxy.Exchange> kubeCalls = kubeProxy.exchanges();
    Cell stored = cell(ns);
    List<String> expected = c.expected().stream().map(world::expand).toList();
    if (c.kind() == BadCells.Kind.INVALID) {
      assertThat(result.outcome()).as(result.status().message).isEqualTo(Outcome.INVALID);
      assertThat(stored.getStatus().phase).isEqualTo("Invalid");
      assertThat(stored.getStatus().message).startsWith("Cell " + ns + "/web is invalid: ").contains(expected);
      Condition specValid = condition(stored, Reasons.SPEC_VALID);
      assertThat(specValid.status).isEqualTo("False");
      assertThat(specValid.message).contains(expected);
      assertThat(writes(awsCalls)).as("AWS writes, calls: " + awsCalls).isZero();
      if (!c.readsAws()) assertThat(awsCalls).as("an invalid Cell makes no AWS call at all").isEmpty();
      assertThat(aws.ruleAt(alb.listenerArn(), priority)).as("the rule at the priority is untouched").isEqualTo(ruleBefore);
      // The status, and the Event that tells `kubectl describe cell` the same.
      assertThat(kubeCalls).filteredOn(e -> !FaultProxy.isRead(e.operation())).extracting(FaultProxy.Exchange::operation)
          .as("cluster writes").containsExactly("PUT cells/status", "POST events");
      assertThat(clusterObjects(ns)).as("objects in the namespace").isEqualTo(objectsBefore);
      assertThat(stored.getMetadata().getGeneration()).as("the spec is not touched").isEqualTo(generation);

      // Reported once: a second pass over the same Cell writes nothing at all.
      aws.calls().reset();
      kubeProxy.resetLog();
      PassResult again = reconciler(recorded).reconcile(ns, "web", new Options(false));
      assertThat(again.phase()).isEqualTo(Phase.Invalid);
      assertThat(writes(aws.calls().snapshot())).isZero();
      assertThat(kubeProxy.exchanges()).filteredOn(e -> !FaultProxy.isRead(e.operation())).as("writes of a second pass").isEmpty();
    } else {
      assertThat(result.phase()).as(result.status().message).isEqualTo(Phase.Succeeded);
      assertThat(stored.getStatus().invalidTargetGroups).extracting(t -> t.name + ": " + t.reason).anySatisfy(t ->
          assertThat(t).contains(expected));
      Condition valid = condition(stored, Reasons.TARGET_GROUPS_VALID);
      assertThat(valid.status).isEqualTo("False");
      assertThat(valid.reason).isEqualTo(Reasons.SOME_IGNORED);
      assertThat(valid.message).contains(expected);
      assertThat(aws.weightsOf(alb.listenerArn(), priority)).as("the rule forwards to the good target group only")
          .isEqualTo(Map.of(alb.targetGroupArns().get(0), 100));
    }
  }

  private void refusedAtApply(BadCells.Case c) {
    String ns = kube.freshNamespace("bad-schema");
    List<Cell> tried = new ArrayList<>();
    BadCells.World world = new BadCells.World(ns, PRIORITY.incrementAndGet(), alb, aws, kube.client(), new OkraObjects(kube.client()),
        () -> { throw new AssertionError("no pass here"); }).applyingWith(manifest -> {
          Cell cell = BadCells.toCell(manifest);
          tried.add(cell);
          KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
              () -> kube.client().resources(Cell.class).inNamespace(ns).resource(cell).create());
          assertThat(refused).as("the API server refuses the Cell").isNotNull();
          assertThat(refused.getCode()).isEqualTo(422);
          assertThat(refused.getMessage()).contains(c.apiServer().get());
          return cell;
        });
    c.setup().accept(world);

    assertThat(tried).hasSize(1);
    assertThat(kube.client().resources(Cell.class).inNamespace(ns).list().getItems()).as("nothing stored").isEmpty();
    List<String> expected = c.expected().stream().map(world::expand).toList();
    assertThatThrownBy(() -> CellValidator.validate(tried.get(0))).as("Okra's own validation, for an older CRD")
        .isInstanceOf(InvalidSpecException.class).hasMessageContainingAll(expected.toArray(String[]::new));
  }

  private CellReconciler reconciler(KubernetesClient client) {
    return new CellReconciler(new Fabric8ClusterStore(client), new Elbv2LoadBalancer(aws.elbv2()), new ArgoAnalyses(client), clock);
  }

  private static int writes(Map<String, Integer> calls) {
    return calls.entrySet().stream().filter(e -> !e.getKey().startsWith("Describe")).mapToInt(Map.Entry::getValue).sum();
  }

  private static Cell cell(String ns) {
    return kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
  }

  private static Condition condition(Cell cell, String type) {
    return cell.getStatus().conditions.stream().filter(k -> k.type.equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + cell.getStatus().conditions));
  }

  /** Name to resourceVersion of everything Okra could create in the namespace. */
  static Map<String, Integer> clusterObjects(String ns) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(kube.client().resources(AWSApplicationLoadBalancerConfig.class).inNamespace(ns).list().getItems());
    all.addAll(kube.client().resources(VersionBlocklist.class).inNamespace(ns).list().getItems());
    all.addAll(kube.client().genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).list().getItems());
    all.addAll(kube.client().genericKubernetesResources(OkraObjects.EXPERIMENT).inNamespace(ns).list().getItems());
    for (HasMetadata m : all) out.put(m.getKind() + "/" + m.getMetadata().getName(), Integer.parseInt(m.getMetadata().getResourceVersion()));
    return out;
  }
}
