// okraPromote cell: 'web' — see okraPromote.txt. Glue only: the work is in src/co/mumo/okra/jenkins (CellSteps).
def call(Map args = [:]) {
  return co.mumo.okra.jenkins.CellSteps.promote(new co.mumo.okra.jenkins.JenkinsSteps(this), args)
}
