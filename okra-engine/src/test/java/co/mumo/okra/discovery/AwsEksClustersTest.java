package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterStatus;
import software.amazon.awssdk.services.eks.model.DescribeClusterRequest;
import software.amazon.awssdk.services.eks.model.DescribeClusterResponse;
import software.amazon.awssdk.services.eks.model.ListClustersRequest;
import software.amazon.awssdk.services.eks.model.ListClustersResponse;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/** The EKS adapter over an EKS client in memory: how DescribeCluster calls overlap, and what order and errors come out. */
class AwsEksClustersTest {
  private static final List<String> NAMES = IntStream.range(0, 20).mapToObj(i -> String.format("c%02d", i)).toList();

  @Test
  void clustersAreDescribedSeveralAtATimeAndReturnedInListOrder() {
    CountDownLatch overlapping = new CountDownLatch(AwsEksClusters.DESCRIBE_PARALLELISM);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    FakeEks eks = new FakeEks(NAMES, Set.of("c07")) {
      @Override
      void describing(String name) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        overlapping.countDown();
        try {
          // The first calls wait until as many as the pool allows run at once; one at a time, they would time out. The
          // deadline is generous for a loaded machine: a pool that works never waits for it, only a broken one does.
          if (!overlapping.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("DescribeCluster calls did not overlap");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          inFlight.decrementAndGet();
        }
      }
    };

    List<EksCluster> clusters = new AwsEksClusters(eks).pageSize(3).clusters();

    assertThat(clusters).extracting(EksCluster::name)
        .as("in ListClusters' order, without the cluster deleted after it was listed")
        .containsExactlyElementsOf(NAMES.stream().filter(n -> !n.equals("c07")).toList());
    assertThat(maxInFlight.get()).isEqualTo(AwsEksClusters.DESCRIBE_PARALLELISM);
    assertThat(eks.described).hasSize(NAMES.size());
    assertThat(eks.listed).as("every page").isEqualTo(7);
  }

  @Test
  void aFailedDescribeIsThrownUnwrapped() {
    SdkClientException failure = SdkClientException.create("Unable to execute HTTP request: connect timed out");
    FakeEks eks = new FakeEks(NAMES, Set.of()) {
      @Override
      void describing(String name) {
        if (name.equals("c05") || name.equals("c11")) throw failure;
      }
    };

    assertThatThrownBy(() -> new AwsEksClusters(eks).clusters()).isSameAs(failure);
  }

  @Test
  void oneClusterIsDescribedOnTheCallersThread() {
    List<String> threads = new ArrayList<>();
    FakeEks eks = new FakeEks(List.of("only"), Set.of()) {
      @Override
      void describing(String name) {
        threads.add(Thread.currentThread().getName());
      }
    };

    assertThat(new AwsEksClusters(eks).clusters()).extracting(EksCluster::name).containsExactly("only");
    assertThat(threads).containsExactly(Thread.currentThread().getName());
  }

  /** ListClusters in pages of the request's maxResults; DescribeCluster ACTIVE, or not found for {@code gone}. */
  private abstract static class FakeEks implements EksClient {
    final List<String> described = Collections.synchronizedList(new ArrayList<>());
    int listed;
    private final List<String> names;
    private final Set<String> gone;

    FakeEks(List<String> names, Set<String> gone) {
      this.names = names;
      this.gone = gone;
    }

    abstract void describing(String name);

    @Override
    public ListClustersResponse listClusters(ListClustersRequest request) {
      listed++;
      int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
      int to = Math.min(names.size(), from + request.maxResults());
      return ListClustersResponse.builder().clusters(names.subList(from, to))
          .nextToken(to < names.size() ? Integer.toString(to) : null).build();
    }

    @Override
    public DescribeClusterResponse describeCluster(DescribeClusterRequest request) {
      described.add(request.name());
      describing(request.name());
      if (gone.contains(request.name())) throw ResourceNotFoundException.builder().message("No cluster found").build();
      return DescribeClusterResponse.builder().cluster(Cluster.builder().name(request.name())
          .arn("arn:aws:eks:us-east-1:123456789012:cluster/" + request.name()).status(ClusterStatus.ACTIVE).build()).build();
    }

    @Override
    public String serviceName() {
      return "eks";
    }

    @Override
    public void close() {}
  }
}
