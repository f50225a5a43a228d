package co.mumo.okra.jenkins

/**
 * The named arguments of a library step, checked before anything runs: a misspelt argument must
 * fail the build with a message naming it, not be ignored while a rollout goes ahead without it.
 */
class StepArguments implements Serializable {
  private static final long serialVersionUID = 1L

  /** Arguments every step takes: where the cluster and AWS are, and which runner to use. */
  static final List<String> CONNECTION = ['namespace', 'credentialsId', 'awsCredentialsId', 'kubeconfig', 'context', 'region',
                                          'runnerJar', 'runnerVersion', 'java', 'appCds', 'extraArgs']

  final String step
  final Map values

  StepArguments(String step, Map values) {
    this.step = step
    this.values = values == null ? [:] : values
  }

  /** A message for the first problem, or null when every argument is known and has the right type. */
  String problem(List<String> own, List<String> required) {
    List<String> known = own + CONNECTION
    for (Object key : values.keySet()) {
      if (!known.contains(key as String)) {
        return "${step}: unknown argument '${key}' (known: ${known.sort(false).join(', ')})"
      }
    }
    for (String name : required) {
      if (values[name] == null || values[name].toString().trim().isEmpty()) {
        return "${step}: the argument '${name}' is required, e.g. ${step} ${name}: 'web'"
      }
    }
    Object extra = values.extraArgs
    if (extra != null && !(extra instanceof List)) {
      return "${step}: extraArgs must be a list of strings, e.g. extraArgs: ['--verbose']"
    }
    return null
  }

  String string(String name, String fallback) {
    Object v = values[name]
    return v == null ? fallback : v.toString()
  }

  boolean bool(String name, boolean fallback) {
    Object v = values[name]
    return v == null ? fallback : (v instanceof Boolean ? (Boolean) v : v.toString() == 'true')
  }

  List<String> extraArgs() {
    List<String> out = []
    for (Object o : (values.extraArgs ?: [])) out << o.toString()
    return out
  }

  /** The runner options for where Kubernetes and AWS are; credentials come through the environment instead. */
  List<String> connectionArgs() {
    List<String> out = []
    if (values.namespace) out += ['--namespace', values.namespace.toString()]
    if (values.kubeconfig) out += ['--kubeconfig', values.kubeconfig.toString()]
    if (values.context) out += ['--context', values.context.toString()]
    if (values.region) out += ['--region', values.region.toString()]
    return out
  }

  /** Credential bindings for {@link PipelineSteps#withCredentials}: a kubeconfig file, AWS keys. */
  List<Map> credentialBindings() {
    List<Map> out = []
    if (values.credentialsId) out << [type: 'file', credentialsId: values.credentialsId.toString(), variable: 'KUBECONFIG']
    if (values.awsCredentialsId) out << [type: 'aws', credentialsId: values.awsCredentialsId.toString()]
    return out
  }
}
