package co.mumo.okra.policy;

/** The owner policy file cannot be read or says something it must not: the runner does nothing. */
public final class InvalidPolicyException extends co.mumo.okra.failure.InputException {
  public InvalidPolicyException(String message) {
    super(message);
  }

  public InvalidPolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
