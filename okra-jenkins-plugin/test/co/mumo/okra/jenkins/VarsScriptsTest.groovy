package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertNull
import static org.junit.jupiter.api.Assertions.assertThrows
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** vars/okraRollout.groovy and vars/okraDiscover.groovy, called as a Jenkinsfile calls them. */
class VarsScriptsTest {
  RecordingPipeline pipeline = new RecordingPipeline()

  @BeforeEach
  void jar() {
    pipeline.env.OKRA_RUNNER_JAR = '/opt/okra-runner.jar'
  }

  @Test
  void okraRolloutSucceeds() {
    pipeline.runner = { List<String> w -> [0, RunnerLines.lines(RunnerLines.pass('Succeeded', '2.0.0', null, null, ['2.0.0': 100], 'done'))] }

    Map r = pipeline.call('okraRollout', [cell: 'web', namespace: 'default', timeout: '30m'])

    Map sh = pipeline.callsOf('sh')[0][1] as Map
    assertEquals('okra: roll out default/web', sh.label)
    assertEquals(['java', '-jar', '/opt/okra-runner.jar', 'reconcile', '--cell', 'web', '--wait', '--timeout', '30m', '-o', 'json',
                  '--namespace', 'default'], ScriptWords.runnerWords(sh.script as String))
    assertEquals('Succeeded', r.phase)
    assertEquals('2.0.0', r.version)
    assertNull(pipeline.currentBuild.result)
  }

  @Test
  void okraRolloutFailsTheBuildOnARollback() {
    pipeline.runner = { List<String> w -> [3, RunnerLines.lines(RunnerLines.pass('Failed', '1.0.0', '2.0.0', null, ['1.0.0': 100], 'rolled back'))] }

    def e = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraRollout', [cell: 'web']) }

    assertTrue(e.message.contains('rollout failed, traffic rolled back to 1.0.0'))
    assertEquals('FAILURE', pipeline.currentBuild.result)
  }

  @Test
  void okraRolloutTimesOut() {
    pipeline.runner = { List<String> w -> [4, RunnerLines.lines(RunnerLines.event('timeout', 'timed out after 5m'))] }

    def e = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraRollout', [cell: 'web', timeout: '5m']) }

    assertTrue(e.message.contains('timed out after 5m'))
    assertEquals('FAILURE', pipeline.currentBuild.result)
  }

  @Test
  void okraRolloutMarksAPauseUnstable() {
    pipeline.runner = { List<String> w -> [5, RunnerLines.lines(RunnerLines.pass('Paused', '1.0.0', '2.0.0', 1, ['1.0.0': 80, '2.0.0': 20], 'waiting'))] }

    Map r = pipeline.call('okraRollout', [cell: 'web'])

    assertEquals('UNSTABLE', pipeline.currentBuild.result)
    assertEquals(['1.0.0': 80, '2.0.0': 20], r.weights)
  }

