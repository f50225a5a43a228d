package co.mumo.okra.runner.demo;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.ClusterStore;
import co.mumo.okra.cell.Phase;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The demo's ports under the real engine: the guard that keeps two runners apart, and reference checks. */
class DemoEngineTest {
  private static final CellReconciler.Options WRITE = new CellReconciler.Options(false);

  @Test
  void ofTwoRunnersRacingOnOnePassOnlyOneActs() {
    DemoWorld world = new DemoWorld();
    world.addVersion("1.0.0");
    CellReconciler fast = world.reconciler();
    // The slow runner has read the Cell; before its status write lands, the fast one runs a whole pass.
    ClusterStore slowStore = new Delegating(world.store()) {
      boolean raced;

      @Override
      public Cell updateCellStatus(Cell cell) {
        if (!raced) {
          raced = true;
          assertThat(fast.reconcile(DemoWorld.NAMESPACE, DemoWorld.CELL, WRITE).outcome()).isEqualTo(CellReconciler.Outcome.CHANGED);
        }
        return super.updateCellStatus(cell);
      }
    };
    CellReconciler slow = new CellReconciler(slowStore, world.alb(), world.analyses(), world.clock());

    CellReconciler.PassResult r = slow.reconcile(DemoWorld.NAMESPACE, DemoWorld.CELL, WRITE);

    assertThat(r.outcome()).isEqualTo(CellReconciler.Outcome.CONFLICT);
    assertThat(world.alb().calls()).containsEntry("CreateRule", 1).doesNotContainKey("ModifyRule");
  }

  @Test
  void aStepNamingAMissingTemplateMakesTheCellInvalidWithoutTouchingTheAlb() {
    DemoWorld world = new DemoWorld();
    ScriptedAnalyses noTemplates = new ScriptedAnalyses(world.clock(), DemoWorld.ANALYSIS_TIME, Map.of(), DemoWorld::verdict);
    CellReconciler reconciler = new CellReconciler(world.store(), world.alb(), noTemplates, world.clock());
    world.addVersion("1.0.0");

    CellReconciler.PassResult r = reconciler.reconcile(DemoWorld.NAMESPACE, DemoWorld.CELL, WRITE);

    assertThat(r.phase()).isEqualTo(Phase.Invalid);
    assertThat(r.status().message).contains("steps[3].analysis.templates[0].templateName", "AnalysisTemplate success-rate not found");
    assertThat(world.alb().calls()).doesNotContainKeys("CreateRule", "ModifyRule");
  }

  @Test
  void theRuleIsRecordedInAnAlbConfigOwnedByTheCell() {
    DemoWorld world = new DemoWorld();
    world.addVersion("1.0.0");

    world.reconciler().reconcile(DemoWorld.NAMESPACE, DemoWorld.CELL, WRITE);

    AWSApplicationLoadBalancerConfig config = world.store().albConfig(DemoWorld.NAMESPACE, DemoWorld.CELL).orElseThrow();
    assertThat(config.getStatus().phase).isEqualTo("Applied");
    assertThat(config.getStatus().ruleARN).isEqualTo(world.alb().rule(world.listenerArn(), world.priority()).orElseThrow().ruleArn());
    assertThat(config.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo(DemoWorld.CELL);
  }

  /** A ClusterStore that forwards everything; tests override one method. */
  private static class Delegating implements ClusterStore {
    private final ClusterStore d;

    Delegating(ClusterStore d) {
      this.d = d;
    }

    @Override public List<Cell> cells(String namespace) { return d.cells(namespace); }
    @Override public Optional<Cell> cell(String namespace, String name) { return d.cell(namespace, name); }
    @Override public List<AWSTargetGroup> targetGroups(String ns, Map<String, String> labels) { return d.targetGroups(ns, labels); }
    @Override public Optional<VersionBlocklist> blocklist(String namespace, String name) { return d.blocklist(namespace, name); }
    @Override public void block(Cell cell, String version, String cause) { d.block(cell, version, cause); }
    @Override public boolean unblock(Cell cell, String version) { return d.unblock(cell, version); }
    @Override public Cell updateCellStatus(Cell cell) { return d.updateCellStatus(cell); }
    @Override public Optional<AWSApplicationLoadBalancerConfig> albConfig(String ns, String name) { return d.albConfig(ns, name); }
    @Override public AWSApplicationLoadBalancerConfig putAlbConfig(AWSApplicationLoadBalancerConfig c, Optional<Cell> owner) {
      return d.putAlbConfig(c, owner);
    }
    @Override public AWSApplicationLoadBalancerConfig updateAlbConfigStatus(AWSApplicationLoadBalancerConfig c) {
      return d.updateAlbConfigStatus(c);
    }
  }
}
