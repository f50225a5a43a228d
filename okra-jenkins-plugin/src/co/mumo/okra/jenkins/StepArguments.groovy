package co.mumo.okra.jenkins

import com.cloudbees.groovy.cps.NonCPS

/**
 * The named arguments of a library step, checked before anything runs: a misspelt argument must
 * fail the build with a message naming it, not be ignored while a rollout goes ahead without it.
 * Values the runner parses are checked with the runner's own grammar, so that a step never accepts
 * what the runner would refuse (StepArgumentsTest compares them with the runner's classes).
 */
class StepArguments implements Serializable {
  private static final long serialVersionUID = 1L

  /** Arguments every step takes: where the cluster and AWS are, and which runner to use. */
  static final List<String> CONNECTION = ['namespace', 'credentialsId', 'awsCredentialsId', 'kubeconfig', 'context', 'region', 'policy',
                                          'runnerJar', 'runnerVersion', 'runnerSha256', 'java', 'appCds', 'extraArgs']
  /** A Kubernetes object name (DNS subdomain), as the API server accepts one. */
  static final String NAME = /[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/
  /** A namespace (DNS label). */
  static final String NAMESPACE = /[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/

  final String step
  final Map values

  StepArguments(String step, Map values) {
    this.step = step
    this.values = values == null ? [:] : values
  }

  /** A message for the first problem, or null when every argument is known and has the right type. */
  @NonCPS
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
    if (values.cell != null && !(values.cell.toString() ==~ NAME)) {
      return "${step}: cell '${values.cell}' is not a Kubernetes object name"
    }
    if (values.namespace != null && !(values.namespace.toString() ==~ NAMESPACE)) {
      return "${step}: namespace '${values.namespace}' is not a Kubernetes namespace name"
    }
    String sha = values.runnerSha256 == null ? null : values.runnerSha256.toString()
    if (sha != null && !(sha ==~ /[0-9a-fA-F]{64}/)) {
      return "${step}: runnerSha256 '${sha}' is not a SHA-256 (64 hexadecimal digits, as sha256sum prints it)"
    }
    return null
  }

  /**
   * Whether the runner accepts {@code text} as a duration (co.mumo.okra.core.Durations): plain seconds,
   * or hours, minutes and seconds in that order (1h30m, 45s); surrounding blanks are ignored; at most
   * Long.MAX_VALUE seconds. So 1d, 30m1h and 1.5h are refused here as the runner refuses them.
   */
  @NonCPS
  static boolean isDuration(String text) {
    String t = text == null ? '' : text.trim()
    java.util.regex.Matcher m = t =~ /^(?:([0-9]+)|(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?)$/
    if (t.isEmpty() || !m.matches()) return false
    BigInteger seconds = m.group(1) != null ? new BigInteger(m.group(1))
        : part(m.group(2)) * 3600G + part(m.group(3)) * 60G + part(m.group(4))
    return seconds <= BigInteger.valueOf(Long.MAX_VALUE)
  }

  @NonCPS
  private static BigInteger part(String digits) {
    return digits == null ? 0G : new BigInteger(digits)
  }

  @NonCPS
  String string(String name, String fallback) {
    Object v = values[name]
    return v == null ? fallback : v.toString()
  }

  @NonCPS
  boolean bool(String name, boolean fallback) {
    Object v = values[name]
    return v == null ? fallback : (v instanceof Boolean ? (Boolean) v : v.toString() == 'true')
  }

  /** The Cell as the step names it in labels and messages: NS/CELL, or CELL in the kubeconfig context's namespace. */
  @NonCPS
  String where(String cell) {
    return values.namespace ? "${values.namespace}/${cell}" : "${cell} (in the kubeconfig context's namespace)"
  }

  @NonCPS
  List<String> extraArgs() {
    List<String> out = []
    for (Object o : (values.extraArgs ?: [])) out << o.toString()
    return out
  }

  /** The runner options for where Kubernetes and AWS are; credentials come through the environment instead. */
  @NonCPS
  List<String> connectionArgs() {
    List<String> out = []
    if (values.namespace) out += ['--namespace', values.namespace.toString()]
    if (values.kubeconfig) out += ['--kubeconfig', values.kubeconfig.toString()]
    if (values.context) out += ['--context', values.context.toString()]
    if (values.region) out += ['--region', values.region.toString()]
    if (values.policy) out += ['--policy', values.policy.toString()]
    return out
  }

  /**
   * Credential bindings for {@link PipelineSteps#withCredentials}: a kubeconfig file, AWS keys, and the
   * webhooks to notify (a "Secret text": a webhook URL is a secret, which the runner reads from OKRA_NOTIFY).
   */
  @NonCPS
  List<Map> credentialBindings() {
    List<Map> out = []
    if (values.credentialsId) out << [type: 'file', credentialsId: values.credentialsId.toString(), variable: 'KUBECONFIG']
    if (values.awsCredentialsId) out << [type: 'aws', credentialsId: values.awsCredentialsId.toString()]
    if (values.notifyCredentialsId) out << [type: 'string', credentialsId: values.notifyCredentialsId.toString(), variable: 'OKRA_NOTIFY']
    return out
  }
}
