package co.mumo.okra.runner.watch;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who of several loops works: a coordination.k8s.io Lease, held by one identity at a time, renewed every
 * retry period, given up when not renewed within the renew deadline, and taken over by another once it
 * has not changed for the lease's duration. This is client-go's leader election: the takeover is timed
 * by this process's own monotonic clock from when it last saw the Lease change, never by comparing the
 * holder's renewTime with the local clock, so clocks that disagree between machines cannot make two
 * holders. Every write carries the resourceVersion read just before, so two candidates never both win.
 *
 * <p>The Lease only avoids wasted work: the passes stay safe without it (their status writes are
 * guarded by resourceVersion), so a holder that stalls past its deadline while a pass finishes does no
 * harm beyond the wasted work.
 */
public final class LeaseElection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseElection.class);

  /**
   * {@code leaseDuration}: how long others wait for a silent holder; {@code renewDeadline}: how long a
   * holder keeps working without a successful renewal (shorter, so that it stops before anyone takes
   * over); {@code retryPeriod}: how often it tries.
   */
  public record Settings(String namespace, String name, String identity, Duration leaseDuration, Duration renewDeadline,
                         Duration retryPeriod) {
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(identity, "identity");
      if (leaseDuration.compareTo(Duration.ofSeconds(2)) < 0) {
        throw new IllegalArgumentException("the lease duration must be at least 2s, got " + leaseDuration);
      }
      if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
        throw new IllegalArgumentException("need retry period < renew deadline < lease duration");
      }
    }

    /** client-go's proportions (15s, 10s, 2s) for a given lease duration. */
    public static Settings of(String namespace, String name, String identity, Duration leaseDuration) {
      return new Settings(namespace, name, identity, leaseDuration, leaseDuration.multipliedBy(2).dividedBy(3),
          leaseDuration.dividedBy(15).multipliedBy(2));
    }

    /** The pod's name (HOSTNAME in a pod) and a random part, so that two processes never share an identity. */
    public static String newIdentity() {
      String host = System.getenv("HOSTNAME");
      return (host == null || host.isBlank() ? "okra-runner" : host) + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String key() {
      return namespace + "/" + name;
    }
  }

  /** The Lease as last read: a change of any of these restarts the wait for a silent holder. */
  private record Seen(String holder, String renewTime, String resourceVersion, int durationSeconds) {}

  private final KubernetesClient client;
  private final Settings settings;
  /** Only for the times written on the Lease (for people and other tools); the takeover is timed by System.nanoTime. */
  private final Clock clock;
  private final Runnable onChange;
  private final ScheduledExecutorService timer;
  private Seen seen;
  private long seenAtNanos;
  private volatile long renewedAtNanos;
  private volatile boolean holding;
  private volatile boolean wasLeading;
  private volatile boolean closed;
  private final AtomicBoolean closing = new AtomicBoolean();

  /** {@code onChange} runs (on the election's thread) whenever {@link #leading()} may have changed. */
  public LeaseElection(KubernetesClient client, Settings settings, Clock clock, Runnable onChange) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.onChange = onChange;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "okra-lease");
      t.setDaemon(true);
      return t;
    });
  }

  public Settings settings() {
    return settings;
  }

  /** Starts trying to acquire, and then renewing, every retry period. */
  public void start() {
    timer.scheduleWithFixedDelay(this::tick, 0, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Holding the Lease, renewed within the renew deadline. */
  public boolean leading() {
    return holding && System.nanoTime() - renewedAtNanos < settings.renewDeadline().toNanos();
  }

  /** The holder last seen on the Lease (empty when none, or not read yet). */
  public synchronized Optional<String> holder() {
    return seen == null ? Optional.empty() : Optional.ofNullable(seen.holder()).filter(h -> !h.isEmpty());
  }

  private void tick() {
    try {
      holding = tryAcquireOrRenew();
      if (holding) renewedAtNanos = System.nanoTime();
    } catch (KubernetesClientException e) {
      // Not fatal: the next tick tries again, and leading() turns false once the renew deadline passes.
      LOG.warn("lease {}: {} (trying again in {} ms)", settings.key(), e.getMessage(), settings.retryPeriod().toMillis());
    } catch (RuntimeException e) {
      LOG.warn("lease {}: {}", settings.key(), e.toString(), e);
    }
    boolean now = leading();
    if (now != wasLeading) {
      wasLeading = now;
      onChange.run();
    }
  }

  private synchronized boolean tryAcquireOrRenew() {
    if (closed) return false;
    Lease lease = leases().withName(settings.name()).get();
    ZonedDateTime now = ZonedDateTime.now(clock);
    if (lease == null) {
      Lease created = new Lease();
      created.setMetadata(new ObjectMetaBuilder().withName(settings.name()).withNamespace(settings.namespace()).build());
      created.setSpec(spec(new LeaseSpec(), now, true, 0));
      try {
        see(leases().resource(created).create());
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) return false; // another candidate created it first
        throw e;
      }
    }
    see(lease);
    LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    boolean mine = settings.identity().equals(spec.getHolderIdentity());
    boolean vacant = spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty();
    if (!mine && !vacant && System.nanoTime() - seenAtNanos < Duration.ofSeconds(seen.durationSeconds()).toNanos()) {
      return false; // held by someone who renewed it within its duration, as far as this process can tell
    }
    int transitions = spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
    lease.setSpec(spec(spec, now, !mine, mine ? transitions : transitions + 1));
    try {
      see(leases().resource(lease).update());
      if (!mine) LOG.info("lease {}: acquired by {}", settings.key(), settings.identity());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) return false; // someone wrote it since we read it
      throw e;
    }
  }

  private LeaseSpec spec(LeaseSpec spec, ZonedDateTime now, boolean acquiring, int transitions) {
    spec.setHolderIdentity(settings.identity());
    spec.setLeaseDurationSeconds((int) Math.max(1, settings.leaseDuration().toSeconds()));
    spec.setRenewTime(now);
    if (acquiring) spec.setAcquireTime(now);
    spec.setLeaseTransitions(transitions);
    return spec;
  }

  private void see(Lease lease) {
    LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    Seen now = new Seen(spec.getHolderIdentity(), spec.getRenewTime() == null ? null : spec.getRenewTime().toInstant().toString(),
        lease.getMetadata().getResourceVersion(),
        spec.getLeaseDurationSeconds() == null ? (int) settings.leaseDuration().toSeconds() : spec.getLeaseDurationSeconds());
    if (!now.equals(seen)) {
      seen = now;
      seenAtNanos = System.nanoTime();
    }
  }

  private NonNamespaceOperation<Lease, LeaseList,
      Resource<Lease>> leases() {
    return client.leases().inNamespace(settings.namespace());
  }

  /**
   * Stops renewing and, if this process holds the Lease, gives it up (holder cleared, guarded by the
   * resourceVersion), so that a standby takes over at its next try instead of after the lease duration.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) return;
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closed = true;
      holding = false;
      try {
        Lease lease = leases().withName(settings.name()).get();
        if (lease == null || lease.getSpec() == null || !settings.identity().equals(lease.getSpec().getHolderIdentity())) return;
        ZonedDateTime now = ZonedDateTime.now(clock);
        lease.getSpec().setHolderIdentity(null);
        lease.getSpec().setLeaseDurationSeconds(1);
        lease.getSpec().setRenewTime(now);
        leases().resource(lease).update();
        LOG.info("lease {}: released by {}", settings.key(), settings.identity());
      } catch (KubernetesClientException e) {
        // Released or not, it lapses after its duration; the next holder waits that long at most.
        LOG.warn("lease {}: could not release it ({}); it lapses after {}", settings.key(), e.getMessage(), settings.leaseDuration());
      }
    }
    if (wasLeading) {
      wasLeading = false;
      onChange.run();
    }
  }
}
