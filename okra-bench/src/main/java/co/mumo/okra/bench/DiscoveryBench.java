package co.mumo.okra.bench;

import co.mumo.okra.discovery.ArgoCluster;
import co.mumo.okra.discovery.AwsEksClusters;
import co.mumo.okra.discovery.ClusterConfig;
import co.mumo.okra.discovery.ClusterSetReconciler;
import co.mumo.okra.discovery.Discovery;
import co.mumo.okra.discovery.DiscoveryResult;
import co.mumo.okra.discovery.DiscoveryStore;
import co.mumo.okra.discovery.Fabric8DiscoveryStore;
import co.mumo.okra.discovery.Fabric8WorkloadClusters;
import co.mumo.okra.discovery.Note;
import co.mumo.okra.discovery.TargetGroupSetReconciler;
import co.mumo.okra.discovery.WorkloadClusters;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.DiscoveryObjects;
import co.mumo.okra.testsupport.TestKube;
import co.mumo.okra.testsupport.WorkloadKube;
import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Discovery passes over N EKS clusters: moto's EKS holds the clusters (tagged for one ClusterSet),
 * the management API server the ClusterSet, the AWSTargetGroupSet and what they write, and one
 * real workload kube-apiserver stands in for every cluster, behind a {@link LatencyForwarder} per
 * cluster that makes it look far away (one of them slower than the rest). The pass is the engine's
 * {@link Discovery}, built as {@code okra-runner discover} builds it.
 *
 * <p>moto gives every EKS cluster the same made-up endpoint and CA, and kube-apiserver cannot take
 * an EKS token, so (as in {@code DiscoveryIT}) the listing is routed by EKS cluster name to that
 * cluster's forwarder, with the workload server's bearer token and CA. Every cluster holds the same
 * bindings, as when one ApplicationSet deploys the same manifest everywhere.
 */
final class DiscoveryBench {
  private final TestKube kube;
  private final KubernetesClient client;
  private final CallMeter meter;
  private final CallMeter workloadMeter = new CallMeter();
  private final EksClient eks;
  private final EksClient setupEks;
  private final WorkloadKube workload;
  private final ClusterConfig standInConfig;
  private final int repeat;
  private final int bindings;
  private final long latencyMs;
  private final long slowLatencyMs;
  private final long awsLatencyMs;
  private LatencyForwarder awsForwarder;
  private final List<LatencyForwarder> forwarders = new ArrayList<>();
  private final Map<String, LatencyForwarder> routes = new ConcurrentHashMap<>();
  private final List<long[]> listings = Collections.synchronizedList(new ArrayList<>());
  private final Discovery discovery;

