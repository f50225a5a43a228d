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

  /**
   * A fake java: records its arguments, writes the archive it is asked to record ("archive", or
   * FAKE_ARCHIVE), and for -version says whether the archive it is given maps (only "archive" does).
   */
  private Path fakeJava() {
    Path java = dir.resolve('bin/java')
    Files.createDirectories(java.parent)
    java.toFile().text = '''#!/bin/sh
for a in "$@"; do
  case "$a" in -XX:SharedArchiveFile=*) archive=${a#-XX:SharedArchiveFile=} ;; esac
  if [ "$a" = -version ]; then [ "$(cat "$archive")" = archive ]; exit $?; fi
done
printf '%s\\n' "$@" > args
for a in "$@"; do
  case "$a" in -XX:ArchiveClassesAtExit=*) printf '%s' "${FAKE_ARCHIVE:-archive}" > "${a#-XX:ArchiveClassesAtExit=}" ;; esac
done
echo '{"phase":"Succeeded"}'
exit "${FAKE_EXIT:-0}"
'''
    java.toFile().setExecutable(true)
    dir.resolve('okra-runner.jar').toFile().text = 'a jar'
    return java
  }

  /** [exit code] + the fake java's arguments, after running the generated script once. */
  private List<String> runnerScript(String cache, boolean record, Map<String, String> env = [:]) {
    String script = RunnerProcess.runnerScript([fakeJava().toString(), '-jar', 'okra-runner.jar', 'reconcile', '--cell', 'web'],
        '.okra/rollout.log', cache, record)
    String exports = env.collect { k, v -> "export ${k}=${Shell.quote(v)}\n" }.join('')
    Files.deleteIfExists(dir.resolve('args'))
    int rc = sh(exports + script)
    return [rc as String] + (Files.exists(dir.resolve('args')) ? dir.resolve('args').toFile().readLines() : [])
  }

  private List<String> archives(String cache) {
    File d = dir.resolve(cache).toFile()
    return d.exists() ? d.list().findAll { it.endsWith('.jsa') || it.endsWith('.partial') }.sort() : []
  }

  @Test
  void theFirstRolloutRecordsAnAppCdsArchiveAndTheNextStartsFromIt() {
    List<String> first = runnerScript('cache dir', true)

    assertEquals('0', first[0])
    assertTrue(first.containsAll(RunnerProcess.JVM_FLAGS), first.toString())
    assertTrue(first.any { it.startsWith('-XX:ArchiveClassesAtExit=cache dir/okra-runner-') }, first.toString())
    assertEquals(['-jar', 'okra-runner.jar', 'reconcile', '--cell', 'web'], first[-5..-1])
    assertEquals(1, archives('cache dir').size())
    assertTrue(archives('cache dir')[0] ==~ /okra-runner-\d+\.jsa/, archives('cache dir').toString())
    assertEquals('{"phase":"Succeeded"}\n', dir.resolve('.okra/rollout.log').toFile().text)

    List<String> next = runnerScript('cache dir', true)

    assertTrue(next.contains("-XX:SharedArchiveFile=cache dir/${archives('cache dir')[0]}".toString()), next.toString())
    assertEquals(1, archives('cache dir').size())
  }

  @Test
  void theArchiveIsKeptOnlyFromAPassThatRanAndThatMaps() {
    assertEquals('2', runnerScript('.okra', true, [FAKE_EXIT: '2'])[0])
    assertEquals([], archives('.okra'), 'bad input: no archive')
    assertEquals('0', runnerScript('.okra', true, [FAKE_ARCHIVE: 'cut short'])[0])
    assertEquals([], archives('.okra'), 'an archive that does not map is not kept')
    assertEquals('5', runnerScript('.okra', true, [FAKE_EXIT: '5'])[0])
    assertEquals(1, archives('.okra').size())
  }

  @Test
  void withoutACacheOrForOtherCommandsTheFlagsStayAndNothingIsRecorded() {
    List<String> off = runnerScript(null, true)
    List<String> noRecord = runnerScript('.okra', false)

    for (List<String> run : [off, noRecord]) {
      assertEquals('0', run[0])
      assertTrue(run.containsAll(RunnerProcess.JVM_FLAGS), run.toString())
      assertFalse(run.any { it.contains('Archive') }, run.toString())
    }
    assertEquals([], archives('.okra'))
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
