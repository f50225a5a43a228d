package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

/** The library's own files stay in step with its code and with the project. */
class LibraryFilesTest {
  private static File library(String path) {
    return new File(System.getProperty('okra.library.dir', '.'), path)
  }

  @Test
  void thePinnedRunnerIsTheProjectsVersion() {
    Properties p = new Properties()
    library('resources/' + RunnerJar.PROPERTIES).withReader { p.load(it) }
    def m = library('../pom.xml').text =~ /(?s)<artifactId>okra-parent<\/artifactId>\s*<version>([^<]+)<\/version>/
    assertTrue(m.find(), 'the root pom has a version')
    String project = m.group(1)
    assertEquals(project.replace('-SNAPSHOT', ''), p.getProperty('runner.version'))
  }

  @Test
  void theHelpPagesNameEveryArgument() {
    String rollout = library('vars/okraRollout.txt').text
    for (String arg : Rollout.OWN + StepArguments.CONNECTION) assertTrue(rollout.contains(arg), "okraRollout.txt lacks ${arg}")
    String discover = library('vars/okraDiscover.txt').text
    for (String arg : Discover.OWN + StepArguments.CONNECTION) assertTrue(discover.contains(arg), "okraDiscover.txt lacks ${arg}")
    for (Map.Entry<String, List<String>> step : CellSteps.OWN.entrySet()) {
      String help = library("vars/${step.key}.txt").text
      for (String arg : step.value + StepArguments.CONNECTION) assertTrue(help.contains(arg), "${step.key}.txt lacks ${arg}")
    }
  }

  @Test
  void everyStepHasAScriptAndAHelpPageAndTheReadmeNamesIt() {
    String readme = library('README.md').text
    List<String> steps = library('vars').list().findAll { it.endsWith('.groovy') }.collect { it - '.groovy' }.sort()
    assertEquals(['okraAbort', 'okraDiscover', 'okraPromote', 'okraRollout', 'okraStatus'], steps)
    for (String step : steps) {
      assertTrue(library("vars/${step}.txt").isFile(), "vars/${step}.txt")
      assertTrue(readme.contains("`${step}`"), "README.md names ${step}")
    }
  }
}
