package co.mumo.okra.kube;

/** The kubeconfig cannot be used as asked (a missing file or context, a contradiction): the runner touches nothing. */
public final class KubeconfigException extends co.mumo.okra.failure.InputException {
  public KubeconfigException(String message) {
    super(message);
  }

  public KubeconfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
