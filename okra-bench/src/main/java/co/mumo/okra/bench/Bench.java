package co.mumo.okra.bench;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellReconciler.Options;
import co.mumo.okra.cell.CellReconciler.Outcome;
import co.mumo.okra.cell.CellReconciler.PassResult;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * {@code scripts/bench.sh}: reconcile passes over many Cells against moto and a real API server,
 * discovery passes over many EKS clusters ({@link DiscoveryBench}) and the runner jar's start-up, printed as a table and written as JSON to compare between commits.
 * Figures, not assertions: nothing here fails because the machine is slow.
 */
public final class Bench {
  private static final int STABLE_GROUPS = 2;
  private static final int CANARY_GROUPS = 2;

  private final CallMeter meter = new CallMeter();
  private final TestKube kube = TestKube.start();
  private final AwsFixture aws = new AwsFixture(MotoServer.shared().endpoint());
  private final ElasticLoadBalancingV2Client elbv2;
  private final KubernetesClient client;
  private final int repeat;
  /** Listeners a pass works on at once (reconcile --all --parallel). */
  private final int parallel;

  private Bench(int repeat, int parallel) throws IOException {
    this.repeat = repeat;
    this.parallel = parallel;
    this.elbv2 = aws.against(ElasticLoadBalancingV2Client.builder())
        .overrideConfiguration(o -> o.addExecutionInterceptor(meter.awsInterceptor())).build();
    this.client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("okra-bench", meter.kubeInterceptor()))
        .build();
  }

  public static void main(String[] args) {
    try {
      run(BenchArgs.parse(args));
    } catch (Throwable t) {
      // exec:java reports a failure only once every non-daemon thread has ended, and the API servers' output pumps never do.
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(BenchArgs a) throws Exception {
    Bench bench = new Bench(a.repeat(), a.parallel());
    List<Map<String, Object>> results = new ArrayList<>();
    if (a.runs("cells")) {
      for (int[] scenario : a.cellScenarios()) {
        results.add(bench.passes(scenario[0], scenario[1]));
      }
    }
    if (a.runs("discovery") && a.clusters().length > 0) {
      DiscoveryBench discovery = new DiscoveryBench(bench.kube, bench.client, bench.meter, bench.aws, a);
      discovery.warmUp(a.clusters()[0]);
      for (int clusters : a.clusters()) results.add(discovery.measure(clusters));
    }
    if (a.runs("runner") && !a.runnerJars().isEmpty()) {
      results.add(new RunnerStartup(bench.kube, MotoServer.shared(), a.runnerJars(), a.repeat(), a.jdks(), a.runnerEnv()).measure());
    }
    Report.print(results, System.out);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("machine", Report.machine());
    doc.put("results", results);
    Files.createDirectories(a.json().toAbsolutePath().getParent());
    Files.writeString(a.json(), Serialization.asJson(doc));
    System.out.println("wrote " + a.json());
  }

  /** One scenario: set up, converge, then time converged passes and the first progressing passes. */
  private Map<String, Object> passes(int cells, int listeners) {
    String ns = kube.freshNamespace("bench-" + cells + "-" + listeners);
    long setupStart = System.nanoTime();
    List<String> listenerArns = listeners(listeners);
    List<List<String>> canaryArns = new ArrayList<>();
    for (int i = 0; i < cells; i++) {
      String name = "cell-" + i;
      cell(ns, name, listenerArns.get(i % listeners), i / listeners + 1);
      for (int g = 0; g < STABLE_GROUPS; g++) targetGroup(ns, name + "-v1-" + g, name, targetGroupArn(), "1.0.0");
      List<String> canaries = new ArrayList<>();
      for (int g = 0; g < CANARY_GROUPS; g++) canaries.add(targetGroupArn());
      canaryArns.add(canaries);
    }
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(client), new Elbv2LoadBalancer(elbv2),
        new ArgoAnalyses(client), Clock.systemUTC());
    Options options = new Options(false, parallel);
    int convergePasses = 0;
    while (convergePasses < 10 && !converged(reconciler.reconcileAll(ns, options))) convergePasses++;
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scenario", "passes");
    out.put("cells", cells);
    out.put("listeners", listeners);
    out.put("parallel", parallel);
    out.put("targetGroupsPerCell", STABLE_GROUPS + "+" + CANARY_GROUPS);
    out.put("setupSeconds", round(setupSeconds));
    out.put("converged", measure(() -> reconciler.reconcileAll(ns, options), repeat));

    for (int i = 0; i < cells; i++) {
      for (int g = 0; g < CANARY_GROUPS; g++) {
        targetGroup(ns, "cell-" + i + "-v2-" + g, "cell-" + i, canaryArns.get(i).get(g), "2.0.0");
      }
    }
    List<Map<String, Object>> progressing = new ArrayList<>();
    for (int pass = 0; pass < 8; pass++) {
      Map<String, Object> m = measure(() -> reconcileAllOnce(reconciler, ns, options), 1);
      progressing.add(m);
      if ((boolean) m.get("allSettled")) break;
    }
    out.put("progressing", progressing);
    return out;
  }

  private List<PassResult> reconcileAllOnce(CellReconciler reconciler, String ns, Options options) {
    return reconciler.reconcileAll(ns, options);
  }

  private static boolean converged(List<PassResult> results) {
    return results.stream().allMatch(r -> r.phase() == Phase.Succeeded && r.outcome() == Outcome.UNCHANGED);
  }

  /** Wall time (median, min, max over {@code times} runs), calls and bytes of the last run, peak heap. */
  private Map<String, Object> measure(Supplier<List<PassResult>> pass, int times) {
    List<Double> millis = new ArrayList<>();
    List<PassResult> last = List.of();
    resetPeakHeap();
    for (int r = 0; r < times; r++) {
      meter.reset();
      long t = System.nanoTime();
      last = pass.get();
      millis.add((System.nanoTime() - t) / 1e6);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    millis.sort(Double::compare);
    m.put("medianMs", round(millis.get(millis.size() / 2)));
    m.put("minMs", round(millis.get(0)));
    m.put("maxMs", round(millis.get(millis.size() - 1)));
    m.put("runs", times);
    m.put("awsCalls", meter.aws());
    m.put("kubeCalls", meter.kube());
    m.put("awsWrites", meter.awsWrites());
    m.put("kubeWrites", meter.kubeWrites());
    m.put("awsBytes", meter.awsBytes());
    m.put("kubeBytes", meter.kubeBytes());
    m.put("peakHeapMb", round(peakHeapBytes() / 1e6));
    m.put("rssHighWaterMb", round(rssHighWaterKb() / 1e3));
    m.put("phases", last.stream().collect(Collectors.groupingBy(r -> r.phase().name(), TreeMap::new,
        Collectors.counting())));
    m.put("allSettled", last.stream().allMatch(r -> r.phase() == Phase.Succeeded && r.outcome() == Outcome.UNCHANGED));
    return m;
  }

  private List<String> listeners(int count) {
    AwsFixture.Alb alb = aws.createAlb(0);
    List<String> arns = new ArrayList<>(List.of(alb.listenerArn()));
    for (int i = 1; i < count; i++) {
      int port = 8000 + i;
      arns.add(aws.elbv2().createListener(b -> b.loadBalancerArn(alb.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(port)
          .defaultActions(d -> d.type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(f -> f.statusCode("404"))))
          .listeners().get(0).listenerArn());
    }
    vpc = alb.vpcId();
    return arns;
  }

  private String vpc;
  private int targetGroups;

  private String targetGroupArn() {
    String name = "bench-" + Long.toHexString(System.nanoTime() & 0xffffffffL) + "-" + targetGroups++;
    return aws.elbv2().createTargetGroup(b -> b.name(name.length() > 32 ? name.substring(name.length() - 32) : name)
        .protocol(ProtocolEnum.HTTP).port(80).vpcId(vpc).targetType(TargetTypeEnum.IP)).targetGroups().get(0).targetGroupArn();
  }

  private void cell(String ns, String name, String listenerArn, int priority) {
    Cell cell = Serialization.unmarshal("""
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: %s
        spec:
          ingress:
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule:
                  priority: %d
                  hosts: [%s.example.com]
              targetGroupSelector:
                matchLabels:
                  cell: %s
          replicas: %d
          updateStrategy:
            canary:
              steps:
              - setWeight: 20
              - setWeight: 50
        """.formatted(name, listenerArn, priority, name, name, STABLE_GROUPS), Cell.class);
    client.resources(Cell.class).inNamespace(ns).resource(cell).create();
  }

  private void targetGroup(String ns, String name, String cell, String arn, String version) {
    AWSTargetGroup tg = new AWSTargetGroup();
    tg.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
        .withLabels(Map.of("cell", cell, "okra.mumo.co/version", version)).build());
    tg.setSpec(new AWSTargetGroup.Spec());
    tg.getSpec().arn = arn;
    client.resources(AWSTargetGroup.class).inNamespace(ns).resource(tg).create();
  }

  static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
  }

  static long peakHeapBytes() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }

  /** Peak resident set of this JVM (VmHWM), the benchmark's own process, not moto's or the API server's. */
  static long rssHighWaterKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static double round(double d) {
    return Math.round(d * 10) / 10.0;
  }
}
