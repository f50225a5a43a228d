package co.mumo.okra.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Background polls a test runs while the code under test works: watching the ALB's weights, playing
 * Argo Rollouts' controller. A failing poll is retried on the next tick instead of ending the watch.
 */
public final class Pollers {
  private final List<Thread> threads = new ArrayList<>();
  private AtomicBoolean stop = new AtomicBoolean();

  /** Runs {@code poll} every {@code everyMillis} until {@link #stopAll()}. */
  public synchronized void every(long everyMillis, Runnable poll) {
    AtomicBoolean stopped = stop;
    Thread t = new Thread(() -> {
      while (!stopped.get()) {
        try {
          poll.run();
          Thread.sleep(everyMillis);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // The next poll tries again.
        }
      }
    });
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  /** Stops the polls started so far and waits for them; later {@link #every} calls start afresh. */
  public synchronized void stopAll() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) t.join(5_000);
    threads.clear();
    stop = new AtomicBoolean();
  }
}
