package co.mumo.okra.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellEvent;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events on a Cell against the real API server: what kubectl describe shows, aggregated as Kubernetes tools do. */
class Fabric8EventRecorderIT {
  private static final String LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/0123456789abcdef/fedcba9876543210";
  private static TestKube kube;

  @BeforeAll
  static void server() {
    kube = TestKube.start();
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  @Test
  void theSameThingSaidAgainCountsUpOneEvent() {
    String ns = kube.freshNamespace("events");
    new OkraObjects(kube.client()).webCell(ns, LISTENER, 10, "- setWeight: 20\n");
    Cell cell = kube.client().resources(Cell.class).inNamespace(ns).withName("web").get();
    Instant first = Instant.parse("2026-03-01T10:00:00Z");
    Fabric8EventRecorder recorder = new Fabric8EventRecorder(kube.client());
    CellEvent drift = new CellEvent(CellEvent.Type.Warning, CellEvent.TRAFFIC_DRIFT, "the rule was changed outside Okra");

    recorder.record(cell, List.of(drift, new CellEvent(CellEvent.Type.Normal, CellEvent.STEP_STARTED, "step 1/1 started for 2.0.0")), first);
    recorder.record(cell, List.of(drift), first.plus(Duration.ofMinutes(3)));

    List<Event> events = kube.client().v1().events().inNamespace(ns).list().getItems();
    assertThat(events).hasSize(2);
    Event aggregated = events.stream().filter(e -> e.getReason().equals(CellEvent.TRAFFIC_DRIFT)).findFirst().orElseThrow();
    assertThat(aggregated.getCount()).isEqualTo(2);
    assertThat(aggregated.getType()).isEqualTo("Warning");
    assertThat(aggregated.getFirstTimestamp()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(aggregated.getLastTimestamp()).isEqualTo("2026-03-01T10:03:00Z");
    assertThat(aggregated.getInvolvedObject().getKind()).isEqualTo("Cell");
    assertThat(aggregated.getInvolvedObject().getUid()).isEqualTo(cell.getMetadata().getUid());
    assertThat(aggregated.getSource().getComponent()).isEqualTo("okra-runner");
  }

  @Test
  void aFailureToRecordNeverFailsThePass() {
    Cell cell = new Cell();
    cell.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("web").withNamespace("no-such-namespace")
        .withUid("u").build());
    Fabric8EventRecorder recorder = new Fabric8EventRecorder(kube.client());

    assertThatCode(() -> recorder.record(cell, List.of(new CellEvent(CellEvent.Type.Normal, CellEvent.STEP_STARTED, "x")), Instant.now()))
        .doesNotThrowAnyException();
  }
}