  @Test
  void okraRolloutBindsTheKubeconfigAndAwsCredentials() {
    pipeline.runner = { List<String> w -> [0, ''] }

    pipeline.call('okraRollout', [cell: 'web', credentialsId: 'kubeconfig-mgmt', awsCredentialsId: 'aws-okra',
                                  notifyCredentialsId: 'okra-webhooks'])

    List bindings = pipeline.callsOf('withCredentials')[0][1] as List
    assertEquals([binding: 'file', credentialsId: 'kubeconfig-mgmt', variable: 'KUBECONFIG'], bindings[0])
    assertEquals([$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'aws-okra',
                  accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY'], bindings[1])
    assertEquals([binding: 'string', credentialsId: 'okra-webhooks', variable: 'OKRA_NOTIFY'], bindings[2])
  }

  @Test
  void okraRolloutRejectsBadArguments() {
    def unknown = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraRollout', [cell: 'web', waitFor: '5m']) }
    def missing = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraRollout', [:]) }

    assertTrue(unknown.message.startsWith("okraRollout: unknown argument 'waitFor'"))
    assertTrue(missing.message.contains("the argument 'cell' is required"))
    assertTrue(pipeline.callsOf('sh').isEmpty())
  }

  @Test
  void okraDiscoverPassesItsArgumentsThrough() {
    pipeline.runner = { List<String> w -> [0, '{"event":"discovered","message":"2 clusters"}\n'] }

    Map r = pipeline.call('okraDiscover', [namespace: 'argocd', args: ['--clusterset', 'cell1', '--dry-run']])

    assertEquals(['java', '-jar', '/opt/okra-runner.jar', 'discover', '-o', 'json', '--clusterset', 'cell1', '--dry-run', '--namespace', 'argocd'],
        ScriptWords.runnerWords((pipeline.callsOf('sh')[0][1] as Map).script as String))
    assertEquals(1, r.objects.size())
  }

  @Test
  void okraDiscoverWithoutArgumentsRunsDiscover() {
    pipeline.runner = { List<String> w -> [0, ''] }

    pipeline.call('okraDiscover', [:])

    assertEquals(['discover', '-o', 'json'], ScriptWords.runnerWords((pipeline.callsOf('sh')[0][1] as Map).script as String)[3..5])
  }

  @Test
  void okraDiscoverOnARunnerWithoutDiscoverSaysSo() {
    pipeline.runner = { List<String> w -> [2, "okra-runner: Unmatched argument at index 0: 'discover'\n"] }

    def e = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraDiscover', [:]) }

    assertTrue(e.message.contains('this okra-runner has no discover command'), e.message)
  }

  @Test
  void okraDiscoverRejectsAnUnknownArgument() {
    def e = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraDiscover', [cell: 'web']) }

    assertTrue(e.message.startsWith("okraDiscover: unknown argument 'cell'"))
  }

  @Test
  void okraPromoteRecordsThePromotionAndSaysSo() {
    pipeline.runner = { List<String> w -> [0, '{"event":"promote","message":"[prod/web] promoted past the current step; the next reconcile pass acts on it"}\n'] }

    Map r = pipeline.call('okraPromote', [cell: 'web', namespace: 'prod', full: true])

    Map sh = pipeline.callsOf('sh')[0][1] as Map
    assertEquals('okra: promote prod/web', sh.label)
    assertEquals(['cell', 'promote', 'web', '--full', '-o', 'json', '--namespace', 'prod'], ScriptWords.launcherArgs(sh.script as String))
    assertEquals('[prod/web] promoted past the current step; the next reconcile pass acts on it', r.message)
    assertTrue(pipeline.callsOf('echo').any { (it[1] as String).contains('promoted past the current step') })
    assertNull(pipeline.currentBuild.result)
  }

  @Test
  void okraPromoteFailsTheBuildWithTheRunnersMessage() {
    pipeline.runner = { List<String> w -> [2, 'okra-runner: Cell prod/web not found\n'] }

    def e = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraPromote', [cell: 'web', namespace: 'prod']) }

    assertEquals('okra: okraPromote prod/web: bad input: Cell prod/web not found', e.message)
  }

  @Test
  void okraAbortPassesTheReason() {
    pipeline.runner = { List<String> w -> [0, '{"event":"abort","message":"[prod/web] abort requested (rejected)"}\n'] }

    Map r = pipeline.call('okraAbort', [cell: 'web', namespace: 'prod', reason: "rejected in build #7, it's bad"])

    assertEquals(['cell', 'abort', 'web', '--reason', "rejected in build #7, it's bad", '-o', 'json', '--namespace', 'prod'],
        ScriptWords.launcherArgs((pipeline.callsOf('sh')[0][1] as Map).script as String))
    assertEquals(0, r.exitCode)
  }

  @Test
  void okraAbortReportsAConflict() {
    pipeline.runner = { List<String> w -> [1, '{"event":"conflict","message":"the Cell changed while this command ran; nothing was written: run it again"}\n'] }

    def e = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraAbort', [cell: 'web']) }

    assertTrue(e.message.contains('run it again'), e.message)
    assertTrue(e.message.startsWith("okra: okraAbort web (in the kubeconfig context's namespace)"), e.message)
  }

  @Test
  void okraStatusReturnsTheCellsStatusLikeARollout() {
    pipeline.runner = { List<String> w -> [0, RunnerLines.lines(RunnerLines.pass('Paused', '1.0.0', '2.0.0', 4, ['1.0.0': 50, '2.0.0': 50], 'waiting'))] }

    Map s = pipeline.call('okraStatus', [cell: 'web', namespace: 'default'])

    assertEquals(['cell', 'get', 'web', '-o', 'json', '--namespace', 'default'], ScriptWords.launcherArgs((pipeline.callsOf('sh')[0][1] as Map).script as String))
    assertEquals('Paused', s.phase)
    assertEquals('2.0.0', s.version)
    assertEquals(['1.0.0': 50, '2.0.0': 50], s.weights)
    assertNull(pipeline.currentBuild.result, 'reading a status changes no build result')
  }

  @Test
  void theCellStepsRejectBadArguments() {
    def unknown = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraPromote', [cell: 'web', reason: 'x']) }
    def missing = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraAbort', [:]) }
    def badName = assertThrows(FakeSteps.PipelineError) { pipeline.call('okraStatus', [cell: 'web; id']) }

    assertTrue(unknown.message.startsWith("okraPromote: unknown argument 'reason'"), unknown.message)
    assertTrue(missing.message.contains("the argument 'cell' is required"))
    assertTrue(badName.message.contains('is not a Kubernetes object name'))
    assertTrue(pipeline.callsOf('sh').isEmpty())
  }
}
