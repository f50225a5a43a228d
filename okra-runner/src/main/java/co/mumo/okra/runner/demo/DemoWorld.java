package co.mumo.okra.runner.demo;

import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.core.RunPhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the demo runs against, wired to the real {@link CellReconciler}: an in-memory API server
 * holding the Cell (from {@code cell.yaml}; or the Cells of the waves demo, {@code waves.yaml}) and their
 * target groups, a simulated ALB listener, and Argo Rollouts played by a script in which 3.0.0 fails its
 * analysis.
 */
public final class DemoWorld {
  public static final String NAMESPACE = "demo";
  public static final String CELL = "web";
  public static final String FAILING_VERSION = "3.0.0";
  /** How long a simulated AnalysisRun measures before its verdict. */
  public static final Duration ANALYSIS_TIME = Duration.ofMinutes(1);

  private final SimulatedClock clock = new SimulatedClock(Instant.parse("2025-06-01T09:00:00Z"));
  private final InMemoryClusterStore store = new InMemoryClusterStore(clock);
  private final SimulatedLoadBalancer alb = new SimulatedLoadBalancer();
  private final ScriptedAnalyses analyses = new ScriptedAnalyses(clock, ANALYSIS_TIME,
      Map.of("success-rate", List.of("cluster-version")), DemoWorld::verdict);
  private final CellReconciler reconciler = new CellReconciler(store, alb, analyses, clock);
  /** The demo's Cells as created, the first being the one the single-Cell demo rolls out. */
  private final List<Cell> cells = new ArrayList<>();
  private final Cell cell;
  /** A target group as the demo created it. */
  public record Group(String name, String version) {}

  /** By ARN, for showing weights. */
  private final Map<String, Group> targetGroups = new LinkedHashMap<>();

  public DemoWorld() {
    this("cell.yaml");
  }

  /** The Cells of {@code resource} (one or more YAML documents beside this class), their listeners on the simulated ALB. */
  public DemoWorld(String resource) {
    Set<String> listeners = new HashSet<>();
    for (String doc : resource(resource).split("\n---\n")) {
      Cell manifest = Serialization.unmarshal(doc, Cell.class);
      String listener = manifest.getSpec().ingress.awsApplicationLoadBalancer.listenerARN;
      if (listeners.add(listener)) alb.addListener(listener);
      cells.add(store.create(manifest));
    }
    this.cell = cells.get(0);
  }

  /** The script's analysis results: measured good for every version but the failing one. */
  static ScriptedAnalyses.Verdict verdict(String version) {
    return FAILING_VERSION.equals(version)
        ? new ScriptedAnalyses.Verdict(RunPhase.FAILED, "success-rate 0.912 < 0.95 (simulated measurement)")
        : new ScriptedAnalyses.Verdict(RunPhase.SUCCESSFUL, "success-rate 0.998 >= 0.95 (simulated measurement)");
  }

  /**
   * New clusters of {@code version} come up: one target group per cluster ({@code replicas} of them)
   * is created in the ALB's account and registered as an AWSTargetGroup, as AWSTargetGroupSet or a
   * pipeline would.
   */
  public List<String> addVersion(String version) {
    List<String> names = new ArrayList<>();
    for (Cell c : cells) {
      int replicas = c.getSpec().replicas == null ? 1 : c.getSpec().replicas;
      for (int i = 0; i < replicas; i++) {
        String name = c.getMetadata().getName() + "-" + version.replace('.', '-') + "-" + (char) ('a' + i);
        String arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/" + name + "/" + String.format("%016x", name.hashCode() & 0xffffffffL);
        alb.addTargetGroup(arn);
        Map<String, String> labels = new HashMap<>(c.getSpec().ingress.awsApplicationLoadBalancer.targetGroupSelector.matchLabels);
        labels.put("okra.mumo.co/version", version);
        AWSTargetGroup tg = new AWSTargetGroup();
        tg.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withLabels(labels).build());
        tg.setSpec(new AWSTargetGroup.Spec());
        tg.getSpec().arn = arn;
        store.create(tg);
        targetGroups.put(arn, new Group(name, version));
        names.add(name);
      }
    }
    return names;
  }

  /** Every Cell of the demo, as created. */
  public List<Cell> cells() {
    return List.copyOf(cells);
  }

  /** The target group behind {@code arn}; one the demo did not create shows as its ARN. */
  public Group group(String arn) {
    return targetGroups.getOrDefault(arn, new Group(arn, "?"));
  }

  public String listenerArn() {
    return cell.getSpec().ingress.awsApplicationLoadBalancer.listenerARN;
  }

  public int priority() {
    return cell.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.priority;
  }

  public Cell cellManifest() {
    return cell;
  }

  public Optional<Cell> cellNow() {
    return store.cell(NAMESPACE, CELL);
  }

  public SimulatedClock clock() {
    return clock;
  }

  public InMemoryClusterStore store() {
    return store;
  }

  public SimulatedLoadBalancer alb() {
    return alb;
  }

  public ScriptedAnalyses analyses() {
    return analyses;
  }

  public CellReconciler reconciler() {
    return reconciler;
  }

  private static String resource(String name) {
    try (InputStream in = DemoWorld.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("the runner jar lacks demo/" + name + " (a broken build)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
