package co.mumo.okra.policy;

import co.mumo.okra.core.InputException;

/** The owner policy file cannot be read or says something it must not: the runner does nothing. */
public final class InvalidPolicyException extends InputException {
  public InvalidPolicyException(String message) {
    super(message);
  }

  public InvalidPolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
