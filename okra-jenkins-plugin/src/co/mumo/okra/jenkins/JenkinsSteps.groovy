package co.mumo.okra.jenkins

/** {@link PipelineSteps} over the pipeline script that called the library step ({@code this} in vars/). */
class JenkinsSteps implements PipelineSteps {
  private static final long serialVersionUID = 1L
  private final def script

  JenkinsSteps(def script) {
    this.script = script
  }

  int sh(String command, String label) {
    return script.sh(returnStatus: true, script: command, label: label) as int
  }

  void echo(String message) {
    script.echo(message)
  }

  void error(String message) {
    script.error(message)
  }

  void unstable(String message) {
    script.unstable(message)
  }

  String readFile(String path) {
    return script.readFile(file: path, encoding: 'UTF-8')
  }

  boolean fileExists(String path) {
    return script.fileExists(path)
  }

  String libraryResource(String path) {
    return script.libraryResource(path)
  }

  String env(String name) {
    // env[name] reads EnvActionImpl's properties; a missing variable is null, not an error.
    def value = script.env[name]
    return value == null ? null : value.toString()
  }

  def withCredentials(List<Map> bindings, Closure body) {
    List jenkinsBindings = []
    for (Map b : bindings) {
      if (b.type == 'file') {
        jenkinsBindings << script.file(credentialsId: b.credentialsId, variable: b.variable)
      } else if (b.type == 'string') {
        jenkinsBindings << script.string(credentialsId: b.credentialsId, variable: b.variable)
      } else if (b.type == 'aws') {
        // From the AWS Credentials plugin; the keys never appear in the log (Jenkins masks bound values).
        jenkinsBindings << [$class: 'AmazonWebServicesCredentialsBinding', credentialsId: b.credentialsId,
                            accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY']
      } else {
        script.error("okra: unknown credential binding type ${b.type}")
      }
    }
    return script.withCredentials(jenkinsBindings) { body() }
  }
}
