package co.mumo.okra.cell;

import io.fabric8.kubernetes.client.KubernetesClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** One line that says which side failed and what it answered, for a Cell whose pass failed. */
final class PassFailures {
  private PassFailures() {}

  static String describe(RuntimeException e) {
    if (e instanceof KubernetesClientException k) {
      String answer = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : k.getMessage();
      return "Kubernetes API" + (k.getCode() > 0 ? " (" + k.getCode() + ")" : "") + ": " + answer;
    }
    if (e instanceof SdkException) return "AWS: " + e.getMessage();
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