  DiscoveryBench(TestKube kube, KubernetesClient meteredClient, CallMeter meter, AwsFixture aws, BenchArgs args) {
    this.kube = kube;
    this.client = meteredClient;
    this.meter = meter;
    this.repeat = args.repeat();
    this.bindings = args.bindings();
    this.latencyMs = args.clusterLatencyMs();
    this.slowLatencyMs = args.slowClusterLatencyMs();
    this.awsLatencyMs = args.awsLatencyMs();
    URI moto = aws.endpoint();
    if (awsLatencyMs > 0) {
      awsForwarder = LatencyForwarder.to(moto.getHost(), moto.getPort(), awsLatencyMs);
      moto = URI.create("http://127.0.0.1:" + awsForwarder.port());
    }
    this.eks = aws.against(EksClient.builder()).endpointOverride(moto)
        .overrideConfiguration(o -> o.addExecutionInterceptor(meter.awsInterceptor())).build();
    this.setupEks = aws.against(EksClient.builder()).build();
    this.workload = WorkloadKube.shared(1).get(0);
    this.standInConfig = ClusterConfig.parse(workload.bearerConfig(), "the workload server");
    // A fresh server of this JVM: it holds no bindings yet.
    for (int i = 0; i < bindings; i++) {
      workload.binding(i % 2 == 0 ? "default" : "apps", "web-" + i, Map.of("role", "web", "okra.mumo.co/version", "1.0.0"),
          "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-" + i + "/" + Integer.toHexString(1000 + i));
    }
    workload.binding("default", "batch", Map.of("role", "batch"), "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/b/1");

    // As DiscoveryClients.discovery() builds it, but for the route and the meter on the workload clients.
    Fabric8WorkloadClusters real = new Fabric8WorkloadClusters((cluster, role) -> {
      throw new IllegalStateException("the stand-in clusters take a bearer token, not an EKS token");
    }, new Fabric8WorkloadClusters.Trust(new AwsEksClusters(eks), false), Fabric8WorkloadClusters.DEFAULT_CONNECT_TIMEOUT, Fabric8WorkloadClusters.DEFAULT_REQUEST_TIMEOUT,
        b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("okra-bench", workloadMeter.kubeInterceptor())));
    WorkloadClusters routed = (cluster, selectors) -> {
      long start = System.nanoTime();
      try {
        LatencyForwarder f = routes.get(cluster.clusterName());
        if (f == null) throw new IllegalStateException("no stand-in for " + cluster.clusterName());
        return real.bindings(new ArgoCluster(cluster.namespace(), cluster.secretName(), cluster.clusterName(),
            "https://127.0.0.1:" + f.port(), standInConfig, cluster.labels()), selectors);
      } finally {
        listings.add(new long[] {start, System.nanoTime()});
      }
    };
    DiscoveryStore store = new Fabric8DiscoveryStore(client);
    this.discovery = new Discovery(store, new ClusterSetReconciler(store, new AwsEksClusters(eks), Clock.systemUTC()),
        new TargetGroupSetReconciler(store, routed, Clock.systemUTC()));
  }

  /** One untimed round, so the first scenario does not pay for class loading and JIT alone. */
  void warmUp(int clusters) {
    round(clusters);
  }

  /** {@code repeat} rounds over {@code clusters} clusters: each a fresh namespace and fresh EKS clusters, a first and a converged pass. */
  Map<String, Object> measure(int clusters) {
    List<Map<String, Object>> first = new ArrayList<>();
    List<Map<String, Object>> converged = new ArrayList<>();
    for (int r = 0; r < repeat; r++) {
      Map<String, Object>[] passes = round(clusters);
      first.add(passes[0]);
      converged.add(passes[1]);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scenario", "discovery");
    out.put("clusters", clusters);
    out.put("bindingsPerCluster", bindings);
    out.put("latencyMs", latencyMs);
    out.put("slowClusterLatencyMs", slowLatencyMs);
    out.put("awsLatencyMs", awsLatencyMs);
    out.put("parallelism", TargetGroupSetReconciler.DEFAULT_PARALLELISM);
    out.put("first", summary(first));
    out.put("converged", summary(converged));
    return out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object>[] round(int clusters) {
    String ns = kube.freshNamespace("bench-disc-" + clusters);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < clusters; i++) {
      String name = ns + "-c" + String.format("%02d", i);
      // The last cluster (in name order, so listed last) is the slow one; with one cluster, it is that one.
      forwarder(i).latencyMs(i == clusters - 1 ? slowLatencyMs : latencyMs);
      routes.put(name, forwarder(i));
      DiscoveryObjects.eksCluster(setupEks, name, Map.of("Service", ns));
      names.add(name);
    }
    DiscoveryObjects objects = new DiscoveryObjects(kube.client());
    objects.createClusterSet(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: ClusterSet
        metadata:
          name: bench
        spec:
          generators:
          - awseks:
              selector:
                matchTags:
                  Service: %s
          template:
            metadata:
              labels:
                service: bench
        """, ns);
    objects.createTargetGroupSet(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: AWSTargetGroupSet
        metadata:
          name: bench
        spec:
          generators:
          - awseks:
              clusterSelector:
                matchLabels:
                  service: bench
              bindingSelector:
                matchLabels:
                  role: web
          template:
            metadata: {}
        """);
    Map<String, Object> first = pass(ns, clusters);
    Map<String, Object> converged = pass(ns, clusters);
    check(first, clusters, clusters * bindings, "first");
    check(converged, 0, 0, "converged");
    if ((long) converged.get("kubeWrites") != 0) {
      throw new IllegalStateException("the converged pass wrote to the management cluster: " + converged.get("kubeCalls"));
    }
    // ListClusters lists the whole account: the next round must not see this one's clusters.
    for (String name : names) {
      DiscoveryObjects.deleteEksCluster(setupEks, name);
      routes.remove(name);
    }
    return new Map[] {first, converged};
  }

  private Map<String, Object> pass(String ns, int clusters) {
    meter.reset();
    workloadMeter.reset();
    listings.clear();
    forwarders.forEach(LatencyForwarder::resetConnections);
    Bench.resetPeakHeap();
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    List<DiscoveryResult> results = discovery.run(ns, Discovery.Selection.ALL, false);
    long end = System.nanoTime();
    long cpu = processCpuNanos() - cpuStart;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("wallMs", (end - start) / 1e6);
    m.put("cpuMs", cpu / 1e6);
    long firstStart = listings.stream().mapToLong(l -> l[0]).min().orElse(end);
    long lastEnd = listings.stream().mapToLong(l -> l[1]).max().orElse(end);
    m.put("beforeListingMs", (firstStart - start) / 1e6);
    m.put("listingSpanMs", (lastEnd - firstStart) / 1e6);
    m.put("slowestListingMs", listings.stream().mapToLong(l -> l[1] - l[0]).max().orElse(0) / 1e6);
    m.put("afterListingMs", (end - lastEnd) / 1e6);
    m.put("listings", (long) listings.size());
    m.put("awsCalls", meter.aws());
    m.put("kubeCalls", meter.kube());
    m.put("workloadCalls", workloadMeter.kube());
    m.put("awsWrites", meter.awsWrites());
    m.put("kubeWrites", meter.kubeWrites());
    m.put("workloadWrites", workloadMeter.kubeWrites());
    m.put("awsBytes", meter.awsBytes());
    m.put("kubeBytes", meter.kubeBytes());
    m.put("workloadBytes", workloadMeter.kubeBytes());
    m.put("workloadConnections", forwarders.stream().mapToLong(LatencyForwarder::connections).sum());
    m.put("peakHeapMb", Bench.peakHeapBytes() / 1e6);
    m.put("created", results.stream().mapToLong(r -> r.created().size()).sum());
    m.put("updated", results.stream().mapToLong(r -> r.updated().size()).sum());
    m.put("deleted", results.stream().mapToLong(r -> r.deleted().size()).sum());
    m.put("outcomes", results.stream().map(r -> r.kind() + " " + r.outcome()).toList());
    m.put("notes", results.stream().flatMap(r -> r.notes().stream()).map(Note::toString).toList());
    return m;
  }

  /** The pass did what a pass over this setup must do; a figure of a broken pass would mislead. */
  private static void check(Map<String, Object> pass, long secrets, long targetGroups, String which) {
    long created = (long) pass.get("created");
    if (created != secrets + targetGroups || (long) pass.get("updated") != 0 || (long) pass.get("deleted") != 0
        || !((List<?>) pass.get("notes")).isEmpty()) {
      throw new IllegalStateException("the " + which + " discovery pass should have created " + secrets + " Secrets and "
          + targetGroups + " AWSTargetGroups and nothing else: " + Serialization.asJson(pass));
    }
  }

  /** Median, min and max of the wall times; medians of the phases; calls, bytes and heap of the last round. */
  private static Map<String, Object> summary(List<Map<String, Object>> rounds) {
    Map<String, Object> last = rounds.get(rounds.size() - 1);
    Map<String, Object> m = new LinkedHashMap<>();
    List<Double> wall = sorted(rounds, r -> (double) r.get("wallMs"));
    m.put("medianMs", Bench.round(median(wall)));
    m.put("minMs", Bench.round(wall.get(0)));
    m.put("maxMs", Bench.round(wall.get(wall.size() - 1)));
    m.put("runs", rounds.size());
    for (String phase : List.of("cpuMs", "beforeListingMs", "listingSpanMs", "slowestListingMs", "afterListingMs")) {
      m.put(phase, Bench.round(median(sorted(rounds, r -> (double) r.get(phase)))));
    }
    for (String key : List.of("listings", "awsCalls", "kubeCalls", "workloadCalls", "awsWrites", "kubeWrites", "workloadWrites",
        "awsBytes", "kubeBytes", "workloadBytes", "workloadConnections", "created")) {
      m.put(key, last.get(key));
    }
    m.put("callsSameEveryRound", rounds.stream().allMatch(r -> r.get("awsCalls").equals(last.get("awsCalls"))
        && r.get("kubeCalls").equals(last.get("kubeCalls")) && r.get("workloadCalls").equals(last.get("workloadCalls"))));
    m.put("peakHeapMb", Bench.round(rounds.stream().mapToDouble(r -> (double) r.get("peakHeapMb")).max().orElse(0)));
    m.put("rssHighWaterMb", Bench.round(Bench.rssHighWaterKb() / 1e3));
    return m;
  }

  /** CPU time of this JVM: the pass, and also the forwarders' copying (small) and anything else running in the benchmark. */
  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static List<Double> sorted(List<Map<String, Object>> rounds, Function<Map<String, Object>, Double> f) {
    List<Double> values = new ArrayList<>(rounds.stream().map(f).toList());
    values.sort(Double::compare);
    return values;
  }

  private static double median(List<Double> sorted) {
    return sorted.get(sorted.size() / 2);
  }

  private LatencyForwarder forwarder(int i) {
    while (forwarders.size() <= i) {
      URI server = URI.create(workload.server());
      forwarders.add(LatencyForwarder.to(server.getHost(), server.getPort(), latencyMs));
    }
    return forwarders.get(i);
  }
}
