package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** The generated sh scripts, run by a real /bin/sh as a Jenkins agent would. */
class ShellScriptsTest {
  @TempDir
  Path dir

  private int sh(String script) {
    Process p = new ProcessBuilder('/bin/sh', '-c', script).directory(dir.toFile()).redirectErrorStream(true).start()
    p.inputStream.text
    return p.waitFor()
  }

  @Test
  void theRunnersExitCodeSurvivesTheTeeAndItsOutputIsKept() {
    List<String> words = ['sh', '-c', 'echo \'{"phase":"Failed"}\'; echo "okra-runner: it\'s broken" >&2; exit 3']

    int rc = sh(RunnerProcess.script(words, '.okra/rollout-default-web.log'))

    assertEquals(3, rc)
    assertEquals('{"phase":"Failed"}\nokra-runner: it\'s broken\n', dir.resolve('.okra/rollout-default-web.log').toFile().text)
  }

  @Test
  void quotingKeepsEveryWordWhole() {
    List<String> words = ['printf', '%s\\n', "it's", 'a b', '$HOME', '`id`', '"q"']

    sh(RunnerProcess.script(words, '.okra/q.log'))

    assertEquals("it's\na b\n\$HOME\n`id`\n\"q\"\n", dir.resolve('.okra/q.log').toFile().text)
  }

  @Test
  void theRunnerIsDownloadedOnceAndCheckedAgainstTheRepositorysSha1() {
    Path repo = Files.createDirectories(dir.resolve('repo'))
    byte[] jar = 'not really a jar'.bytes
    Files.write(repo.resolve('okra-runner-1.2.3.jar'), jar)
    repo.resolve('okra-runner-1.2.3.jar.sha1').toFile().text = MessageDigest.getInstance('SHA-1').digest(jar).encodeHex().toString()
    String url = repo.resolve('okra-runner-1.2.3.jar').toUri().toString()

    assertEquals(0, sh(RunnerJar.downloadScript('cache', 'cache/okra-runner-1.2.3.jar', url)))
    assertEquals('not really a jar', dir.resolve('cache/okra-runner-1.2.3.jar').toFile().text)

    Files.delete(repo.resolve('okra-runner-1.2.3.jar'))
    assertEquals(0, sh(RunnerJar.downloadScript('cache', 'cache/okra-runner-1.2.3.jar', url)), 'cached: no download')
  }

  @Test
  void aDownloadWithTheWrongChecksumIsRefusedAndLeavesNoJar() {
    Path repo = Files.createDirectories(dir.resolve('repo'))
    Files.write(repo.resolve('okra-runner-1.2.3.jar'), 'tampered'.bytes)
    repo.resolve('okra-runner-1.2.3.jar.sha1').toFile().text = '0' * 40
    String url = repo.resolve('okra-runner-1.2.3.jar').toUri().toString()

    assertTrue(sh(RunnerJar.downloadScript('cache', 'cache/okra-runner-1.2.3.jar', url)) != 0)
    assertFalse(Files.exists(dir.resolve('cache/okra-runner-1.2.3.jar')))
  }
}
