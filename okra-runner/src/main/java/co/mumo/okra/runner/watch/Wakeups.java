package co.mumo.okra.runner.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What wakes the loop: changes seen by the watches (kept, a few at a time, to say why a pass ran), and
 * pokes that only ask it to look again (a stop, the Lease gained or lost). Many changes between two
 * passes make one pass.
 */
public final class Wakeups {
  /** How many distinct changes are kept to name in a pass's reason; the rest are counted. */
  private static final int KEPT = 5;

  private final Set<String> changes = new LinkedHashSet<>();
  private int more;
  private boolean poked;

  /** Something a pass reads changed, e.g. "AWSTargetGroup team-a/web-3 added". */
  public synchronized void changed(String what) {
    if (changes.size() < KEPT) changes.add(what);
    else if (!changes.contains(what)) more++;
    notifyAll();
  }

  /** Look again without a change (a stop, the Lease). */
  public synchronized void poke() {
    poked = true;
    notifyAll();
  }

  public synchronized boolean hasChanges() {
    return !changes.isEmpty();
  }

  /** Waits until a change or a poke, at most {@code max}; true when there are changes to act on. */
  public synchronized boolean await(Duration max) throws InterruptedException {
    // A bound on the wait, on the monotonic clock (no step of the wall clock moves it).
    long until = System.nanoTime() + Math.max(0, max.toNanos());
    while (changes.isEmpty() && !poked) {
      long left = until - System.nanoTime();
      if (left <= 0) break;
      long millis = Math.max(1, left / 1_000_000);
      wait(millis);
    }
    poked = false;
    return !changes.isEmpty();
  }

  /** The changes since the last take, in words, and forgets them. */
  public synchronized List<String> take() {
    List<String> out = new ArrayList<>(changes);
    if (more > 0) out.add(more + " more");
    changes.clear();
    more = 0;
    return out;
  }
}
