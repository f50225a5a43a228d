package co.mumo.okra.runner.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The demo's time: the engine reads it like the system clock, and the demo moves it forward by
 * each pass's requeue interval, so a five-minute pause takes seconds to watch.
 */
public final class SimulatedClock extends Clock {
  private final Instant start;
  private volatile Instant now;

  public SimulatedClock(Instant start) {
    this.start = start;
    this.now = start;
  }

  public void advance(Duration d) {
    if (d.isNegative()) throw new IllegalArgumentException("time only moves forward: " + d);
    now = now.plus(d);
  }

  /** Simulated time since the demo began. */
  public Duration elapsed() {
    return Duration.between(start, now);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
