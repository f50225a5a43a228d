package co.mumo.okra.notify;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.CellControl;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellStatusMapping;
import co.mumo.okra.cell.CellValidator;
import co.mumo.okra.cell.ClusterStore;
import co.mumo.okra.cell.Notifier;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.outbound.AddressPolicy;
import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.policy.HostPolicy;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.LocalHttpServer;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks told of pauses, failures and successes, against the real API server and moto, with a local
 * receiver: once per transition however many passes and runners, again after a runner died before
 * sending, never to a host the owner's policy refuses.
 */
class NotificationsIT {
  private static final int PRIORITY = 40;
  private static final String HOOK_PATH = "/services/T0001/B0002/notify-secret-token";
  private static final HostPolicy LOOPBACK = new HostPolicy("notifications", Optional.empty(), true, false);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestKube kube;
  private static AwsFixture aws;

  private final AtomicInteger answer = new AtomicInteger(200);
  private LocalHttpServer receiver;
  private Webhook hook;
  private OkraObjects objects;
  private String ns;
  private AwsFixture.Alb alb;

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
    receiver = LocalHttpServer.start().route("/services/", ex -> LocalHttpServer.answer(ex, answer.get(), "ok"));
    hook = Webhook.parse(receiver.url(HOOK_PATH), Webhook.Format.json, "--notify");
    ns = kube.freshNamespace("notify");
    objects = new OkraObjects(kube.client());
    alb = aws.createAlb(2);
    objects.analysisTemplate(ns, "success-rate");
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  @Test
  void aPauseIsToldOnceAndSoIsTheSuccessAfterThePromotion() throws Exception {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n- pause: {}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    CellReconciler runner = reconciler(notifier(Clock.systemUTC()), Clock.systemUTC());
    passUntil(runner, r -> r.phase() == Phase.Succeeded && r.outcome() == CellReconciler.Outcome.UNCHANGED);
    assertThat(told()).containsExactly("Succeeded 1.0.0");

    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    List<String> done = new ArrayList<>();
    passUntil(runner, r -> {
      done.addAll(r.done());
      return r.phase() == Phase.Paused;
    });
    assertThat(told()).containsExactly("Succeeded 1.0.0", "Paused 2.0.0");
    assertThat(done).anySatisfy(d -> assertThat(d).startsWith("notified json webhook " + hook.id() + " at 127.0.0.1: Paused of 2.0.0"));
    for (int i = 0; i < 5; i++) runner.reconcile(ns, "web", new Options(false));
    assertThat(told()).as("passes in the same phase tell nothing more").hasSize(2);

    JsonNode paused = JSON.readTree(receiver.received().get(1).body());
    assertThat(paused.get("schema").asText()).isEqualTo(NotificationPayloads.SCHEMA);
    assertThat(paused.get("cell").get("namespace").asText()).isEqualTo(ns);
    assertThat(paused.get("stableVersion").asText()).isEqualTo("1.0.0");
    assertThat(paused.get("commands").get("promote").asText()).isEqualTo("okra-runner cell promote web -n " + ns);
    assertThat(paused.get("commands").get("abort").asText()).isEqualTo("okra-runner cell abort web -n " + ns);
    assertThat(receiver.received()).allSatisfy(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.headers().get("content-type")).isEqualTo("application/json");
    });

    promote();
    passUntil(runner, r -> r.phase() == Phase.Succeeded && r.outcome() == CellReconciler.Outcome.UNCHANGED);
    for (int i = 0; i < 5; i++) runner.reconcile(ns, "web", new Options(false));
    assertThat(told()).containsExactly("Succeeded 1.0.0", "Paused 2.0.0", "Succeeded 2.0.0");
    CellStatus status = cell().getStatus();
    assertThat(status.notifications).allSatisfy(n -> {
      assertThat(n.sentTo).containsExactly(hook.id());
      assertThat(n.claimedUntil).isNull();
      assertThat(n.attempts).isEqualTo(1);
    });
    assertThat(Serialization.asJson(cell())).as("the URL is nowhere in the Cell").doesNotContain(HOOK_PATH).doesNotContain("T0001");
  }

  @Test
  void aFailedAnalysisIsToldOnce() throws Exception {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n- analysis:\n    templates:\n    - templateName: success-rate\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    CellReconciler runner = reconciler(notifier(Clock.systemUTC()), Clock.systemUTC());
    passUntil(runner, r -> r.phase() == Phase.Succeeded && r.outcome() == CellReconciler.Outcome.UNCHANGED);
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    passUntil(runner, r -> !objects.analysisRuns(ns).isEmpty());
    GenericKubernetesResource run = objects.analysisRuns(ns).get(0);
    objects.setPhase(OkraObjects.ANALYSIS_RUN, ns, run.getMetadata().getName(), "Failed");
    passUntil(runner, r -> r.phase() == Phase.Failed && r.settled());
    for (int i = 0; i < 5; i++) runner.reconcile(ns, "web", new Options(false));
    assertThat(told()).containsExactly("Succeeded 1.0.0", "Failed 2.0.0");
    JsonNode failed = JSON.readTree(receiver.received().get(1).body());
    assertThat(failed.get("commands").get("retry").asText()).isEqualTo("okra-runner cell retry web -n " + ns);
    assertThat(failed.get("text").asText()).contains("failed", "back on 1.0.0");
  }

  @Test
  void eightRacingRunnersTellEachTransitionOnce() throws Exception {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 30\n- pause: {}\n- setWeight: 60\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    // The rule is created by one runner (two creating it at once is the race ALB writes cannot rule out: docs/security.md),
    // which dies before telling: the eight racing runners find the Succeeded it recorded, and tell it once.
    passUntil(reconciler(Notifier.NONE, Clock.systemUTC()), r -> r.phase() == Phase.Succeeded);
    assertThat(receiver.received()).isEmpty();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger passes = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> runners = new ArrayList<>();
    for (int r = 0; r < 8; r++) {
      // Each its own store, HTTP client and notifier, as eight processes would have.
      CellReconciler runner = reconciler(notifier(Clock.systemUTC()), Clock.systemUTC());
      runners.add(pool.submit(() -> {
        while (!stop.get()) {
          runner.reconcile(ns, "web", new Options(false));
          passes.incrementAndGet();
        }
        return null;
      }));
    }
    try {
      awaitTold(List.of("Succeeded 1.0.0"));
      objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
      awaitTold(List.of("Succeeded 1.0.0", "Paused 2.0.0"));
      promote();
      awaitTold(List.of("Succeeded 1.0.0", "Paused 2.0.0", "Succeeded 2.0.0"));
      int before = passes.get();
      // Every runner goes on passing over the settled Cell for a while: none of them tells anything again.
      org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> passes.get() >= before + 80);
    } finally {
      stop.set(true);
      for (Future<?> f : runners) f.get(2, TimeUnit.MINUTES);
      pool.shutdown();
    }
    System.out.printf("notify race: 8 runners, %d passes, %d requests at the webhook%n", passes.get(), receiver.received().size());
    assertThat(told()).containsExactly("Succeeded 1.0.0", "Paused 2.0.0", "Succeeded 2.0.0");
    assertThat(cell().getStatus().notifications).allSatisfy(n -> assertThat(n.attempts).isEqualTo(1));
  }

  @Test
  void aCellPauseIsRecordedByTheCommandAndToldByTheNextPassOverAllCells() {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n- pause: {duration: 1h}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    CellReconciler runner = reconciler(notifier(Clock.systemUTC()), Clock.systemUTC());
    passUntil(runner, r -> r.phase() == Phase.Succeeded && r.outcome() == CellReconciler.Outcome.UNCHANGED);
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    passUntil(runner, r -> r.status().pauseEndsAt != null);
    assertThat(told()).containsExactly("Succeeded 1.0.0");

    // As `okra-runner cell pause` records it: the command has no webhook; the next pass (here over every Cell, as --watch runs) tells it.
    Cell cell = cell();
    cell.setStatus(CellStatusMapping.withState(cell.getStatus(), CellControl.pause(CellStatusMapping.toState(cell.getStatus())),
        "paused by user", Instant.now()));
    new Fabric8ClusterStore(kube.client()).updateCellStatus(cell);
    for (int i = 0; i < 3; i++) runner.reconcileAll(ns, new Options(false, 2));
    assertThat(told()).containsExactly("Succeeded 1.0.0", "Paused 2.0.0");
  }

  @Test
  void aRunnerKilledAfterRecordingLeavesItToTheNextPass() {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n- pause: {}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    MutableClock clock = new MutableClock(Instant.now());
    // A runner that records and then dies before sending leaves exactly what a runner without a webhook leaves.
    CellReconciler dies = reconciler(Notifier.NONE, clock);
    passUntil(dies, r -> r.phase() == Phase.Succeeded && r.outcome() == CellReconciler.Outcome.UNCHANGED);
    objects.targetGroup(ns, "web-2", alb.targetGroupArns().get(1), "2.0.0");
    passUntil(dies, r -> r.phase() == Phase.Paused);
    assertThat(receiver.received()).isEmpty();
    assertThat(cell().getStatus().notifications).extracting(n -> n.event + " " + n.version).containsExactly("Succeeded 1.0.0", "Paused 2.0.0");

    PassResult next = reconciler(notifier(clock), clock).reconcile(ns, "web", new Options(false));
    assertThat(next.outcome()).as("the pass itself decided nothing").isEqualTo(CellReconciler.Outcome.UNCHANGED);
    assertThat(told()).containsExactly("Succeeded 1.0.0", "Paused 2.0.0");

    // Killed between its claim and sending: the claim holds for its lease, then the next runner sends.
    Cell cell = cell();
    CellStatus.Notification paused = cell.getStatus().notifications.get(1);
    paused.sentTo = null;
    paused.claimedUntil = clock.instant().plus(WebhookNotifier.LEASE).toString();
    kube.client().resources(Cell.class).inNamespace(ns).resource(cell).updateStatus();
    reconciler(notifier(clock), clock).reconcile(ns, "web", new Options(false));
    assertThat(told()).as("claimed by a live runner, as far as anyone can tell").hasSize(2);
    clock.advance(WebhookNotifier.LEASE.plusSeconds(1));
    reconciler(notifier(clock), clock).reconcile(ns, "web", new Options(false));
    assertThat(told()).as("at least once after a crash").containsExactly("Succeeded 1.0.0", "Paused 2.0.0", "Paused 2.0.0");
    assertThat(cell().getStatus().notifications.get(1).attempts).isEqualTo(2);
  }

  @Test
  void aWebhookThatFailsIsTriedAgainAtMostThreeTimes() {
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    answer.set(500);
    CellReconciler runner = reconciler(notifier(Clock.systemUTC()), Clock.systemUTC());
    List<String> done = new ArrayList<>();
    passUntil(runner, r -> {
      done.addAll(r.done());
      return r.phase() == Phase.Succeeded && r.outcome() == CellReconciler.Outcome.UNCHANGED && receiver.received().size() >= 3;
    });
    for (int i = 0; i < 3; i++) done.addAll(runner.reconcile(ns, "web", new Options(false)).done());
    assertThat(receiver.received()).hasSize(3);
    assertThat(done).filteredOn(d -> d.startsWith("could not notify")).hasSize(3).last().asString()
        .contains("answered 500", "given up after 3 attempts").doesNotContain(HOOK_PATH);
  }

  @Test
  void aHostOutsideThePolicyIsRefusedBeforeAnyConnection() {
    assertThat(WebhookNotifier.refusal(hook, HostPolicy.publicHosts("notifications"), AddressPolicy.Resolver.SYSTEM))
        .hasValueSatisfying(m -> assertThat(m).contains("127.0.0.1", "loopback", "notifications.allowLoopback: true").doesNotContain(HOOK_PATH));
    HostPolicy listed = new HostPolicy("notifications", Optional.of(List.of("hooks.slack.com")), true, false);
    assertThat(WebhookNotifier.refusal(hook, listed, AddressPolicy.Resolver.SYSTEM))
        .hasValueSatisfying(m -> assertThat(m).contains("not in notifications.allowedHosts", "hooks.slack.com"));
    Webhook metadata = Webhook.parse("http://169.254.169.254/latest/meta-data/", Webhook.Format.json, "--notify");
    assertThat(WebhookNotifier.refusal(metadata, new HostPolicy("notifications", Optional.empty(), true, true), AddressPolicy.Resolver.SYSTEM))
        .hasValueSatisfying(m -> assertThat(m).contains("never contacts such addresses"));
    assertThat(WebhookNotifier.refusal(hook, LOOPBACK, AddressPolicy.Resolver.SYSTEM)).isEmpty();

    // Checked again when sending: a refused webhook gets no connection at all, and the rollout goes on.
    AtomicInteger sockets = new AtomicInteger();
    OutboundHttp counting = new OutboundHttp(new AddressPolicy(HostPolicy.publicHosts("notifications"), AddressPolicy.Resolver.SYSTEM),
        countingSockets(sockets), () -> (SSLSocketFactory) SSLSocketFactory.getDefault());
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    CellReconciler runner = reconciler(new WebhookNotifier(new Fabric8ClusterStore(kube.client()), List.of(hook), counting,
        Clock.systemUTC()), Clock.systemUTC());
    List<String> done = new ArrayList<>();
    passUntil(runner, r -> {
      done.addAll(r.done());
      return r.phase() == Phase.Succeeded && r.outcome() == CellReconciler.Outcome.UNCHANGED;
    });
    assertThat(sockets).hasValue(0);
    assertThat(receiver.received()).isEmpty();
    assertThat(done).anySatisfy(d -> assertThat(d).contains("could not notify", "refused", "notifications.allowLoopback"));
  }

  private WebhookNotifier notifier(Clock clock) {
    return new WebhookNotifier(new Fabric8ClusterStore(kube.client()), List.of(hook), new OutboundHttp(LOOPBACK), clock);
  }

  private CellReconciler reconciler(Notifier notifier, Clock clock) {
    ClusterStore store = new Fabric8ClusterStore(kube.client());
    return new CellReconciler(store, new Elbv2LoadBalancer(aws.elbv2()), new ArgoAnalyses(kube.client()), clock).withNotifier(notifier);
  }

  /** What the webhook was told, in order: event and version of each request. */
  private List<String> told() {
    return receiver.received().stream().map(r -> {
      try {
        JsonNode doc = JSON.readTree(r.body());
        return doc.get("event").asText() + " " + doc.get("version").asText();
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + r.body(), e);
      }
    }).collect(Collectors.toList());
  }

  private void awaitTold(List<String> expected) {
    org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(told()).containsExactlyElementsOf(expected));
  }

  private void passUntil(CellReconciler runner, Predicate<PassResult> done) {
    for (int i = 0; i < 30; i++) {
      if (done.test(runner.reconcile(ns, "web", new Options(false)))) return;
    }
    throw new AssertionError("not reached in 30 passes; the Cell says: " + cell().getStatus().phase + ": " + cell().getStatus().message);
  }

  private Cell cell() {
    return kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
  }

  /** As {@code cell promote} records it. */
  private void promote() {
    for (int i = 0; i < 10; i++) {
      Cell cell = cell();
      var next = CellControl.promote(CellStatusMapping.toState(cell.getStatus()), CellValidator.validate(cell).steps().size(), false,
          Instant.now());
      cell.setStatus(CellStatusMapping.withState(cell.getStatus(), next, "promoted past the current step", Instant.now()));
      try {
        new Fabric8ClusterStore(kube.client()).updateCellStatus(cell);
        return;
      } catch (ClusterStore.ConflictException racing) {
        // a runner wrote the Cell meanwhile: read it again
      }
    }
    throw new AssertionError("could not promote: the Cell kept changing");
  }

  private static SocketFactory countingSockets(AtomicInteger count) {
    return new SocketFactory() {
      @Override
      public Socket createSocket() {
        count.incrementAndGet();
        return new Socket();
      }

      @Override
      public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress local, int localPort) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
        throw new UnsupportedOperationException();
      }
    };
  }
}
