package co.mumo.okra.jenkins

/**
 * Base class for running a whole Jenkinsfile in a test: the library steps go to a {@link RecordingPipeline}
 * (so they run for real against a fake okra-runner), any other step is recorded, and a step with a
 * closure (pipeline, stages, stage, steps, script, withCredentials, ...) runs its closure. Enough of
 * Declarative Pipeline's shape to walk a Jenkinsfile's stages in order, not a Jenkins.
 */
abstract class PipelineScript extends Script {
  RecordingPipeline pipeline() {
    return (RecordingPipeline) binding.getVariable('__pipeline')
  }

  def methodMissing(String name, Object args) {
    Object[] a = (Object[]) args
    if (name in ['okraRollout', 'okraDiscover']) {
      return pipeline().call(name, a.length == 0 ? [:] : (Map) a[0])
    }
    pipeline().calls << [name] + (a as List)
    if (a.length > 0 && a[-1] instanceof Closure) {
      Closure body = (Closure) a[-1]
      body.delegate = this
      body.resolveStrategy = Closure.OWNER_FIRST
      return body.call()
    }
    if (name == 'file') return [binding: 'file'] + (Map) a[0]
    return null
  }

  def propertyMissing(String name) {
    if (name == 'env') return pipeline().env
    return name // agent any, unit: HOURS and the like
  }
}
