package co.mumo.okra.testsupport;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one background poller of the tests: what runs beside the code under test while it works (watching
 * the ALB's weights, {@link ArgoStandIn} playing Argo Rollouts' controller). A failing poll is retried on
 * the next tick instead of ending the poll. To wait for a condition, use Awaitility instead.
 */
public final class Pollers {
  private ScheduledExecutorService timer = newTimer();

  /** Runs {@code poll} now and then {@code everyMillis} after each run ends, until {@link #stopAll()}. */
  public synchronized void every(long everyMillis, Runnable poll) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        poll.run();
      } catch (RuntimeException e) {
        // The next tick tries again (a thrown exception would cancel every later run).
      }
    }, 0, everyMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops the polls started so far and waits for the one running to end; later {@link #every} calls start afresh. */
  public synchronized void stopAll() throws InterruptedException {
    timer.shutdownNow();
    if (!timer.awaitTermination(60, TimeUnit.SECONDS)) throw new IllegalStateException("a poll did not end within 60 s of being stopped");
    timer = newTimer();
  }

  /** A few threads, so that a slow poll (a LIST under load) does not hold back a fast one (the ALB's weights). */
  private static ScheduledExecutorService newTimer() {
    return Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "test-poller");
      t.setDaemon(true);
      return t;
    });
  }
}
