package co.mumo.okra.testsupport;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays Argo Rollouts' controller for a test: every AnalysisRun (and Experiment, if asked) of a namespace
 * that has no verdict yet gets one. Call {@link #judge()} between passes, or let a {@link Pollers} run it
 * beside the runner: {@code pollers.every(100, ArgoStandIn.judging(objects, ns, "Successful"))}.
 */
public final class ArgoStandIn implements Runnable {
  private final OkraObjects objects;
  private final String namespace;
  private final String verdict;
  private final List<ResourceDefinitionContext> kinds;
  private final Duration running;
  /** When each run was first seen (System.nanoTime), for {@link #after}. */
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();

  private ArgoStandIn(OkraObjects objects, String namespace, String verdict, List<ResourceDefinitionContext> kinds, Duration running) {
    this.objects = objects;
    this.namespace = namespace;
    this.verdict = verdict;
    this.kinds = kinds;
    this.running = running;
  }

  /** Gives each new AnalysisRun of {@code namespace} the phase {@code verdict} (Successful, Failed, ...). */
  public static ArgoStandIn judging(OkraObjects objects, String namespace, String verdict) {
    return new ArgoStandIn(objects, namespace, verdict, List.of(OkraObjects.ANALYSIS_RUN), Duration.ZERO);
  }

  /** Experiments get the verdict too. */
  public ArgoStandIn andExperiments() {
    return new ArgoStandIn(objects, namespace, verdict, List.of(OkraObjects.ANALYSIS_RUN, OkraObjects.EXPERIMENT), running);
  }

  /** A run gets its verdict once it has been seen running for {@code d}, as a real analysis takes a while. */
  public ArgoStandIn after(Duration d) {
    return new ArgoStandIn(objects, namespace, verdict, kinds, d);
  }

  /** One look at the namespace: every run without a verdict (that has run long enough) gets one. */
  public void judge() {
    for (ResourceDefinitionContext kind : kinds) {
      for (GenericKubernetesResource r : objects.list(kind, namespace)) {
        if (r.getAdditionalProperties().get("status") != null) continue;
        String name = r.getMetadata().getName();
        long seen = firstSeen.computeIfAbsent(kind.getKind() + "/" + name, k -> System.nanoTime());
        if (System.nanoTime() - seen >= running.toNanos()) objects.setPhase(kind, namespace, name, verdict);
      }
    }
  }

  @Override
  public void run() {
    judge();
  }
}
