// okraStatus cell: 'web' — see okraStatus.txt. Glue only: the work is in src/co/mumo/okra/jenkins (CellSteps).
def call(Map args = [:]) {
  return co.mumo.okra.jenkins.CellSteps.status(new co.mumo.okra.jenkins.JenkinsSteps(this), args)
}
