package co.mumo.okra.cell;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Waves, decided: whether the Cells a Cell waits for ({@code spec.rolloutAfter}) let it start a version.
 * They do once each has that version (or a newer one) as its stable version, seen on its ALB; a
 * failure of the version in any of them (recorded, or in its blocklist) stops it here. Only the start
 * of a version is held: a rollout in flight carries on, and falling back or rolling back never waits.
 * Pure: it reads what the pass observed ({@link EarlierWaves}).
 */
final class WaveGate {
  /** How often a waiting Cell looks again while an earlier wave is rolling out (watch events come sooner). */
  static final Duration POLL = Duration.ofSeconds(30);

  private final CellDefinition cell;
  private final EarlierWaves waves;

  WaveGate(CellDefinition cell, EarlierWaves waves) {
    this.cell = cell;
    this.waves = waves;
  }

  /** Why a version may not start yet. {@code inMotion}: an earlier wave is rolling out, so this will change by itself. */
  record Hold(Version version, String reason, String message, boolean inMotion) {}

  /** What makes the Cell invalid: entries the owner policy refuses, and a cycle through this Cell. */
  List<FieldError> errors() {
    List<FieldError> out = new ArrayList<>(waves.refused());
    cycle().ifPresent(out::add);
    return out;
  }

  /** Empty when the earlier waves let this Cell start {@code v}. */
  Optional<Hold> hold(Version v) {
    List<String> failed = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    boolean inMotion = false;
    for (EarlierWaves.Earlier e : waves.cells()) {
      String key = e.ref().key();
      if (e.state().isEmpty()) {
        waiting.add(key + " (" + e.ref().field() + ": no such Cell)");
        continue;
      }
      RolloutState r = e.state().get().rollout();
      Optional<String> failure = r.failure().filter(f -> f.version().sameAs(v) && !f.retryRequested()).map(RolloutState.Failure::cause);
      if (failure.isPresent() || e.state().get().blocked().stream().anyMatch(v::sameAs)) {
        failed.add(key + failure.map(c -> " (" + c + ")").orElse(" (blocked there)"));
      } else if (!has(r, v)) {
        waiting.add(key + " (it has " + r.stable().map(Version::toString).orElse("no stable version") + ", " + r.phase() + ")");
        inMotion |= r.phase() == Phase.Progressing || r.phase().applying();
      }
    }
    if (!failed.isEmpty()) {
      return Optional.of(new Hold(v, Reasons.EARLIER_WAVE_FAILED, v + " failed in the earlier wave " + String.join(", ", failed)
          + ": not starting it here (`okra-runner cell retry` there, or a newer version, lets the waves go on)", false));
    }
    if (!waiting.isEmpty()) {
      return Optional.of(new Hold(v, inMotion ? Reasons.WAITING_FOR_EARLIER_WAVE : Reasons.EARLIER_WAVE_NOT_STARTED,
          "waiting to start " + v + " until it is the stable version of the earlier wave " + String.join(", ", waiting), inMotion));
    }
    return Optional.empty();
  }

  /** {@code v} or a newer version is stable there, and the ALB was seen carrying it (not still Promoting). */
  private static boolean has(RolloutState r, Version v) {
    return r.stable().map(s -> s.compareTo(v) > 0 || (s.sameAs(v) && r.phase() != Phase.Promoting)).orElse(false);
  }

  /** The plan with the waves' word on it: a condition, the hold's message first, and a look again while an earlier wave moves. */
  Plan annotate(Plan plan, Optional<Hold> held) {
    if (plan.state().phase() == Phase.Invalid || waves.cells().isEmpty()) return plan;
    CellCondition condition = held.map(h -> new CellCondition(Reasons.WAVE_READY, false, h.reason(), h.message()))
        .orElseGet(() -> new CellCondition(Reasons.WAVE_READY, true, Reasons.EARLIER_WAVES_DONE,
            "the earlier waves (" + waves.cells().stream().map(e -> e.ref().key()).collect(Collectors.joining(", "))
                + ") hold back nothing this Cell wants"));
    List<CellCondition> conditions = new ArrayList<>(plan.conditions());
    conditions.add(condition);
    if (held.isEmpty()) return plan.withWords(plan.message(), conditions, plan.requeueAfter());
    String message = held.get().message() + "; " + plan.message();
    conditions.replaceAll(c -> c.message().equals(plan.message()) ? new CellCondition(c.type(), c.status(), c.reason(), message) : c);
    Optional<Duration> requeue = plan.requeueAfter();
    if (held.get().inMotion() && (requeue.isEmpty() || requeue.get().compareTo(POLL) > 0)) requeue = Optional.of(POLL);
    return plan.withWords(message, conditions, requeue);
  }

  /** The earlier waves hold back a version this Cell wants (the plan's message says which and why). */
  static boolean holding(Plan plan) {
    return plan.conditions().stream().anyMatch(c -> c.type().equals(Reasons.WAVE_READY) && !c.status());
  }

  /** Waiting for an earlier wave that is rolling out: not settled, more will happen without anyone acting. */
  static boolean waitingInMotion(Plan plan) {
    return plan.conditions().stream().anyMatch(c -> c.type().equals(Reasons.WAVE_READY) && !c.status()
        && c.reason().equals(Reasons.WAITING_FOR_EARLIER_WAVE));
  }

  /** A cycle of waits through this Cell, as far as the pass could read the Cells it leads to. */
  private Optional<FieldError> cycle() {
    String self = cell.key();
    Map<String, List<String>> graph = waves.graph();
    for (String first : graph.getOrDefault(self, List.of())) {
      List<String> path = pathTo(first, self, graph, new HashSet<>());
      if (path == null) continue;
      Optional<WaveReference> ref = waves.cells().stream().map(EarlierWaves.Earlier::ref).filter(r -> r.key().equals(first)).findFirst();
      String field = ref.map(WaveReference::field).orElse("spec.rolloutAfter");
      return Optional.of(new FieldError(field, "waits in a cycle: " + self + " -> " + String.join(" -> ", path)
          + "; no Cell in it could ever start a version"));
    }
    return Optional.empty();
  }

  /** The keys from {@code from} to {@code target} along waits (both included), or null when there is no such path. */
  private static List<String> pathTo(String from, String target, Map<String, List<String>> graph, Set<String> visited) {
    if (from.equals(target)) return new ArrayList<>(List.of(target));
    if (!visited.add(from)) return null;
    for (String next : graph.getOrDefault(from, List.of())) {
      List<String> rest = pathTo(next, target, graph, visited);
      if (rest != null) {
        rest.add(0, from);
        return rest;
      }
    }
    return null;
  }
}
