package co.mumo.okra.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The generated sh scripts, run by a real /bin/sh as a Jenkins agent would, with the launcher the
 * library ships and a fake java that prints its arguments and exits with FAKE_EXIT. (The launcher's
 * own behaviour, archives included, is tested in okra-runner: LauncherTest, LauncherIT.)
 */
class ShellScriptsTest {
  @TempDir
  Path dir

  String launcher
  Path java

  @BeforeEach
  void fakeJava() {
    launcher = new File(System.getProperty('okra.library.dir', '.'), "resources/${RunnerProcess.LAUNCHER}").getText('UTF-8')
    java = dir.resolve('bin/java')
    Files.createDirectories(java.parent)
    java.toFile().text = '''#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a"; done
echo "okra-runner: it's broken" >&2
exit "${FAKE_EXIT:-0}"
'''
    java.toFile().setExecutable(true)
    dir.resolve('okra-runner.jar').toFile().text = 'a jar'
  }

  private int sh(String script, Map<String, String> env = [:]) {
    ProcessBuilder pb = new ProcessBuilder('/bin/sh', '-c', script).directory(dir.toFile()).redirectErrorStream(true)
    pb.environment().put('OKRA_CACHE', dir.resolve('cache').toString())
    pb.environment().putAll(env)
    Process p = pb.start()
    p.inputStream.text
    return p.waitFor()
  }

  private static String sha256(byte[] bytes) {
    return MessageDigest.getInstance('SHA-256').digest(bytes).encodeHex().toString()
  }

  private String script(List<String> words, String sha = null) {
    return RunnerProcess.runnerScript(launcher, Shell.quote('okra-runner.jar'), sha, java.toString(), false, words, '.okra/rollout.log')
  }

  @Test
  void theRunnersExitCodeSurvivesTheTeeAndItsOutputIsKept() {
    int rc = sh(script(['reconcile', '--cell', 'web']), [FAKE_EXIT: '3'])

    assertEquals(3, rc)
    List<String> log = dir.resolve('.okra/rollout.log').toFile().readLines()
    assertTrue(log.containsAll(['-jar', 'okra-runner.jar', 'reconcile', '--cell', 'web']), log.toString())
    assertTrue(log.contains("okra-runner: it's broken"))
  }

  @Test
  void quotingKeepsEveryWordWhole() {
    List<String> words = ['cell', 'get', "it's", 'a b', '$HOME', '`id`', '"q"']

    sh(script(words))

    List<String> log = dir.resolve('.okra/rollout.log').toFile().readLines()
    assertEquals(words, log.subList(log.indexOf('okra-runner.jar') + 1, log.indexOf('okra-runner.jar') + 1 + words.size()))
  }

  @Test
  void theLauncherRunsThePinnedJarAndRefusesAnyOther() {
    String pin = sha256('a jar'.bytes)

    assertEquals(0, sh(script(['version'], pin)))
    dir.resolve('okra-runner.jar').toFile().text = 'a jar, tampered with'
    int rc = sh(script(['version'], pin))

    assertEquals(2, rc)
    String log = dir.resolve('.okra/rollout.log').toFile().text
    assertTrue(log.contains('okra-runner: refusing to run okra-runner.jar'), log)
    assertFalse(log.contains('-jar'), 'java never ran')
  }

  @Test
  void theLauncherIsWrittenAfreshEveryRun() {
    sh(script(['version']))
    dir.resolve('.okra/okra-runner').toFile().text = 'echo tampered; exit 0'

    sh(script(['version']))

    assertEquals(launcher, dir.resolve('.okra/okra-runner').toFile().text)
  }

  private Path repository(String version, String content) {
    Path repo = Files.createDirectories(dir.resolve("repo/${version}"))
    Files.write(repo.resolve("okra-runner-${version}.jar"), content.bytes)
    return repo.resolve("okra-runner-${version}.jar")
  }

  private String download(String version, String url, String sha) {
    return RunnerJar.downloadScript("\"${RunnerJar.CACHE}/jars/okra-runner-${version}.jar\"", version, url, sha)
  }

  @Test
  void theReleaseIsDownloadedOnceIntoTheUsersCacheAndCheckedAgainstItsPin() {
    Path jar = repository('1.2.3', 'not really a jar')
    String pin = sha256('not really a jar'.bytes)
    String url = jar.toUri().toString()
    Path cached = dir.resolve('cache/jars/okra-runner-1.2.3.jar')

    assertEquals(0, sh(download('1.2.3', url, pin)))
    assertEquals('not really a jar', cached.toFile().text)
    assertEquals('rwx------', java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cached.parent)))

    Files.delete(jar)
    assertEquals(0, sh(download('1.2.3', url, pin)), 'cached: no download')
  }

  @Test
  void aTamperedCachedJarIsDownloadedAgainAndATamperedDownloadRefused() {
    Path jar = repository('1.2.3', 'not really a jar')
    String pin = sha256('not really a jar'.bytes)
    Path cached = dir.resolve('cache/jars/okra-runner-1.2.3.jar')
    Files.createDirectories(cached.parent)
    cached.toFile().text = 'tampered with in the cache'

    assertEquals(0, sh(download('1.2.3', jar.toUri().toString(), pin)))
    assertEquals('not really a jar', cached.toFile().text)

    Files.delete(cached)
    jar.toFile().text = 'tampered with at the source'
    assertEquals(2, sh(download('1.2.3', jar.toUri().toString(), pin)))
    assertFalse(Files.exists(cached))
  }
}
