package co.mumo.okra.runner.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kubernetes watches (fabric8 informers: list, then watch, relisting when the server has forgotten the
 * watch's resourceVersion) whose every add, change and delete is a {@link Wakeups#changed} — a reason
 * to run a pass, never the pass's input: the pass reads everything afresh.
 */
public final class ChangeWatches implements AutoCloseable {
  private final Wakeups wakeups;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public ChangeWatches(Wakeups wakeups) {
    this.wakeups = wakeups;
  }

  /**
   * Starts watching {@code kind} (the objects {@code source} selects) and waits until its first list
   * is in; a refusal (Forbidden: the watch role is not bound) is an error that names the kind and where.
   */
  public <T extends HasMetadata> ChangeWatches watch(String kind, String where, Informable<T> source, Duration startWithin) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        wakeups.changed(kind + " " + key(obj) + " added");
      }

      @Override
      public void onUpdate(T before, T after) {
        String was = before.getMetadata().getResourceVersion();
        if (was != null && was.equals(after.getMetadata().getResourceVersion())) return; // a relist, not a change
        wakeups.changed(kind + " " + key(after) + " changed");
      }

      @Override
      public void onDelete(T obj, boolean finalStateUnknown) {
        wakeups.changed(kind + " " + key(obj) + " deleted");
      }
    });
    informers.add(informer);
    try {
      informer.start().toCompletableFuture().get(startWithin.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null
          ? k.getStatus().getMessage() : String.valueOf(cause);
      throw new IllegalStateException("cannot watch " + kind + "s " + where + ": " + why
          + " (the runner needs list and watch on them: docs/rbac.yaml, okra-runner-watch)", cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the watch of " + kind + "s " + where + " did not start within " + startWithin.toSeconds() + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the watch of " + kind + "s", e);
    }
    return this;
  }

  /** Every watch still runs (it lists again by itself after a lost connection); false means the process should restart. */
  public boolean running() {
    return informers.stream().allMatch(SharedIndexInformer::isRunning);
  }

  private static String key(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return (ns == null ? "" : ns + "/") + o.getMetadata().getName();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }
}
