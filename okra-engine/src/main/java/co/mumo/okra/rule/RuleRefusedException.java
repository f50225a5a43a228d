package co.mumo.okra.rule;

import co.mumo.okra.core.InputException;

/** A rule that the ownership rules or the owner policy refuse: nothing was written to the ALB. */
public final class RuleRefusedException extends InputException {
  public RuleRefusedException(String message) {
    super(message);
  }
}
