package co.mumo.okra.runner.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The continuous mode on the real API server and moto: the Lease lets one loop work at a time and the
 * standby take over when the holder stops (or goes silent); a new AWSTargetGroup starts a pass through
 * the watch, a pause's end through the plan's due time with no event at all; a stopped loop releases the
 * Lease. Time bounds are generous (Awaitility), never what the test is about.
 */
class ContinuousModeIT {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  private static TestKube kube;
  private static AwsFixture aws;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Running> started = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void servers() {
    kube = TestKube.start();
    aws = new AwsFixture(MotoServer.shared().endpoint());
  }

  @AfterAll
  static void close() {
    aws.close();
    kube.close();
  }

  @AfterEach
  void stopLoops() throws Exception {
    for (Running r : started) r.stop();
    threads.shutdownNow();
  }

  /** A loop as the runner makes it: the Cell watches, the Lease, the pass over every Cell of the namespace. */
  private final class Running {
    final String identity;
    final Wakeups wakeups = new Wakeups();
    final ChangeWatches watches;
    final LeaseElection lease;
    final ContinuousLoop loop;
    final AtomicInteger passes = new AtomicInteger();
    final List<ContinuousLoop.Trigger> triggers = new CopyOnWriteArrayList<>();
    /** Each pass: why it ran, and the Cell's step index after it. */
    final List<Map.Entry<ContinuousLoop.Trigger, Integer>> steps = new CopyOnWriteArrayList<>();
    private volatile Integer stepAfterPass;
    final Future<?> thread;

    Running(String ns, String leaseName, String identity, Duration leaseDuration, Duration resync) {
      this.identity = identity;
      CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
          new ArgoAnalyses(kube.client()), Clock.systemUTC());
      ContinuousLoop.Pass cells = Passes.cells(reconciler, ns, new CellReconciler.Options(false),
          results -> stepAfterPass = results.isEmpty() ? null : results.get(0).status().currentStepIndex);
      this.watches = Passes.cellWatches(kube.client(), ns, wakeups);
      this.lease = new LeaseElection(kube.client(), LeaseElection.Settings.of(ns, leaseName, identity, leaseDuration),
          Clock.systemUTC(), wakeups::poke);
      this.loop = new ContinuousLoop(lease, wakeups, () -> {
        passes.incrementAndGet();
        return cells.run();
      }, new ContinuousLoop.Settings(resync, Duration.ofMillis(300)), new ContinuousLoop.Listener() {
        @Override
        public void passed(ContinuousLoop.Trigger trigger, ContinuousLoop.Result result) {
          triggers.add(trigger);
          steps.add(new java.util.AbstractMap.SimpleEntry<>(trigger, stepAfterPass));
        }
      });
      this.thread = threads.submit(() -> {
        loop.run();
        return null;
      });
      started.add(this);
    }

