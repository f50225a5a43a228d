package co.mumo.okra.jenkins

/**
 * Where the okra-runner jar comes from, first match wins: the step's {@code runnerJar} argument,
 * the {@code OKRA_RUNNER_JAR} environment variable (e.g. set on the agent, or from a tool install),
 * else the version pinned in resources/co/mumo/okra/jenkins/okra.properties (or {@code runnerVersion}),
 * downloaded once from Maven Central (or {@code OKRA_MAVEN_REPOSITORY}, a mirror) into
 * {@code OKRA_CACHE} (default .okra in the workspace) and checked against the repository's SHA-1.
 */
class RunnerJar implements Serializable {
  private static final long serialVersionUID = 1L
  static final String PROPERTIES = 'co/mumo/okra/jenkins/okra.properties'
  static final String COORDINATES = 'co/mumo/okra/okra-runner'

  private RunnerJar() {}

  static String resolve(PipelineSteps steps, StepArguments args) {
    String given = args.string('runnerJar', null)
    if (given) return given
    String fromEnv = steps.env('OKRA_RUNNER_JAR')
    if (fromEnv) return fromEnv
    Properties pinned = new Properties()
    pinned.load(new StringReader(steps.libraryResource(PROPERTIES)))
    String version = args.string('runnerVersion', pinned.getProperty('runner.version'))
    if (!(version ==~ /[0-9A-Za-z][0-9A-Za-z.+_-]*/)) {
      steps.error("${args.step}: runnerVersion '${version}' is not a version")
    }
    String repository = steps.env('OKRA_MAVEN_REPOSITORY') ?: pinned.getProperty('runner.repository')
    String dir = cacheDir(steps)
    String jar = "${dir}/okra-runner-${version}.jar"
    String url = "${repository.replaceAll('/+$', '')}/${COORDINATES}/${version}/okra-runner-${version}.jar"
    int rc = steps.sh(downloadScript(dir, jar, url), "okra: get okra-runner ${version}")
    if (rc != 0) {
      steps.error("${args.step}: could not download okra-runner ${version} from ${url} (exit ${rc}); "
          + "set runnerJar or OKRA_RUNNER_JAR to a local okra-runner.jar instead")
    }
    return jar
  }

  /** Where downloaded jars and AppCDS archives are kept: {@code OKRA_CACHE}, else .okra in the workspace. */
  static String cacheDir(PipelineSteps steps) {
    return steps.env('OKRA_CACHE') ?: '.okra'
  }

  /** Downloads only when the jar is not cached yet; a partial download never takes the jar's place. */
  static String downloadScript(String dir, String jar, String url) {
    return """set +x
if [ ! -s ${Shell.quote(jar)} ]; then
  mkdir -p ${Shell.quote(dir)}
  curl -fsSL --retry 3 -o ${Shell.quote(jar + '.part')} ${Shell.quote(url)}
  curl -fsSL --retry 3 -o ${Shell.quote(jar + '.sha1')} ${Shell.quote(url + '.sha1')}
  want=\$(cut -c1-40 ${Shell.quote(jar + '.sha1')})
  got=\$( (sha1sum ${Shell.quote(jar + '.part')} 2>/dev/null || shasum -a 1 ${Shell.quote(jar + '.part')}) | cut -c1-40)
  if [ "\$want" != "\$got" ]; then echo "okra: SHA-1 of the downloaded okra-runner does not match the repository's" >&2; exit 1; fi
  mv ${Shell.quote(jar + '.part')} ${Shell.quote(jar)}
fi
"""
  }
}
