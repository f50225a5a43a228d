package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.codehaus.groovy.control.CompilerConfiguration
import org.junit.jupiter.api.Test

/** The Jenkinsfiles of the repository, walked stage by stage with the library's steps run for real. */
class JenkinsfilesTest {
  RecordingPipeline pipeline = new RecordingPipeline()

  private void run(String path) {
    File file = new File(System.getProperty('okra.library.dir', '.'), "../${path}")
    // @Library('okra') _ loads the library in Jenkins; here the steps are already at hand.
    String text = file.text.replaceAll(/(?m)^@Library\(.*\)\s*_\s*$/, '')
    CompilerConfiguration config = new CompilerConfiguration()
    config.scriptBaseClass = PipelineScript.name
    Binding binding = new Binding()
    binding.setVariable('__pipeline', pipeline)
    new GroovyShell(getClass().classLoader, binding, config).evaluate(text, file.name)
  }

  @Test
  void theExampleRollsOutPromotesOnApprovalAndFinishes() {
    pipeline.env.OKRA_RUNNER_JAR = '/opt/okra-runner.jar'
    int reconciles = 0
    pipeline.runner = { List<String> words ->
      if (words[3] == 'discover') return [0, '']
      reconciles++
      return reconciles == 1
          ? [5, RunnerLines.lines(RunnerLines.pass('Paused', '1.0.0', '2.0.0', 5, ['1.0.0': 50, '2.0.0': 50], 'waiting for promote'))]
          : [0, RunnerLines.lines(RunnerLines.pass('Succeeded', '2.0.0', null, null, ['2.0.0': 100], 'done'))]
    }

    run('examples/jenkins/Jenkinsfile')

    List<String> runs = pipeline.callsOf('sh').findAll { it[1] instanceof Map }.collect { ScriptWords.runnerWords((it[1] as Map).script as String)[3] }
    assertEquals(['discover', 'reconcile', 'reconcile'], runs)
    assertTrue(pipeline.calls.any { it[0] == 'input' })
    assertTrue(pipeline.calls.any { it[0] == 'sh' && it[1] instanceof CharSequence && it[1].toString().contains('cell promote cell1 -n argocd') })
    assertEquals('UNSTABLE', pipeline.currentBuild.result, 'the pause marked the build before the promotion')
  }

  @Test
  void theProjectsOwnPipelineBuildsTestsAndArchives() {
    run('Jenkinsfile')

    List<String> shells = pipeline.calls.findAll { it[0] == 'sh' }.collect { it[1].toString() }
    assertEquals(['mvn -B -ntp -DskipTests package', 'scripts/test.sh', 'java -jar okra-runner/target/okra-runner.jar demo --fast'], shells)
    assertTrue(pipeline.calls.any { it[0] == 'archiveArtifacts' && (it[1] as Map).artifacts == 'okra-runner/target/okra-runner.jar' })
  }
}
