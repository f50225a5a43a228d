package co.mumo.okra.discovery;

import co.mumo.okra.aws.AwsClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * {@link EksClusters} over the EKS API: every page of ListClusters, then DescribeCluster for each
 * (ListClusters returns names only, and the tags are in the description), several at a time and
 * returned in ListClusters' order. A cluster deleted between the two calls is left out. Errors
 * propagate unwrapped: the first failed DescribeCluster (in that order) is thrown, the rest are
 * cancelled.
 */
public final class AwsEksClusters implements EksClusters, AutoCloseable {
  /** The API's maximum page size. */
  static final int DEFAULT_PAGE_SIZE = 100;
  /**
   * DescribeCluster calls in flight at once: one at a time, 50 clusters cost 50 round trips to the
   * EKS API on every pass. Modest, as the calls count against the account's EKS API rate (the
   * client's adaptive retries slow down when throttled).
   */
  static final int DESCRIBE_PARALLELISM = 8;

  private final EksClient client;
  private final boolean ownsClient;
  private int pageSize = DEFAULT_PAGE_SIZE;

  /** Uses {@code client} as is; closing this leaves it open. */
  public AwsEksClusters(EksClient client) {
    this(client, false);
  }

  private AwsEksClusters(EksClient client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
  }

  /** A client built by {@link AwsClients}, closed with this. */
  public static AwsEksClusters create(AwsClients.Settings settings) {
    return new AwsEksClusters(client(settings), true);
  }

  public static EksClient client(AwsClients.Settings settings) {
    return AwsClients.build(EksClient.builder(), settings);
  }

  /** Smaller ListClusters pages, so tests cross page boundaries with a few clusters. */
  public AwsEksClusters pageSize(int pageSize) {
    if (pageSize < 1 || pageSize > DEFAULT_PAGE_SIZE) throw new IllegalArgumentException("page size must be 1..100");
    this.pageSize = pageSize;
    return this;
  }

  @Override
  public List<EksCluster> clusters() {
    List<String> names = new ArrayList<>();
    client.listClustersPaginator(b -> b.maxResults(pageSize)).clusters().forEach(names::add);
    List<EksCluster> out = new ArrayList<>();
    if (names.size() <= 1) {
      for (String name : names) cluster(name).ifPresent(out::add);
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(DESCRIBE_PARALLELISM, names.size()), r -> {
      Thread t = new Thread(r, "okra-eks-describe");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Optional<EksCluster>>> described = new ArrayList<>();
      for (String name : names) described.add(pool.submit(() -> cluster(name)));
      for (Future<Optional<EksCluster>> f : described) {
        try {
          f.get().ifPresent(out::add);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) throw r;
          if (cause instanceof Error err) throw err;
          throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while describing EKS clusters", e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public Optional<EksCluster> cluster(String name) {
    try {
      return Optional.of(map(client.describeCluster(b -> b.name(name)).cluster()));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  static EksCluster map(Cluster c) {
    return new EksCluster(c.name(), c.arn(), c.statusAsString(), Optional.ofNullable(c.endpoint()).filter(s -> !s.isEmpty()),
        Optional.ofNullable(c.certificateAuthority()).map(a -> a.data()).filter(s -> s != null && !s.isEmpty()),
        c.hasTags() ? c.tags() : Map.of());
  }

  @Override
  public void close() {
    if (ownsClient) client.close();
  }
}
