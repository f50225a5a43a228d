package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertNull
import static org.junit.jupiter.api.Assertions.assertThrows
import static org.junit.jupiter.api.Assertions.assertTrue
import static org.junit.jupiter.api.Assertions.assertFalse

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class RolloutTest {
  FakeSteps steps = new FakeSteps()

  @BeforeEach
  void runnerJarFromTheEnvironment() {
    steps.environment.OKRA_RUNNER_JAR = '/opt/okra/okra-runner.jar'
  }

  private void runnerSays(int exitCode, String output) {
    steps.runner = { List<String> words -> [exitCode, output] }
  }

  private String failure(Map args) {
    FakeSteps.PipelineError e = assertThrows(FakeSteps.PipelineError) { Rollout.run(steps, args) }
    assertEquals('FAILURE', steps.buildResult)
    return e.message
  }

  @Test
  void runsReconcileWaitWithJsonOutputAndReturnsTheLastPass() {
    runnerSays(0, RunnerLines.lines(
        RunnerLines.pass('Progressing', '1.0.0', '2.0.0', 0, ['1.0.0': 80, '2.0.0': 20], 'step 1/2 (setWeight 20): setting 2.0.0 to 20%'),
        RunnerLines.pass('Succeeded', '2.0.0', null, null, ['2.0.0': 100], 'all 2 steps passed: 2.0.0 is stable')))

    Map r = Rollout.run(steps, [cell: 'web', namespace: 'default', timeout: '45m'])

    assertEquals(['java', '-jar', '/opt/okra/okra-runner.jar', 'reconcile', '--cell', 'web', '--wait', '--timeout', '45m',
                  '-o', 'json', '--namespace', 'default'], ScriptWords.runnerWords(steps.callsOf('sh')[0][2] as String))
    assertEquals('okra: roll out default/web', steps.callsOf('sh')[0][1])
    assertEquals('Succeeded', r.phase)
    assertEquals('2.0.0', r.version)
    assertEquals(['2.0.0': 100], r.weights)
    assertNull(r.step)
    assertEquals(0, r.exitCode)
    assertEquals('SUCCESS', r.result)
    assertEquals('.okra/rollout-default-web.log', r.log)
    assertEquals('SUCCESS', steps.buildResult)
    assertTrue(steps.callsOf('echo').any { it[1] == 'okra: default/web: Succeeded 2.0.0 (2.0.0 100%): all 2 steps passed: 2.0.0 is stable' })
  }

  @Test
  void aRolledBackRolloutFailsTheBuildWithTheCause() {
    runnerSays(3, RunnerLines.lines(RunnerLines.pass('Failed', '1.0.0', '2.0.0', null, ['1.0.0': 100],
        'rollout of 2.0.0 failed: AnalysisRun web-1-step1 Failed; traffic rolled back to 1.0.0 and 2.0.0 blocked')))

    String message = failure([cell: 'web'])

    assertEquals('okra: default/web: rollout failed, traffic rolled back to 1.0.0: rollout of 2.0.0 failed: '
        + 'AnalysisRun web-1-step1 Failed; traffic rolled back to 1.0.0 and 2.0.0 blocked', message)
  }

  @Test
  void aTimeoutFailsTheBuild() {
    runnerSays(4, RunnerLines.lines(
        RunnerLines.pass('Progressing', '1.0.0', '2.0.0', 1, ['1.0.0': 80, '2.0.0': 20], 'step 2/3 (pause 1h): 59m left'),
        RunnerLines.event('timeout', 'timed out after 1m; still waiting: default/web: step 2/3 (pause 1h): 59m left')))

    String message = failure([cell: 'web', timeout: '1m'])

    assertEquals('okra: default/web: timed out after 1m: timed out after 1m; still waiting: default/web: step 2/3 (pause 1h): 59m left', message)
  }

  @Test
  void aPauseForAHumanMarksTheBuildUnstableByDefaultAndReturnsTheResult() {
    runnerSays(5, RunnerLines.lines(RunnerLines.pass('Paused', '1.0.0', '2.0.0', 2, ['1.0.0': 50, '2.0.0': 50],
        'step 3/3 (pause until promoted): waiting for `okra-runner cell promote`')))

    Map r = Rollout.run(steps, [cell: 'web'])

    assertEquals('UNSTABLE', steps.buildResult)
    assertEquals('UNSTABLE', r.result)
    assertEquals(2, r.step)
    assertEquals(['1.0.0': 50, '2.0.0': 50], r.weights)
    assertTrue((steps.callsOf('unstable')[0][1] as String).contains('waits for a human'))
  }

  @Test
  void onPauseChoosesTheResult() {
    String paused = RunnerLines.lines(RunnerLines.pass('Paused', '1.0.0', '2.0.0', 2, ['1.0.0': 50, '2.0.0': 50], 'waiting'))
    runnerSays(5, paused)
    assertEquals('SUCCESS', Rollout.run(steps, [cell: 'web', onPause: 'SUCCESS']).result)
    assertEquals('SUCCESS', steps.buildResult)
    assertTrue(steps.callsOf('unstable').isEmpty())

    steps = new FakeSteps()
    steps.environment.OKRA_RUNNER_JAR = '/opt/okra.jar'
    runnerSays(5, paused)
    assertTrue(failure([cell: 'web', onPause: 'failure']).contains('waits for a human'))
  }

  @Test
  void badInputFailsWithTheRunnersMessage() {
    runnerSays(2, 'okra-runner: Cell default/web not found\n')

    assertEquals("okra: web (in the kubeconfig context's namespace): bad input: Cell default/web not found", failure([cell: 'web']))
  }

  @Test
  void anInvalidCellFailsWithItsStatusMessage() {
    runnerSays(2, RunnerLines.lines(RunnerLines.pass('Invalid', null, null, null, [:],
        'Cell default/web is invalid: spec.replicas: must be at least 1, got 0')))

    assertTrue(failure([cell: 'web']).endsWith('bad input: Cell default/web is invalid: spec.replicas: must be at least 1, got 0'))
  }

  @Test
  void anUnreachableClusterFailsTheBuild() {
    runnerSays(1, 'okra-runner: Kubernetes API: connection refused\n')

    assertEquals('okra: default/web: error talking to Kubernetes or AWS: Kubernetes API: connection refused',
        failure([cell: 'web', namespace: 'default']))
  }

  @Test
  void anUnknownArgumentFailsBeforeAnythingRuns() {
    String message = failure([cell: 'web', timout: '5m'])

    assertTrue(message.startsWith("okraRollout: unknown argument 'timout' (known: "), message)
    assertTrue(message.contains('timeout'))
    assertTrue(steps.callsOf('sh').isEmpty())
  }

  @Test
  void aMissingCellFailsBeforeAnythingRuns() {
    assertEquals("okraRollout: the argument 'cell' is required, e.g. okraRollout cell: 'web'", failure([namespace: 'default']))
    assertTrue(steps.callsOf('sh').isEmpty())
  }

  @Test
  void malformedValuesFailBeforeAnythingRuns() {
    assertTrue(failure([cell: 'web; rm -rf /']).contains('is not a Kubernetes object name'))
    steps = new FakeSteps()
    assertTrue(failure([cell: 'web', timeout: 'soon']).contains("timeout 'soon' is not a duration"))
    steps = new FakeSteps()
    assertTrue(failure([cell: 'web', onPause: 'ABORTED']).contains('onPause must be one of UNSTABLE, FAILURE, SUCCESS'))
    steps = new FakeSteps()
    assertTrue(failure([cell: 'web', extraArgs: '--verbose']).contains('extraArgs must be a list'))
  }

  @Test
  void credentialsAreBoundAroundTheRunnerAndNeverOnItsCommandLine() {
    runnerSays(0, RunnerLines.lines(RunnerLines.pass('Succeeded', '1.0.0', null, null, ['1.0.0': 100], 'done')))

    Rollout.run(steps, [cell: 'web', credentialsId: 'mgmt-kubeconfig', awsCredentialsId: 'okra-aws'])

    List sh = steps.callsOf('sh')[0]
    assertEquals([[type: 'file', credentialsId: 'mgmt-kubeconfig', variable: 'KUBECONFIG'], [type: 'aws', credentialsId: 'okra-aws']], sh[3])
    assertFalse((sh[2] as String).contains('mgmt-kubeconfig'))
    assertTrue((sh[2] as String).startsWith('set +x'))
  }

  @Test
  void webhooksComeFromASecretTextCredentialAndNeverReachTheCommandLine() {
    runnerSays(0, '')

    Rollout.run(steps, [cell: 'web', notifyCredentialsId: 'okra-slack-webhook', notifyFormat: 'slack'])

    List sh = steps.callsOf('sh')[0]
    assertEquals([[type: 'string', credentialsId: 'okra-slack-webhook', variable: 'OKRA_NOTIFY']], sh[3])
    assertEquals(['reconcile', '--cell', 'web', '--wait', '--timeout', '30m', '-o', 'json', '--notify-format', 'slack'],
        ScriptWords.runnerWords(sh[2] as String).drop(3))
    steps = new FakeSteps()
    assertTrue(failure([cell: 'web', notifyFormat: 'teams']).contains('notifyFormat must be one of json, slack'))
  }

  @Test
  void connectionAndExtraArgumentsArePassedThroughQuoted() {
    runnerSays(0, '')

    Rollout.run(steps, [cell: 'web', namespace: 'prod', context: "it's", region: 'eu-west-1', java: '/jdk/bin/java',
                        policy: '/etc/okra/policy.yaml', extraArgs: ['--verbose'], dryRun: true])

    assertEquals(['/jdk/bin/java', '-jar', '/opt/okra/okra-runner.jar', 'reconcile', '--cell', 'web', '--wait', '--timeout', '30m',
                  '-o', 'json', '--dry-run', '--namespace', 'prod', '--context', "it's", '--region', 'eu-west-1',
                  '--policy', '/etc/okra/policy.yaml', '--verbose'],
        ScriptWords.runnerWords(steps.callsOf('sh')[0][2] as String))
  }

  @Test
  void theRunnerJarArgumentWinsOverTheEnvironment() {
    runnerSays(0, '')

    Rollout.run(steps, [cell: 'web', runnerJar: 'tools/okra-runner.jar'])

    assertEquals('tools/okra-runner.jar', ScriptWords.runnerWords(steps.callsOf('sh')[0][2] as String)[2])
  }

  @Test
  void withoutAJarTheReleaseIsDownloadedIntoTheUsersCacheAndPinned() {
    steps.environment.clear()
    runnerSays(0, '')
    String sha = 'ab' * 32

    Rollout.run(steps, [cell: 'web', runnerSha256: sha.toUpperCase()])

    String download = steps.callsOf('sh')[0][2]
    Properties p = new Properties()
    p.load(new StringReader(steps.libraryResource(RunnerJar.PROPERTIES)))
    String pinned = p.getProperty('runner.version')
    assertTrue(download.contains("okra_url='https://repo1.maven.org/maven2/co/mumo/okra/okra-runner/${pinned}/okra-runner-${pinned}.jar'"), download)
    Map<String, String> env = ScriptWords.exports(steps.callsOf('sh')[1][2] as String)
    assertEquals('${OKRA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/okra}/jars/okra-runner-' + pinned + '.jar', env.OKRA_RUNNER_JAR)
    assertEquals(sha, env.OKRA_RUNNER_SHA256, 'the launcher checks the pin on every start')
  }

  @Test
  void aReleaseWithoutAPinIsRefusedBeforeAnythingRuns() {
    steps.environment.clear()

    String message = failure([cell: 'web', runnerVersion: '9.9.9'])

    assertTrue(message.contains('no pinned SHA-256 for okra-runner 9.9.9'), message)
    assertTrue(message.contains('set runnerSha256'), message)
    assertTrue(steps.callsOf('sh').isEmpty())
  }

  @Test
  void aFailedOrRefusedDownloadSaysWhy() {
    steps.environment.clear()
    steps.download = { String script -> 22 }
    String failed = failure([cell: 'web', runnerVersion: '9.9.9', runnerSha256: 'ab' * 32])
    steps = new FakeSteps()
    steps.download = { String script -> 2 }
    String refused = failure([cell: 'web', runnerVersion: '9.9.9', runnerSha256: 'ab' * 32])

    assertTrue(failed.contains('could not download okra-runner 9.9.9'), failed)
    assertTrue(failed.contains('set runnerJar or OKRA_RUNNER_JAR'))
    assertTrue(refused.contains('refusing okra-runner 9.9.9'), refused)
    assertTrue(refused.contains('not the pinned SHA-256 ' + 'ab' * 32), refused)
  }

  @Test
  void theTimeoutIsCheckedWithTheRunnersGrammar() {
    for (String bad : ['1d', '30m1h', '1.5h', 'soon', '', '99999999999999999999']) {
      steps = new FakeSteps()
      steps.environment.OKRA_RUNNER_JAR = '/opt/okra.jar'
      assertTrue(failure([cell: 'web', timeout: bad]).contains("timeout '${bad}' is not a duration"), bad)
      assertTrue(steps.callsOf('sh').isEmpty())
    }
  }

  @Test
  void theNamespaceDefaultIsTheContextsAndSaidSo() {
    runnerSays(0, '')

    Rollout.run(steps, [cell: 'web'])

    assertEquals("okra: roll out web (in the kubeconfig context's namespace)", steps.callsOf('sh')[0][1])
    assertFalse(ScriptWords.launcherArgs(steps.callsOf('sh')[0][2] as String).contains('--namespace'), 'the runner picks the namespace')
  }
}