    void stop() throws Exception {
      loop.stop();
      assertThat(loop.awaitStopped(GENEROUS)).as(identity + " stopped").isTrue();
      thread.get();
      watches.close();
    }
  }

  private static Lease lease(String ns, String name) {
    return kube.client().leases().inNamespace(ns).withName(name).get();
  }

  private static String holder(String ns, String name) {
    Lease l = lease(ns, name);
    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
  }

  private Cell cell(String ns, AwsFixture.Alb alb, String steps) {
    OkraObjects objects = new OkraObjects(kube.client());
    Cell cell = objects.webCell(ns, alb.listenerArn(), 10, steps);
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    return cell;
  }

  private static Cell cellNow(String ns) {
    return kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
  }

  @Test
  void twoLoopsOnlyTheLeaseHolderWorksAndTheOtherTakesOverWhenItStops() throws Exception {
    String ns = kube.freshNamespace("watch-lease");
    AwsFixture.Alb alb = aws.createAlb(2);
    cell(ns, alb, "- setWeight: 50\n- pause: {}\n");
    // A long lease: a slow machine must not make the holder miss its renewals; the handover is by release.
    Running a = new Running(ns, "okra-runner", "runner-a", Duration.ofSeconds(20), Duration.ofMinutes(10));
    Running b = new Running(ns, "okra-runner", "runner-b", Duration.ofSeconds(20), Duration.ofMinutes(10));

    await().atMost(GENEROUS).until(() -> a.loop.ready() || b.loop.ready());
    Running holder = a.loop.ready() ? a : b;
    Running standby = holder == a ? b : a;
    assertThat(holder(ns, "okra-runner")).isEqualTo(holder.identity);
    await().atMost(GENEROUS).until(() -> "Succeeded".equals(cellNow(ns).getStatus().phase));

    // Changes wake both loops' watches; only the holder runs passes.
    for (int i = 2; i <= 3; i++) {
      int before = holder.passes.get();
      new OkraObjects(kube.client()).targetGroup(ns, "other-" + i, alb.targetGroupArns().get(1), "0.0." + i);
      await().atMost(GENEROUS).until(() -> holder.passes.get() > before);
    }
    assertThat(standby.passes.get()).as("passes by the loop without the Lease").isZero();
    assertThat(standby.loop.ready()).isFalse();
    assertThat(standby.loop.readiness()).contains("standing by").contains(holder.identity);

    holder.stop();
    assertThat(holder(ns, "okra-runner")).as("released on stop").isIn(null, "", standby.identity);
    await().atMost(GENEROUS).until(standby.loop::ready);
    assertThat(standby.passes.get()).isPositive();
    assertThat(holder(ns, "okra-runner")).isEqualTo(standby.identity);
    assertThat(lease(ns, "okra-runner").getSpec().getLeaseTransitions()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aHolderThatWentSilentIsTakenOverAfterTheLeaseDuration() {
    String ns = kube.freshNamespace("watch-silent");
    // A Lease held by a runner that died without releasing it (it renewed "now" and never again).
    Lease dead = new Lease();
    dead.setMetadata(new ObjectMetaBuilder().withName("okra-runner").withNamespace(ns).build());
    LeaseSpec spec = new LeaseSpec();
    spec.setHolderIdentity("runner-that-died");
    spec.setLeaseDurationSeconds(4);
    spec.setAcquireTime(ZonedDateTime.now(ZoneOffset.UTC));
    spec.setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
    spec.setLeaseTransitions(0);
    dead.setSpec(spec);
    kube.client().leases().inNamespace(ns).resource(dead).create();
    long start = System.nanoTime();

    Running r = new Running(ns, "okra-runner", "runner-new", Duration.ofSeconds(4), Duration.ofMinutes(10));
    await().atMost(GENEROUS).until(r.loop::ready);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before the silent holder's 4s had passed unchanged")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(holder(ns, "okra-runner")).isEqualTo("runner-new");
    assertThat(lease(ns, "okra-runner").getSpec().getLeaseTransitions()).isEqualTo(1);
  }

  @Test
  void aNewTargetGroupStartsAPassThroughTheWatch() {
    String ns = kube.freshNamespace("watch-tg");
    AwsFixture.Alb alb = aws.createAlb(2);
    cell(ns, alb, "- setWeight: 50\n- pause: {}\n");
    // The resync is far away: only the watch can bring the pass.
    Running r = new Running(ns, "okra-runner", "runner-tg", Duration.ofSeconds(15), Duration.ofMinutes(30));
    await().atMost(GENEROUS).until(() -> "Succeeded".equals(cellNow(ns).getStatus().phase));
    await().atMost(GENEROUS).until(() -> r.loop.ready());

    new OkraObjects(kube.client()).targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    await().atMost(GENEROUS).until(() -> "Paused".equals(cellNow(ns).getStatus().phase));
    assertThat(aws.weightsOf(alb.listenerArn(), 10)).isEqualTo(Map.of(alb.targetGroupArns().get(0), 50, alb.targetGroupArns().get(1), 50));
    assertThat(r.triggers).anySatisfy(t -> {
      assertThat(t.kind()).isEqualTo(ContinuousLoop.Trigger.CHANGE);
      assertThat(t.changes()).contains("AWSTargetGroup " + ns + "/web-2 added");
    });
    assertThat(r.triggers).noneMatch(t -> t.kind().equals(ContinuousLoop.Trigger.RESYNC));
  }

  @Test
  void aPausesEndStartsAPassWithoutAnyEvent() {
    String ns = kube.freshNamespace("watch-pause");
    AwsFixture.Alb alb = aws.createAlb(2);
    cell(ns, alb, "- setWeight: 50\n- pause: {duration: 4s}\n- pause: {}\n");
    Running r = new Running(ns, "okra-runner", "runner-pause", Duration.ofSeconds(15), Duration.ofMinutes(30));
    await().atMost(GENEROUS).until(() -> "Succeeded".equals(cellNow(ns).getStatus().phase));
    new OkraObjects(kube.client()).targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    await().atMost(GENEROUS).until(() -> "Paused".equals(cellNow(ns).getStatus().phase));
    assertThat(cellNow(ns).getStatus().currentStepIndex).isEqualTo(2);
    // The pass that went past the timed pause (step 1 -> 2) was due: nothing in the cluster changed to bring it.
    // (The loop records a pass after it ends; the Cell's status may be read here a moment before.)
    await().atMost(GENEROUS).until(() -> r.steps.stream().anyMatch(e -> e.getValue() != null && e.getValue() == 2));
    Map.Entry<ContinuousLoop.Trigger, Integer> past = r.steps.stream().filter(e -> e.getValue() != null && e.getValue() == 2)
        .findFirst().orElseThrow();
    assertThat(past.getKey().kind()).as("why the pass past the pause ran; all passes: " + r.steps).isEqualTo(ContinuousLoop.Trigger.DUE);
    assertThat(r.steps.subList(0, r.steps.indexOf(past))).as("passes during the pause").anyMatch(e -> e.getValue() != null && e.getValue() == 1);
  }

  @Test
  void theHealthEndpointsSayLiveAndReadyOnlyForTheHolder() throws Exception {
    String ns = kube.freshNamespace("watch-health");
    Running a = new Running(ns, "okra-runner", "runner-h1", Duration.ofSeconds(20), Duration.ofMinutes(10));
    Running b = new Running(ns, "okra-runner", "runner-h2", Duration.ofSeconds(20), Duration.ofMinutes(10));
    try (HealthServer ha = HealthServer.start(0, a.loop::alive, a.loop::ready, a.loop::readiness);
         HealthServer hb = HealthServer.start(0, b.loop::alive, b.loop::ready, b.loop::readiness)) {
      await().atMost(GENEROUS).until(() -> get(ha, "/readyz") == 200 || get(hb, "/readyz") == 200);
      boolean aHolds = get(ha, "/readyz") == 200;
      assertThat(get(aHolds ? hb : ha, "/readyz")).as("the standby is not ready").isEqualTo(503);
      assertThat(get(ha, "/healthz")).isEqualTo(200);
      assertThat(get(hb, "/healthz")).isEqualTo(200);
      assertThat(get(ha, "/other")).isEqualTo(404);
      (aHolds ? a : b).stop();
      assertThat(get(aHolds ? ha : hb, "/healthz")).as("a stopped loop is not live").isEqualTo(503);
      await().atMost(GENEROUS).until(() -> get(aHolds ? hb : ha, "/readyz") == 200);
    }
  }

  private static int get(HealthServer server, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }
}
