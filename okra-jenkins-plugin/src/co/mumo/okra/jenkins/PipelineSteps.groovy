package co.mumo.okra.jenkins

/**
 * The pipeline steps the library uses, so that its classes can be tested without Jenkins:
 * {@link JenkinsSteps} forwards them to the running pipeline, tests pass a recording fake.
 */
interface PipelineSteps extends Serializable {
  /** {@code sh(returnStatus: true, script: script, label: label)}: the exit code; the output goes to the build log. */
  int sh(String script, String label)

  void echo(String message)

  /** Fails the build with {@code message} (throws). */
  void error(String message)

  /** Marks the build and the stage UNSTABLE, and carries on. */
  void unstable(String message)

  String readFile(String path)

  boolean fileExists(String path)

  /** A text file from the library's resources/ directory. */
  String libraryResource(String path)

  /** An environment variable of the build, or null. */
  String env(String name)

  /**
   * Runs {@code body} with credentials bound to environment variables. Each binding is a map:
   * {@code [type: 'file', credentialsId: ID, variable: NAME]} or
   * {@code [type: 'aws', credentialsId: ID]} (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
   */
  def withCredentials(List<Map> bindings, Closure body)
}
