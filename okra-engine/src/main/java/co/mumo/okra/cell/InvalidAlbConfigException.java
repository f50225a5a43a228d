package co.mumo.okra.cell;

import co.mumo.okra.core.InputException;

/** An AWSApplicationLoadBalancerConfig that does not describe a rule Okra may write: nothing is sent to AWS. */
public final class InvalidAlbConfigException extends InputException {
  public InvalidAlbConfigException(String message) {
    super(message);
  }
}
