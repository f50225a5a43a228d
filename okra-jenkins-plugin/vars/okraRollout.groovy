// okraRollout cell: 'web', namespace: 'default', timeout: '30m' — see okraRollout.txt.
// Glue only: the work is in src/co/mumo/okra/jenkins (Rollout), behind PipelineSteps, so it is testable without Jenkins.
def call(Map args = [:]) {
  return co.mumo.okra.jenkins.Rollout.run(new co.mumo.okra.jenkins.JenkinsSteps(this), args)
}
