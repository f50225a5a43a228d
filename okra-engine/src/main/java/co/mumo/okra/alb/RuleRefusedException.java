package co.mumo.okra.alb;

/** A rule that the ownership rules or the owner policy refuse: nothing was written to the ALB. */
public final class RuleRefusedException extends co.mumo.okra.failure.InputException {
  public RuleRefusedException(String message) {
    super(message);
  }
}
