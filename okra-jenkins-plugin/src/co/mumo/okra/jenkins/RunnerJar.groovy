package co.mumo.okra.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * Which okra-runner jar runs, and the SHA-256 it must have. First match wins: the step's
 * {@code runnerJar} argument, the {@code OKRA_RUNNER_JAR} environment variable (e.g. set on the agent,
 * or from a tool install), else the release pinned in resources/co/mumo/okra/jenkins/okra.properties
 * (or {@code runnerVersion}), downloaded once from Maven Central (or {@code OKRA_MAVEN_REPOSITORY}, a
 * mirror) into the agent user's own cache ({@code OKRA_CACHE}, default ~/.cache/okra). A release is
 * pinned: its SHA-256 is {@code runnerSha256}, else its line in okra-runner.sha256 (a copy of the
 * repository's ci/okra-runner.sha256); the launcher checks it on every start, a cached jar included.
 */
class RunnerJar implements Serializable {
  private static final long serialVersionUID = 1L
  static final String PROPERTIES = 'co/mumo/okra/jenkins/okra.properties'
  static final String PINS = 'co/mumo/okra/jenkins/okra-runner.sha256'
  static final String COORDINATES = 'co/mumo/okra/okra-runner'
  /** The cache as the launcher finds it, as a shell expression: the agent user's, never a shared path. */
  static final String CACHE = '${OKRA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/okra}'

  private RunnerJar() {}

  /** @return [jar: the jar as one shell word, sha256: the pin or null]; a release is downloaded first when it is not cached (or not the pinned one) */
  static Map resolve(PipelineSteps steps, StepArguments args) {
    String sha = args.string('runnerSha256', null)?.toLowerCase()
    String given = args.string('runnerJar', null) ?: steps.env('OKRA_RUNNER_JAR')
    if (given) return [jar: Shell.quote(given), sha256: sha]
    Properties pinned = properties(steps.libraryResource(PROPERTIES))
    String version = args.string('runnerVersion', pinned.getProperty('runner.version'))
    if (!(version ==~ /[0-9A-Za-z][0-9A-Za-z.+_-]*/)) {
      steps.error("${args.step}: runnerVersion '${version}' is not a version")
      return null
    }
    sha = sha ?: pin(steps.libraryResource(PINS), version)
    if (sha == null) {
      steps.error("${args.step}: no pinned SHA-256 for okra-runner ${version} (okra-runner.sha256 of this library): "
          + 'set runnerSha256 to the SHA-256 of the release jar you trust, or runnerJar / OKRA_RUNNER_JAR to a local jar')
      return null
    }
    String repository = steps.env('OKRA_MAVEN_REPOSITORY') ?: pinned.getProperty('runner.repository')
    String jar = "\"${CACHE}/jars/okra-runner-${version}.jar\""
    String url = "${repository.replaceAll('/+$', '')}/${COORDINATES}/${version}/okra-runner-${version}.jar"
    int rc = steps.sh(downloadScript(jar, version, url, sha), "okra: get okra-runner ${version}")
    if (rc == 2) {
      steps.error("${args.step}: refusing okra-runner ${version} from ${url}: it is not the pinned SHA-256 ${sha} (see the log)")
      return null
    }
    if (rc != 0) {
      steps.error("${args.step}: could not download okra-runner ${version} from ${url} (exit ${rc}); "
          + 'set runnerJar or OKRA_RUNNER_JAR to a local okra-runner.jar instead')
      return null
    }
    return [jar: jar, sha256: sha]
  }

  @NonCPS
  private static Properties properties(String text) {
    Properties p = new Properties()
    p.load(new StringReader(text))
    return p
  }

  /** The pinned SHA-256 of okra-runner-VERSION.jar in a sha256sum-style list, or null. */
  @NonCPS
  static String pin(String pins, String version) {
    for (String line : pins.readLines()) {
      List<String> fields = line.trim().split(/\s+/) as List<String>
      if (fields.size() == 2 && fields[1] == "okra-runner-${version}.jar".toString()) return fields[0].toLowerCase()
    }
    return null
  }

  /**
   * Downloads only when the jar is not cached, or the cached one is not the pinned one (a corrupted
   * or tampered cache: said so, and downloaded again); a download that is not the pinned one is
   * refused (exit 2) and never takes the jar's place.
   */
  @NonCPS
  static String downloadScript(String jar, String version, String url, String sha) {
    return """set +x
okra_jar=${jar}
okra_url=${Shell.quote(url)}
okra_sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum "\$1" | cut -d ' ' -f 1; else shasum -a 256 "\$1" | cut -d ' ' -f 1; fi; }
if [ -s "\$okra_jar" ] && [ "\$(okra_sha256 "\$okra_jar")" != ${Shell.quote(sha)} ]; then
  echo "okra: the cached \$okra_jar is not the pinned okra-runner ${version} (a corrupted or tampered cache): downloading it again" >&2
  rm -f "\$okra_jar"
fi
if [ ! -s "\$okra_jar" ]; then
  (umask 077 && mkdir -p "\${okra_jar%/*}") || exit 1
  curl -fsSL --retry 3 -o "\$okra_jar.part" "\$okra_url" || exit 1
  okra_got=\$(okra_sha256 "\$okra_jar.part")
  if [ "\$okra_got" != ${Shell.quote(sha)} ]; then
    rm -f "\$okra_jar.part"
    echo "okra: refusing okra-runner ${version} from \$okra_url: its SHA-256 is \$okra_got, not the pinned ${sha}" >&2
    exit 2
  fi
  mv "\$okra_jar.part" "\$okra_jar"
fi
"""
  }
}
