package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

/** The steps' checks say yes exactly where the runner does: one grammar, compared with the runner's own classes. */
class StepArgumentsTest {
  /** co.mumo.okra.core.Durations.parse, the runner's (--timeout): found at run time, so that groovyc 2.4 needs no engine classes. */
  private static boolean runnerAccepts(String duration) {
    try {
      Class.forName('co.mumo.okra.core.Durations').getMethod('parse', String).invoke(null, duration)
      return true
    } catch (java.lang.reflect.InvocationTargetException e) {
      assertTrue(e.cause instanceof IllegalArgumentException, "${duration}: ${e.cause}")
      return false
    }
  }

  @Test
  void durationsAreWhatTheRunnerAccepts() {
    List<String> samples = ['30m', '1h', '1h30m', '90', '0', '45s', '2h5s', '1m30s', '1h1m1s', ' 30m ', '1d', '30m1h', '1h30', 'h', '',
                            '1.5h', '-1m', '30M', '10s5m', '1w', '5ms', '9223372036854775807', '9223372036854775808', '2562047788015215h',
                            '2562047788015216h', '153722867280912930m', '153722867280912931m', '2562047788015215h30m7s',
                            '2562047788015215h30m8s', '١٢m']
    for (String s : samples) {
      assertEquals(runnerAccepts(s), StepArguments.isDuration(s), "'${s}'")
    }
    assertTrue(samples.count { runnerAccepts(it) } >= 10, 'the table has both kinds')
  }

  @Test
  void namesAreKubernetesNames() {
    assertNull(new StepArguments('okraRollout', [cell: 'web-1.prod', namespace: 'argocd']).problem(['cell'], ['cell']))
    assertTrue(new StepArguments('okraRollout', [cell: 'Web']).problem(['cell'], ['cell']).contains('not a Kubernetes object name'))
    assertTrue(new StepArguments('okraRollout', [cell: 'web', namespace: 'a.b']).problem(['cell'], ['cell'])
        .contains("namespace 'a.b' is not a Kubernetes namespace name"))
    assertTrue(new StepArguments('okraRollout', [cell: 'web', runnerSha256: 'abc']).problem(['cell'], ['cell'])
        .contains("runnerSha256 'abc' is not a SHA-256"))
  }

  @Test
  void theseTestsRunOnTheGroovyTheBuildSays() {
    // The build runs every test twice: on the current Groovy, and on Jenkins' Groovy 2.4 (pom.xml).
    assertEquals(System.getProperty('okra.groovy.expected'), GroovySystem.version)
  }
}
