package co.mumo.okra.core;

/**
 * Something asked of Okra that cannot be done as asked (an invalid resource, one that is not there,
 * a command that does not apply to the Cell's state, a configuration that cannot be used): the user's
 * to fix, not a bug and not a service failure. The runner exits 2 on it.
 */
public class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
