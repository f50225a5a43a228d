package co.mumo.okra.alb;

import co.mumo.okra.failure.InputException;

/** An AWSApplicationLoadBalancerConfig that does not describe a rule Okra may write: nothing is sent to AWS. */
public final class InvalidAlbConfigException extends InputException {
  public InvalidAlbConfigException(String message) {
    super(message);
  }
}
