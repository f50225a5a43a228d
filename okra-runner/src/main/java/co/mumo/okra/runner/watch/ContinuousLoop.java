package co.mumo.okra.runner.watch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes, one after another, for as long as the process runs: while this process holds the Lease, a
 * pass runs when a watch sees a change, when the last pass said to look again (a pause's end, a run's
 * next measurement, the ALB to be seen carrying new weights), and at least every {@code resync}
 * (what no watch sees: the ALB, EKS, workload clusters). A burst of changes makes one pass: after the
 * first change the loop waits {@code settle} for the rest.
 *
 * <p>{@link #stop()} lets the pass in progress finish, then gives the Lease up: a pass is never cut
 * short (it would be safe, every write being guarded, but it would leave its work to the next holder).
 */
public final class ContinuousLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ContinuousLoop.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /** One pass over everything the loop covers. */
  public interface Pass {
    Result run();
  }

  /**
   * How a pass went: {@code failed} when some call to Kubernetes or AWS failed (the loop is not ready
   * until a pass succeeds, and backs off); {@code nextIn} when something is due before the resync.
   */
  public record Result(boolean failed, Optional<Duration> nextIn) {}

  /** Why a pass ran: the changes the watches saw, "due" (the last pass asked), "resync", or "lease" (just acquired). */
  public record Trigger(String kind, List<String> changes) {
    public static final String CHANGE = "change";
    public static final String DUE = "due";
    public static final String RESYNC = "resync";
    public static final String LEASE = "lease";

    @Override
    public String toString() {
      return kind.equals(CHANGE) ? String.join(", ", changes) : kind;
    }
  }

  /** What the loop tells whoever runs it. */
  public interface Listener {
    default void leading(boolean leading, Optional<String> holder) {}

    default void passed(Trigger trigger, Result result) {}
  }

  public record Settings(Duration resync, Duration settle) {
    public Settings {
      if (resync.isNegative() || resync.isZero()) throw new IllegalArgumentException("the resync interval must be positive");
      if (settle.isNegative()) throw new IllegalArgumentException("the settle time must not be negative");
    }
  }

  private final LeaseElection lease;
  private final Wakeups wakeups;
  private final Pass pass;
  private final Settings settings;
  private final Listener listener;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean running;
  private volatile boolean lastPassFailed;
  private volatile boolean passedOnce;
  private volatile boolean crashed;
  /** What the last pass asked for, and whether the pass now due is the resync (for the trigger's name); loop thread only. */
  private Optional<Duration> lastNextIn = Optional.empty();
  private boolean lastDueWasResync;

  public ContinuousLoop(LeaseElection lease, Wakeups wakeups, Pass pass, Settings settings, Listener listener) {
    this.lease = lease;
    this.wakeups = wakeups;
    this.pass = pass;
    this.settings = settings;
    this.listener = listener;
  }

  /** Runs passes until {@link #stop()}, then releases the Lease. */
  public void run() throws InterruptedException {
    running = true;
    try {
      lease.start();
      loop();
    } catch (RuntimeException | Error e) {
      crashed = true;
      throw e;
    } finally {
      running = false;
      lease.close();
      stopped.countDown();
    }
  }

  private void loop() throws InterruptedException {
    boolean wasLeading = false;
    long dueAt = 0;
    int failures = 0;
    Duration poll = lease.settings().retryPeriod();
    while (!stopping) {
      boolean leading = lease.leading();
      if (leading != wasLeading) {
        wasLeading = leading;
        listener.leading(leading, lease.holder());
        if (leading) {
          runPass(new Trigger(Trigger.LEASE, List.of()), 0);
          dueAt = nextDue(failures = lastPassFailed ? 1 : 0);
          continue;
        }
      }
      if (!leading) {
        wakeups.await(poll);
        wakeups.take(); // the holder covers the changes seen while standing by
        continue;
      }
      long wait = dueAt - System.nanoTime();
      boolean changed = wakeups.await(Duration.ofNanos(Math.max(0, Math.min(wait, poll.toNanos()))));
      if (stopping || !lease.leading()) continue;
      Trigger trigger;
      if (changed) {
        // The rest of a burst (an apply of many objects, a pass's own writes) lands in the same pass.
        if (!settings.settle().isZero()) TimeUnit.NANOSECONDS.sleep(settings.settle().toNanos());
        trigger = new Trigger(Trigger.CHANGE, wakeups.take());
      } else if (System.nanoTime() - dueAt >= 0) {
        trigger = new Trigger(lastDueWasResync ? Trigger.RESYNC : Trigger.DUE, List.of());
      } else {
        continue; // woken by a poke: look at the Lease and the stop flag again
      }
      if (stopping) break;
      runPass(trigger, failures);
      failures = lastPassFailed ? failures + 1 : 0;
      dueAt = nextDue(failures);
    }
  }

  private void runPass(Trigger trigger, int failures) {
    Result result;
    try {
      result = pass.run();
    } catch (RuntimeException e) {
      // A pass reports the Cells whose calls failed; anything thrown is the whole pass failing (a list call).
      LOG.warn("pass failed: {}", e.toString(), e);
      result = new Result(true, Optional.empty());
    }
    lastPassFailed = result.failed();
    passedOnce = true;
    lastNextIn = result.nextIn();
    listener.passed(trigger, result);
  }

  /**
   * When the next pass is due: what the last pass asked for, at most the resync; after failures, a growing backoff.
   * A System.nanoTime value: an interval from now, which a step of the wall clock must not stretch or cut short.
   */
  private long nextDue(int failures) {
    Duration next;
    if (failures > 0) {
      long seconds = Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(failures, 6));
      next = Duration.ofSeconds(seconds);
      lastDueWasResync = false;
    } else if (lastNextIn.isPresent() && lastNextIn.get().compareTo(settings.resync()) < 0) {
      next = lastNextIn.get().isNegative() ? Duration.ZERO : lastNextIn.get();
      lastDueWasResync = false;
    } else {
      next = settings.resync();
      lastDueWasResync = true;
    }
    return System.nanoTime() + next.toNanos();
  }

  /** Asks the loop to end: the pass in progress finishes, then the Lease is released. */
  public void stop() {
    stopping = true;
    wakeups.poke();
  }

  /** Waits for {@link #run()} to have returned (the Lease released), at most {@code max}. */
  public boolean awaitStopped(Duration max) throws InterruptedException {
    return stopped.await(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Live: the loop is running (or has not started yet), not ended by a failure. */
  public boolean alive() {
    return !crashed && (running || stopped.getCount() > 0);
  }

  /** Ready: this process holds the Lease and its last pass succeeded (none yet counts as not ready). */
  public boolean ready() {
    return running && lease.leading() && passedOnce && !lastPassFailed;
  }

  /** Why not ready, in words, for the readiness endpoint. */
  public String readiness() {
    if (!running) return stopping ? "stopping" : "not running";
    if (!lease.leading()) return "standing by: the Lease " + lease.settings().key() + " is held by " + lease.holder().orElse("no one yet");
    if (!passedOnce) return "holding the Lease, first pass not done";
    return lastPassFailed ? "the last pass failed (see the log)" : "ok";
  }
}
