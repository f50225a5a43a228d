package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.Phase;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** docs/output.schema.json is strict enough to catch an undocumented field or a missing one. */
class OutputSchemaTest {
  @Test
  void aPassLineAsTheRunnerPrintsItFits() {
    CellStatus s = new CellStatus();
    s.message = "1.0.0 has 100% of the traffic";
    CellReconciler.PassResult r = new CellReconciler.PassResult("demo/web", CellReconciler.Outcome.UNCHANGED, Phase.Succeeded, s,
        Optional.empty(), List.of());
    assertThat(OutputSchema.assertValid(Serialization.asJson(Output.passJson(r)).replace("\n", ""))).containsExactly("pass");
  }

  @Test
  void aPassLineWithAHeaderRouteFitsAndReadsAsTheRoute() {
    CellStatus s = new CellStatus();
    CellStatus.HeaderRoute h = new CellStatus.HeaderRoute();
    h.name = "tester";
    h.priority = 5;
    CellStatus.HeaderValue v = new CellStatus.HeaderValue();
    v.headerName = "X-Okra-Preview";
    v.value = "yes";
    h.match = List.of(v);
    CellStatus.TargetGroupWeight w = new CellStatus.TargetGroupWeight();
    w.name = "web-c";
    w.version = "2.0.0";
    w.weight = 100;
    h.targetGroups = List.of(w);
    s.headerRoutes = List.of(h);
    CellReconciler.PassResult r = new CellReconciler.PassResult("demo/web", CellReconciler.Outcome.CHANGED, Phase.Progressing, s,
        Optional.empty(), List.of("header route tester created"));
    assertThat(OutputSchema.assertValid(Serialization.asJson(Output.passJson(r)).replace("\n", ""))).containsExactly("pass");
    assertThat(Output.headerRoute(h)).isEqualTo("tester (priority 5: X-Okra-Preview=yes -> 2.0.0 100% (web-c 100))");
  }

  @Test
  void anUndocumentedFieldAMissingOneOrAnUnknownTypeIsRejected() {
    assertThatThrownBy(() -> OutputSchema.assertValid("{\"type\":\"event\",\"event\":\"x\",\"message\":\"m\",\"colour\":\"red\"}"))
        .hasMessageContaining("rejects");
    assertThatThrownBy(() -> OutputSchema.assertValid("{\"type\":\"event\",\"event\":\"x\"}")).hasMessageContaining("rejects");
    assertThatThrownBy(() -> OutputSchema.assertValid("{\"type\":\"gossip\",\"message\":\"m\"}")).hasMessageContaining("rejects");
    assertThatThrownBy(() -> OutputSchema.assertValid("{\"type\":\"pass\",\"cell\":\"web\",\"outcome\":\"CHANGED\",\"phase\":\"Succeeded\"}"))
        .as("a cell key without its namespace").hasMessageContaining("rejects");
    assertThatThrownBy(() -> OutputSchema.assertValid("")).hasMessageContaining("printed nothing");
  }
}
