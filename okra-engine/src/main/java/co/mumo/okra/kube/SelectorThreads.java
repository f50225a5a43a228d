package co.mumo.okra.kube;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JDK HTTP client's selector threads ({@code HttpClient-N-SelectorManager}), which fabric8's JDK
 * client leaves running after {@code close()} on JDK 17 (the JDK client has no close of its own
 * before JDK 21; the thread ends seconds after the client is garbage collected). A thread waiting in
 * {@code epoll_wait} is a thread in native code, and a JVM exit waits up to 300 ms for such threads:
 * a third of a one-pass run. Interrupting the thread makes it shut its client down and end (the JDK
 * handles the interrupt so); it is only done to the threads of clients that are closed.
 */
public final class SelectorThreads {
  private SelectorThreads() {}

  /** The selector threads running now. */
  public static Set<Thread> running() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) root = root.getParent();
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    return Arrays.stream(threads, 0, n).filter(SelectorThreads::isSelector).collect(Collectors.toSet());
  }

  /** The selector threads started since {@code before} was taken. */
  public static Set<Thread> startedSince(Set<Thread> before) {
    Set<Thread> now = new HashSet<>(running());
    now.removeAll(before);
    return now;
  }

  /** Ends these selector threads (of closed clients), waiting briefly for each. */
  public static void stop(Collection<Thread> selectors) {
    for (Thread t : selectors) t.interrupt();
    for (Thread t : selectors) {
      try {
        t.join(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean isSelector(Thread t) {
    String name = t.getName();
    return name.startsWith("HttpClient-") && name.endsWith("-SelectorManager");
  }
}
