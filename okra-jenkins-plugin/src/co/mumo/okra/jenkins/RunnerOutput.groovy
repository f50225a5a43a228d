package co.mumo.okra.jenkins

import com.cloudbees.groovy.cps.NonCPS
import groovy.json.JsonSlurperClassic

/**
 * Reads what `okra-runner ... -o json` printed: one JSON object per line, among plain error lines.
 * Every method is @NonCPS: plain parsing, run outside the CPS transform, so that the runner's whole
 * log is never a CPS local (saved with the build's program state at every step) — callers pass it
 * straight in and keep only the small summary that comes back.
 */
class RunnerOutput implements Serializable {
  private static final long serialVersionUID = 1L

  private RunnerOutput() {}

  /** Every line that is a JSON object, in order (JsonSlurperClassic: plain, serializable maps). */
  @NonCPS
  static List<Map> objects(String output) {
    List<Map> out = []
    for (String line : (output ?: '').readLines()) {
      String t = line.trim()
      if (!t.startsWith('{')) continue
      try {
        Object parsed = new JsonSlurperClassic().parseText(t)
        if (parsed instanceof Map) out << (Map) parsed
      } catch (groovy.json.JsonException ignored) {
        // a line that only looks like JSON (e.g. from a log): not the runner's
      }
    }
    return out
  }

  /** What the steps need from a run's output: [lastPass (or null), timeout (the last timeout event's message), error (the runner's last error line)]. */
  @NonCPS
  static Map summary(String output) {
    List<Map> objects = objects(output)
    return [lastPass: lastPass(objects), timeout: lastEvent(objects, 'timeout'), event: lastEvent(objects, null),
            error: lastError(output ?: '')]
  }

  /** The last reconcile pass (an object with a phase), or null. */
  @NonCPS
  static Map lastPass(List<Map> objects) {
    for (int i = objects.size() - 1; i >= 0; i--) {
      if (objects[i].phase != null) return objects[i]
    }
    return null
  }

  /** The message of the last event named {@code event} (any event when null), or null. */
  @NonCPS
  static String lastEvent(List<Map> objects, String event) {
    for (int i = objects.size() - 1; i >= 0; i--) {
      if (objects[i].event != null && (event == null || objects[i].event == event)) return objects[i].message
    }
    return null
  }

  /** The runner's own error line ("okra-runner: ..."), without the prefix. */
  @NonCPS
  static String lastError(String output) {
    List<String> lines = output.readLines()
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines[i].startsWith('okra-runner: ')) return lines[i].substring('okra-runner: '.length())
    }
    return null
  }

  /** The result map of okraRollout and okraStatus, from the last pass (or `cell get` line). */
  @NonCPS
  static Map result(Map pass) {
    if (pass == null) {
      return [phase: null, version: null, step: null, weights: [:], albWeights: [:], trafficSynced: false, targetGroups: [], message: null]
    }
    return [cell          : pass.cell,
            phase         : pass.phase,
            version       : pass.desiredVersion ?: pass.stableVersion,
            stableVersion : pass.stableVersion,
            desiredVersion: pass.desiredVersion,
            step          : pass.currentStepIndex,
            weights       : byVersion(pass.targetGroups),
            // What the listener rule carried when the status was written; act on Succeeded only when trafficSynced.
            albWeights    : byVersion(pass.albTargetGroups),
            trafficSynced : pass.trafficSync == 'Synced',
            targetGroups  : pass.targetGroups ?: [],
            message       : pass.message]
  }

  @NonCPS
  private static Map<String, Integer> byVersion(Object targetGroups) {
    Map<String, Integer> weights = [:]
    for (Object o : (targetGroups ?: [])) {
      Map tg = (Map) o
      String v = (tg.version ?: tg.arn) as String
      weights[v] = (weights[v] ?: 0) + ((tg.weight ?: 0) as int)
    }
    return weights
  }

  /** e.g. {@code 1.0.0 80% | 2.0.0 20%}. */
  @NonCPS
  static String weights(Map<String, Integer> weights) {
    List<String> parts = []
    for (Map.Entry e : weights.entrySet()) parts << "${e.key} ${e.value}%"
    return parts.join(' | ')
  }
}
