package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.ClusterSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How an AWSTargetGroupSet pass lists its clusters, without servers: a store and workload clusters in memory. */
class TargetGroupSetReconcilerTest {
  private static final AWSTargetGroupSet SET = Serialization.unmarshal("""
      apiVersion: okra.mumo.co/v1alpha1
      kind: AWSTargetGroupSet
      metadata:
        name: cell1
        namespace: argocd
      spec:
        generators:
        - awseks:
            clusterSelector:
              matchLabels:
                service: demo
        template:
          metadata: {}
      """, AWSTargetGroupSet.class);

  @Test
  void fiftyClustersAreListedAtOnceByDefault() {
    int clusters = 50;
    CountDownLatch allStarted = new CountDownLatch(clusters);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    // Each listing waits until every cluster's listing has started: with a pool smaller than 50 they never all start.
    WorkloadClusters waiting = (cluster, selectors) -> {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      allStarted.countDown();
      try {
        if (!allStarted.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("not every cluster was being listed at once");
        return List.of(new ObservedBinding("default", "web1", Map.of(), Optional.of("arn:" + cluster.secretName())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        inFlight.decrementAndGet();
      }
    };
    MemoryStore store = new MemoryStore(clusters);

    DiscoveryResult result = new TargetGroupSetReconciler(store, waiting, Clock.systemUTC()).reconcile(SET, false);

    assertThat(result.notes()).isEmpty();
    assertThat(maxInFlight.get()).isEqualTo(clusters);
    assertThat(result.created()).hasSize(clusters).contains("w00-default-web1", "w49-default-web1");
    assertThat(store.created).hasSize(clusters);
  }

  @Test
  void theDefaultPoolStillBoundsAVeryLargeFleet() {
    int bound = TargetGroupSetReconciler.DEFAULT_PARALLELISM;
    int clusters = bound + 16;
    CountDownLatch oneTooMany = new CountDownLatch(bound + 1);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    // Each listing is held until one listing more than the bound has started. An unbounded pool starts that one while
    // the others are held, so more than the bound are in flight at once; a bounded one never does, and its held
    // listings go on after a second (no speed makes this pass or fail by chance: a late start only shortens the hold).
    WorkloadClusters slow = (cluster, selectors) -> {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      oneTooMany.countDown();
      try {
        oneTooMany.await(1, TimeUnit.SECONDS);
        return List.of();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        inFlight.decrementAndGet();
      }
    };

    DiscoveryResult result = new TargetGroupSetReconciler(new MemoryStore(clusters), slow, Clock.systemUTC()).reconcile(SET, false);

    assertThat(result.notes()).isEmpty();
    assertThat(maxInFlight.get()).isLessThanOrEqualTo(bound);
  }

  /** Cluster Secrets w00..wNN selected by the set; AWSTargetGroups and the status kept in memory. */
  private static final class MemoryStore implements DiscoveryStore {
    final List<String> created = Collections.synchronizedList(new ArrayList<>());
    private final List<ObservedSecret> secrets = new ArrayList<>();

    MemoryStore(int clusters) {
      for (int i = 0; i < clusters; i++) {
        String name = String.format("w%02d", i);
        secrets.add(new ObservedSecret(name, Map.of("service", "demo", DiscoveryKeys.ARGOCD_SECRET_TYPE, "cluster"), Map.of(),
            Map.of("name", name, "server", "https://" + name + ".example", "config", "{\"bearerToken\":\"t\"}"), Optional.empty()));
      }
    }

    @Override
    public List<ObservedSecret> secrets(String namespace, Map<String, String> labels) {
      return secrets.stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    @Override
    public List<ObservedTargetGroup> targetGroups(String namespace) {
      return List.of();
    }

    @Override
    public void createTargetGroup(AWSTargetGroupSet owner, DesiredTargetGroup targetGroup) {
      created.add(targetGroup.name());
    }

    @Override
    public void updateStatus(AWSTargetGroupSet set, AWSTargetGroupSet.Status status) {}

    @Override
    public List<ClusterSet> clusterSets(String namespace) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ClusterSet> clusterSet(String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<AWSTargetGroupSet> targetGroupSets(String namespace) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<AWSTargetGroupSet> targetGroupSet(String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ObservedSecret> clusterSecrets(String namespace, String clusterSet) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ObservedSecret> secret(String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void createSecret(ClusterSet owner, DesiredSecret secret) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateSecret(ClusterSet owner, DesiredSecret secret) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void deleteSecret(String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateTargetGroup(AWSTargetGroupSet owner, DesiredTargetGroup targetGroup) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void deleteTargetGroup(String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateStatus(ClusterSet set, ClusterSet.Status status) {
      throw new UnsupportedOperationException();
    }
  }
}
