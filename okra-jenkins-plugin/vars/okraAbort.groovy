// okraAbort cell: 'web' — see okraAbort.txt. Glue only: the work is in src/co/mumo/okra/jenkins (CellSteps).
def call(Map args = [:]) {
  return co.mumo.okra.jenkins.CellSteps.abort(new co.mumo.okra.jenkins.JenkinsSteps(this), args)
}
