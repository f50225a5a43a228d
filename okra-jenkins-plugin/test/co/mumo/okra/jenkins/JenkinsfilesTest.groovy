package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.codehaus.groovy.control.CompilerConfiguration
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** The Jenkinsfiles of the repository, walked stage by stage with the library's steps run for real. */
class JenkinsfilesTest {
  RecordingPipeline pipeline = new RecordingPipeline()

  private static File file(String path) {
    return new File(System.getProperty('okra.library.dir', '.'), "../${path}")
  }

  private void run(String path) {
    // @Library('okra') _ loads the library in Jenkins; here the steps are already at hand.
    String text = file(path).text.replaceAll(/(?m)^@Library\(.*\)\s*_\s*$/, '')
    CompilerConfiguration config = new CompilerConfiguration()
    config.scriptBaseClass = PipelineScript.name
    Binding binding = new Binding()
    binding.setVariable('__pipeline', pipeline)
    new GroovyShell(getClass().classLoader, binding, config).evaluate(text, file(path).name)
  }

  @BeforeEach
  void runnerOnTheAgent() {
    pipeline.env.OKRA_RUNNER_JAR = '/opt/okra-runner.jar'
  }

  private List<String> runnerCommands() {
    return pipeline.callsOf('sh').findAll { it[1] instanceof Map }.collect {
      List<String> args = ScriptWords.launcherArgs((it[1] as Map).script as String)
      args[0] == 'cell' ? "${args[0]} ${args[1]}".toString() : args[0]
    }
  }

  @Test
  void theExampleRollsOutAsksWithoutAnExecutorPromotesAndFinishes() {
    int reconciles = 0
    pipeline.runner = { List<String> words ->
      if (words[3] == 'discover') return [0, '']
      if (words[3] == 'cell') return [0, '{"event":"promote","message":"[argocd/cell1] promoted past the current step"}\n']
      reconciles++
      return reconciles == 1
          ? [5, RunnerLines.lines(RunnerLines.pass('Paused', '1.0.0', '2.0.0', 5, ['1.0.0': 50, '2.0.0': 50], 'waiting for promote'))]
          : [0, RunnerLines.lines(RunnerLines.pass('Succeeded', '2.0.0', null, null, ['2.0.0': 100], 'done'))]
    }

    run('examples/jenkins/Jenkinsfile')

    assertEquals(['discover', 'reconcile', 'cell promote', 'reconcile'], runnerCommands())
    assertEquals('none', (pipeline.callsOf('pipeline')[0][1] as Map).agent, 'no executor for the pipeline as a whole')
    List input = pipeline.callsOf('input')[0]
    assertEquals([agent: 'none', locks: []], input[-1], 'the approval holds no executor and no lock')
    for (List call : pipeline.callsOf('library')) {
      assertEquals([agent: 'any', locks: ['okra-argocd-cell1']], call[2], "${call[1]} runs on an agent, under the Cell's lock")
    }
    List<Object> order = pipeline.calls.findAll { it[0] in ['milestone', 'input'] }.collect { it[0] == 'input' ? 'input' : it[1] }
    assertEquals([1, 2, 'input', 3], order, 'milestones before and after the approval')
    assertTrue(pipeline.calls.any { it[0] == 'timeout' && (it[1] as Map).time == 14 }, 'the approval waits until the next build at most')
    assertEquals(null, pipeline.currentBuild.result, 'a pause is not the build failing')
  }

  @Test
  void withoutAPauseTheExampleNeitherAsksNorPromotes() {
    pipeline.runner = { List<String> words ->
      words[3] == 'discover' ? [0, ''] : [0, RunnerLines.lines(RunnerLines.pass('Succeeded', '2.0.0', null, null, ['2.0.0': 100], 'done'))]
    }

    run('examples/jenkins/Jenkinsfile')

    assertEquals(['discover', 'reconcile'], runnerCommands())
    assertEquals([['skipped', 'Approve'], ['skipped', 'Promote']], pipeline.callsOf('skipped'))
    assertTrue(pipeline.callsOf('input').isEmpty())
  }

  @Test
  void theExampleNamesNoJarAndHoldsNoPipelineWideLock() {
    String text = file('examples/jenkins/Jenkinsfile').text

    assertFalse((text =~ /(?m)^[^\/]*\.jar/).find(), 'a jar path in the Jenkinsfile')
    assertTrue(text.contains('agent none'))
  }

  @Test
  void theProjectsOwnPipelineBuildsTestsAndArchives() {
    run('Jenkinsfile')

    List<String> shells = pipeline.calls.findAll { it[0] == 'sh' }.collect { it[1].toString() }
    assertEquals(['mvn -B -ntp -DskipTests package', 'scripts/test.sh', 'java -jar okra-runner/target/okra-runner.jar demo --fast'], shells)
    assertTrue(pipeline.calls.any { it[0] == 'archiveArtifacts' && (it[1] as Map).artifacts == 'okra-runner/target/okra-runner.jar' })
  }
}
