package co.mumo.okra.jenkins

/**
 * Runs a vars/ script as Jenkins would call it, with the pipeline steps it uses (sh, echo, error,
 * unstable, readFile, fileExists, libraryResource, withCredentials, file, env, currentBuild) as
 * recording closures in the script's binding. {@code runner} plays okra-runner, as in FakeSteps.
 */
class RecordingPipeline {
  final List<List> calls = []
  final Map<String, String> files = [:]
  final Map<String, Object> env = [:]
  final Map<String, Object> currentBuild = [result: null]
  Closure runner = { List<String> words -> [0, ''] }

  Binding binding() {
    Binding b = new Binding()
    b.setVariable('env', env)
    b.setVariable('currentBuild', currentBuild)
    b.setVariable('sh', { Map m ->
      calls << ['sh', m]
      assert m.returnStatus == true: 'the runner is called with returnStatus: true'
      List result = runner(ScriptWords.runnerWords(m.script as String)) as List
      files[ScriptWords.teeTarget(m.script as String)] = result[1] as String
      return result[0]
    })
    b.setVariable('echo', { String s -> calls << ['echo', s] })
    b.setVariable('error', { String s ->
      calls << ['error', s]
      currentBuild.result = 'FAILURE'
      throw new FakeSteps.PipelineError(s)
    })
    b.setVariable('unstable', { String s ->
      calls << ['unstable', s]
      if (currentBuild.result == null) currentBuild.result = 'UNSTABLE'
    })
    b.setVariable('readFile', { Map m -> files[m.file as String] })
    b.setVariable('fileExists', { String p -> files.containsKey(p) })
    b.setVariable('libraryResource', { String p -> new File(System.getProperty('okra.library.dir', '.'), "resources/${p}").text })
    b.setVariable('file', { Map m -> [binding: 'file'] + m })
    b.setVariable('string', { Map m -> [binding: 'string'] + m })
    b.setVariable('withCredentials', { List bindings, Closure body ->
      calls << ['withCredentials', bindings]
      return body()
    })
    return b
  }

  /** {@code name(args)} as a Jenkinsfile would call the library step. */
  Object call(String name, Map args) {
    File script = new File(System.getProperty('okra.library.dir', '.'), "vars/${name}.groovy")
    Script s = new GroovyShell(getClass().classLoader, binding()).parse(script)
    return s.invokeMethod('call', args)
  }

  List<List> callsOf(String name) {
    return calls.findAll { it[0] == name }
  }
}
