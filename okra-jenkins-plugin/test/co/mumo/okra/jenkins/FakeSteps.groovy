package co.mumo.okra.jenkins

/**
 * A recording {@link PipelineSteps}. {@code runner} plays okra-runner: given the command line
 * (unquoted words), it returns [exitCode, output]; the output lands in the file the script tees to.
 */
class FakeSteps implements PipelineSteps {
  final List<List> calls = []
  final Map<String, String> files = [:]
  final Map<String, String> environment = [:]
  final List<Map> credentialsInForce = []
  String buildResult = 'SUCCESS'
  Closure runner = { List<String> words -> [0, ''] }
  Closure download = { String script -> 0 }

  int sh(String script, String label) {
    calls << ['sh', label, script, new ArrayList(credentialsInForce)]
    if (script.contains('curl ')) return download(script) as int
    List result = runner(ScriptWords.runnerWords(script)) as List
    files[ScriptWords.teeTarget(script)] = result[1] as String
    return result[0] as int
  }

  void echo(String message) {
    calls << ['echo', message]
  }

  void error(String message) {
    calls << ['error', message]
    buildResult = 'FAILURE'
    throw new PipelineError(message)
  }

  void unstable(String message) {
    calls << ['unstable', message]
    if (buildResult == 'SUCCESS') buildResult = 'UNSTABLE'
  }

  String readFile(String path) {
    return files[path]
  }

  boolean fileExists(String path) {
    return files.containsKey(path)
  }

  String libraryResource(String path) {
    return new File(System.getProperty('okra.library.dir', '.'), "resources/${path}").getText('UTF-8')
  }

  String env(String name) {
    return environment[name]
  }

  def withCredentials(List<Map> bindings, Closure body) {
    calls << ['withCredentials', bindings]
    credentialsInForce.addAll(bindings)
    try {
      return body()
    } finally {
      credentialsInForce.removeAll(bindings)
    }
  }

  List<List> callsOf(String name) {
    return calls.findAll { it[0] == name }
  }

  /** What error() throws, as Jenkins' error step throws an AbortException. */
  static class PipelineError extends RuntimeException {
    PipelineError(String message) {
      super(message)
    }
  }
}
