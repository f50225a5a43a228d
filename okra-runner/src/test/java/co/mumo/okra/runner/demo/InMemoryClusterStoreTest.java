package co.mumo.okra.runner.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellSpec;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.ClusterStore;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryClusterStoreTest {
  private final InMemoryClusterStore store = new InMemoryClusterStore(new SimulatedClock(Instant.parse("2025-01-01T00:00:00Z")));

  private static Cell cell(String name) {
    Cell c = new Cell();
    c.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).build());
    c.setSpec(new CellSpec());
    c.getSpec().replicas = 1;
    return c;
  }

  @Test
  void aStatusWriteWithAStaleResourceVersionIsRefusedAndWritesNothing() {
    Cell created = store.create(cell("web"));
    Cell first = store.cell("ns", "web").orElseThrow();
    Cell second = store.cell("ns", "web").orElseThrow();

    first.getStatus().message = "first";
    Cell written = store.updateCellStatus(first);
    second.getStatus().message = "second";

    assertThat(written.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());
    assertThatThrownBy(() -> store.updateCellStatus(second)).isInstanceOf(ClusterStore.ConflictException.class)
        .hasMessageContaining("changed by someone else");
    assertThat(store.cell("ns", "web").orElseThrow().getStatus().message).isEqualTo("first");
  }

  @Test
  void aStatusWriteLeavesTheSpecAndGenerationAlone() {
    store.create(cell("web"));
    Cell read = store.cell("ns", "web").orElseThrow();
    read.getSpec().replicas = 9;
    read.setStatus(new CellStatus());
    read.getStatus().phase = "Progressing";

    store.updateCellStatus(read);

    Cell now = store.cell("ns", "web").orElseThrow();
    assertThat(now.getSpec().replicas).isEqualTo(1);
    assertThat(now.getStatus().phase).isEqualTo("Progressing");
    assertThat(now.getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void readsAreCopies() {
    store.create(cell("web"));
    store.cell("ns", "web").orElseThrow().getSpec().replicas = 5;

    assertThat(store.cell("ns", "web").orElseThrow().getSpec().replicas).isEqualTo(1);
  }

  @Test
  void targetGroupsAreSelectedByEveryLabel() {
    store.create(tg("a", Map.of("role", "web", "okra.mumo.co/version", "1.0.0")));
    store.create(tg("b", Map.of("role", "api", "okra.mumo.co/version", "1.0.0")));

    assertThat(store.targetGroups("ns", Map.of("role", "web"))).extracting(t -> t.getMetadata().getName()).containsExactly("a");
    assertThat(store.targetGroups("other", Map.of("role", "web"))).isEmpty();
  }

  @Test
  void blockingIsIdempotentAndUnblockingRemovesTheVersion() {
    Cell c = store.create(cell("web"));
    store.block(c, "2.0.0", "analysis failed");
    store.block(c, "2.0.0", "analysis failed");

    assertThat(store.blocklist("ns", "web").orElseThrow().getSpec().items).hasSize(1);
    assertThat(store.blocklist("ns", "web").orElseThrow().getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(c.getMetadata().getUid());
    assertThat(store.unblock(c, "v2.0.0")).isTrue();
    assertThat(store.unblock(c, "2.0.0")).isFalse();
  }

  @Test
  void creatingTwiceIsAnError() {
    store.create(cell("web"));
    assertThatThrownBy(() -> store.create(cell("web"))).hasMessageContaining("already exists");
  }

  private static AWSTargetGroup tg(String name, Map<String, String> labels) {
    AWSTargetGroup tg = new AWSTargetGroup();
    tg.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).withLabels(labels).build());
    tg.setSpec(new AWSTargetGroup.Spec());
    tg.getSpec().arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/" + name + "/1";
    return tg;
  }
}
