package co.mumo.okra.analysis;

import co.mumo.okra.analysis.eval.AnalysisDefinition;
import co.mumo.okra.analysis.eval.AnalysisEvaluator;
import co.mumo.okra.analysis.eval.ArgSource;
import co.mumo.okra.analysis.eval.Evaluation;
import co.mumo.okra.analysis.eval.InvalidAnalysisException;
import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.RunStatus;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.core.RunPhase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The AnalysisRuns Okra judges, in two halves that keep a pass honest: {@link #preview} only reads
 * (what the run's status says, whether a measurement is due, whether its status would move), and
 * {@link #advance} acts, after the pass recorded its decision.
 *
 * <p>A measurement may run a command (the job provider) or cost money (a metrics API), so it is taken
 * once however many runners race: a runner first <em>claims</em> it, writing the annotation
 * {@value #CLAIM} (the status it claims, by hash, and until when) guarded by the run's resourceVersion;
 * only the runner whose claim lands measures, and it records the result guarded by the claim's
 * resourceVersion. A claim lapses when the status moves (the measurement was recorded) or after
 * {@link #LEASE} (the runner died mid-measurement: the next one measures again, so a crash can repeat a
 * measurement; a race cannot).
 */
final class OkraRuns {
  static final String CLAIM = "okra.mumo.co/measurement-claim";
  /** Longer than any provider's capped timeout, so a live runner keeps its claim. */
  static final Duration LEASE = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final Providers providers;
  private final Function<String, ArgSource> secrets;

  OkraRuns(KubernetesClient client, Providers providers, Function<String, ArgSource> secrets) {
    this.client = client;
    this.providers = providers;
    this.secrets = secrets;
  }

  /** What a pass sees of a run: its stored status, and whether Okra has work on it now. */
  record Preview(RunStatus status, Optional<Instant> nextMeasurementAt, boolean workDue) {}

  /** Reads only. {@code terminate}: the run is to end (its rollout moved on). */
  Preview preview(GenericKubernetesResource run, boolean terminate, Instant now) {
    RunStatus status = RunStatus.fromMap(map(run.getAdditionalProperties().get("status")));
    if (status.completed()) return new Preview(status, Optional.empty(), false);
    Optional<AnalysisDefinition> def = definition(run);
    if (def.isEmpty()) return new Preview(status, Optional.empty(), true); // recorded as Error by advance
    boolean stop = terminate || terminateRequested(run);
    Optional<Instant> claimedUntil = activeClaim(run, status, now);
    List<Metric> due = AnalysisEvaluator.due(def.get(), status, now, stop);
    Optional<Instant> next = AnalysisEvaluator.nextDue(def.get(), status, now, stop);
    if (claimedUntil.isPresent()) {
      // Another runner is measuring: nothing is due here before its claim lapses.
      return new Preview(status, claimedUntil, false);
    }
    boolean moves = !AnalysisEvaluator.next(def.get(), status, now, stop, Map.of()).status().equals(status);
    return new Preview(status, next, !due.isEmpty() || moves);
  }

  /** What {@link #advance} did: the run's state after it, the metrics it measured, and whether it wrote the run. */
  record Advance(Evaluation evaluation, List<String> measured, boolean written) {
    static Advance nothing(Evaluation e) {
      return new Advance(e, List.of(), false);
    }
  }

  /**
   * Takes the measurements that are due (under a claim) and records the run's next status, both
   * guarded; a runner that loses either race changes nothing more and reports the stored status.
   */
  Advance advance(GenericKubernetesResource run, boolean terminate, Instant now, Function<Instant, Instant> clockAfter) {
    RunStatus status = RunStatus.fromMap(map(run.getAdditionalProperties().get("status")));
    if (status.completed()) return Advance.nothing(new Evaluation(status, Optional.empty()));
    String ns = run.getMetadata().getNamespace();
    AnalysisDefinition def;
    try {
      def = AnalysisDefinition.of(what(run) + " spec", spec(run), secrets.apply(ns), mode(run));
    } catch (InvalidAnalysisException invalid) {
      RunStatus error = new RunStatus(RunPhase.ERROR, "analysis spec invalid: " + invalid.getMessage(), Optional.of(now), status.metricResults());
      return write(run, status, new Evaluation(error, Optional.empty()), List.of());
    }
    boolean stop = terminate || terminateRequested(run);
    Optional<Instant> claimed = activeClaim(run, status, now);
    if (claimed.isPresent()) return Advance.nothing(new Evaluation(status, claimed));
    List<Metric> due = AnalysisEvaluator.due(def, status, now, stop);
    GenericKubernetesResource target = run;
    if (!due.isEmpty()) {
      Optional<GenericKubernetesResource> won = claim(run, status, now);
      if (won.isEmpty()) return Advance.nothing(new Evaluation(stored(run, status), Optional.empty())); // another runner measures
      target = won.get();
    }
    Map<String, Observation> taken = new LinkedHashMap<>();
    for (Metric m : due) taken.put(m.name(), measure(m, ns, now));
    // The run's next due time counts from when the measurements ended.
    Evaluation next = AnalysisEvaluator.next(def, status, clockAfter.apply(now), stop, taken);
    if (next.status().equals(status)) return new Advance(next, List.copyOf(taken.keySet()), false);
    return write(target, status, next, List.copyOf(taken.keySet()));
  }

  private Observation measure(Metric m, String ns, Instant now) {
    try {
      return providers.measure(m, now, ns);
    } catch (RuntimeException e) {
      return new Observation.Error(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** The claim, written with the run's resourceVersion; empty when another runner wrote the run first. */
  private Optional<GenericKubernetesResource> claim(GenericKubernetesResource run, RunStatus status, Instant now) {
    GenericKubernetesResource copy = Serialization.clone(run);
    Map<String, String> annotations = new HashMap<>(copy.getMetadata().getAnnotations() == null ? Map.of() : copy.getMetadata().getAnnotations());
    annotations.put(CLAIM, fingerprint(status) + "@" + now.plus(LEASE));
    copy.getMetadata().setAnnotations(annotations);
    try {
      return Optional.of(runs(run).resource(copy).update());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) return Optional.empty();
      throw e;
    }
  }

  /** When the claim on this status lapses, if one is live. */
  private static Optional<Instant> activeClaim(GenericKubernetesResource run, RunStatus status, Instant now) {
    Map<String, String> a = run.getMetadata().getAnnotations();
    String claim = a == null ? null : a.get(CLAIM);
    if (claim == null) return Optional.empty();
    int at = claim.indexOf('@');
    if (at < 0 || !claim.substring(0, at).equals(fingerprint(status))) return Optional.empty();
    try {
      Instant until = Instant.parse(claim.substring(at + 1));
      return until.isAfter(now) ? Optional.of(until) : Optional.empty();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private Advance write(GenericKubernetesResource run, RunStatus before, Evaluation next, List<String> measured) {
    GenericKubernetesResource copy = Serialization.clone(run);
    copy.setAdditionalProperty("status", next.status().toMap());
    var op = runs(copy).resource(copy);
    try {
      try {
        op.updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) throw e;
        op.update(); // Argo's CRD without the status subresource
      }
      run.setAdditionalProperty("status", next.status().toMap());
      return new Advance(next, measured, true);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) throw e;
      // Another runner wrote the run first (our claim had lapsed): its status stands, ours is dropped.
      return Advance.nothing(new Evaluation(stored(run, before), Optional.empty()));
    }
  }

  /** The run's status as stored now (after losing a race to another runner). */
  private RunStatus stored(GenericKubernetesResource run, RunStatus otherwise) {
    GenericKubernetesResource fresh = runs(run).withName(run.getMetadata().getName()).get();
    return fresh == null ? otherwise : RunStatus.fromMap(map(fresh.getAdditionalProperties().get("status")));
  }

  private Optional<AnalysisDefinition> definition(GenericKubernetesResource run) {
    try {
      return Optional.of(AnalysisDefinition.of(what(run) + " spec", spec(run), secrets.apply(run.getMetadata().getNamespace()), mode(run)));
    } catch (InvalidAnalysisException e) {
      return Optional.empty();
    }
  }

  private static String what(GenericKubernetesResource run) {
    return "AnalysisRun " + run.getMetadata().getNamespace() + "/" + run.getMetadata().getName();
  }

  private static Map<String, Object> spec(GenericKubernetesResource run) {
    return map(run.getAdditionalProperties().get("spec"));
  }

  private static boolean terminateRequested(GenericKubernetesResource run) {
    return Boolean.TRUE.equals(spec(run).get("terminate"));
  }

  private static AnalysisDefinition.Mode mode(GenericKubernetesResource run) {
    Map<String, String> labels = run.getMetadata().getLabels();
    return labels != null && "bg".equals(labels.get(ArgoAnalyses.STEP_LABEL)) ? AnalysisDefinition.Mode.BACKGROUND : AnalysisDefinition.Mode.STEP;
  }

  private NonNamespaceOperation<GenericKubernetesResource,
      GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
      runs(GenericKubernetesResource run) {
    return client.genericKubernetesResources(ArgoResources.ANALYSIS_RUN).inNamespace(run.getMetadata().getNamespace());
  }

  static String fingerprint(RunStatus status) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Serialization.asJson(status.toMap()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
