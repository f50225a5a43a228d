// okraDiscover() or okraDiscover(namespace: 'argocd', args: ['--clusterset', 'cell1']) — see okraDiscover.txt.
def call(Map args = [:]) {
  return co.mumo.okra.jenkins.Discover.run(new co.mumo.okra.jenkins.JenkinsSteps(this), args)
}
