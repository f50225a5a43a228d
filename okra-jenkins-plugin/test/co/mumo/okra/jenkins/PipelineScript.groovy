package co.mumo.okra.jenkins

/**
 * Base class for running a whole Jenkinsfile in a test, with enough of Declarative Pipeline to walk
 * it as Jenkins would: the pipeline's and each stage's agent, `when` (expressions and beforeAgent),
 * options (lock, timeout) and steps, in order. The library steps go to a {@link RecordingPipeline}
 * (so they run for real against a fake okra-runner); any other step is recorded with the agent and
 * locks in force, and a step with a closure (script, catchError, timeout, withCredentials...) runs it.
 * Not a Jenkins: it checks the shape, not Jenkins' own rules.
 */
abstract class PipelineScript extends Script {
  static final List<String> LIBRARY_STEPS = ['okraRollout', 'okraDiscover', 'okraPromote', 'okraAbort', 'okraStatus']
  /** The agent and the locks in force: what a step holds while it runs. */
  String agent = null
  List<String> locks = []

  RecordingPipeline pipeline() {
    return (RecordingPipeline) binding.getVariable('__pipeline')
  }

  /** The directives of a declarative block, by name, each a list of the arguments it was given (closures not run). */
  static Map<String, List> directives(Closure body) {
    Directives collector = new Directives()
    Closure c = (Closure) body.clone()
    c.delegate = collector
    c.resolveStrategy = Closure.DELEGATE_FIRST
    c.call()
    return collector.found
  }

  def pipeline(Closure body) {
    Map<String, List> d = directives(body)
    agent = d.agent ? d.agent[0] as String : null
    pipeline().calls << ['pipeline', [agent: agent, triggers: d.triggers ? directives(d.triggers[0] as Closure) : [:]]]
    for (Object stage : directives(d.stages[0] as Closure).stage) {
      List s = stage as List
      runStage(s[0] as String, s[1] as Closure)
    }
  }

  private void runStage(String name, Closure body) {
    Map<String, List> d = directives(body)
    if (d.when) {
      Map<String, List> when = directives(d.when[0] as Closure)
      for (Object e : when.expression ?: []) {
        if (!run((Closure) e)) {
          pipeline().calls << ['skipped', name]
          return
        }
      }
    }
    String outer = agent
    List<String> outerLocks = locks
    if (d.agent) agent = d.agent[0] as String
    Map<String, List> options = d.options ? directives(d.options[0] as Closure) : [:]
    locks = locks + (options.lock ?: []).collect { it as String }
    pipeline().calls << ['stage', name, [agent: agent, locks: locks, options: options.keySet() as List]]
    try {
      run((Closure) d.steps[0])
    } finally {
      agent = outer
      locks = outerLocks
    }
  }

  /** Runs a block of steps (or a condition) with this script first: the directive collector around it must not see its calls. */
  private Object run(Closure body) {
    body.delegate = this
    body.resolveStrategy = Closure.DELEGATE_FIRST
    return body.call()
  }

  def methodMissing(String name, Object args) {
    Object[] a = (Object[]) args
    if (name in LIBRARY_STEPS) {
      pipeline().calls << ['library', name, [agent: agent, locks: locks]]
      return pipeline().call(name, a.length == 0 ? [:] : (Map) a[0])
    }
    pipeline().calls << [name] + (a as List) + [[agent: agent, locks: locks]]
    if (a.length > 0 && a[-1] instanceof Closure) return run((Closure) a[-1])
    if (name == 'file') return [binding: 'file'] + (Map) a[0]
    return null
  }

  def propertyMissing(String name) {
    if (name == 'env') return pipeline().env
    return name // unit: HOURS and the like
  }
}

/** Collects a declarative block's directives: name -> the arguments of each use. */
class Directives {
  final Map<String, List> found = [:]

  def methodMissing(String name, Object args) {
    Object[] a = (Object[]) args
    if (!found.containsKey(name)) found[name] = []
    found[name] << (a.length == 1 ? a[0] : (a as List))
    return null
  }

  def propertyMissing(String name) {
    return name // agent any, agent none
  }
}
