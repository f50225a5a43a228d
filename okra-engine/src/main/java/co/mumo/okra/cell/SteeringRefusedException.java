package co.mumo.okra.cell;

import co.mumo.okra.core.InputException;

/** A human command that does not apply to the Cell's state (promote without a rollout, resume without a pause). */
public final class SteeringRefusedException extends InputException {
  public SteeringRefusedException(String message) {
    super(message);
  }
}
