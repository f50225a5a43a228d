package co.mumo.okra.cell;

import co.mumo.okra.failure.Failures;

/** One line that says which side failed, the call, what it answered and what to do, for a Cell whose pass failed. */
final class PassFailures {
  private PassFailures() {}

  static String describe(RuntimeException e) {
    return Failures.of(e).line();
  }
}
