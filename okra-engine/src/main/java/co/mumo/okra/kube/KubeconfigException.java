package co.mumo.okra.kube;

import co.mumo.okra.core.InputException;

/** The kubeconfig cannot be used as asked (a missing file or context, a contradiction): the runner touches nothing. */
public final class KubeconfigException extends InputException {
  public KubeconfigException(String message) {
    super(message);
  }

  public KubeconfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
