package co.mumo.okra.bench;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runner as CI runs it: a fresh JVM for one converged pass over one Cell. Measures the time from
 * process start to its first API call (a loopback forwarder in front of the API server notes the
 * first connection) and to exit: plain {@code java -jar}, and through okra-runner/bin/okra-runner
 * (C1 only, AppCDS archive), whose first run, which records the archive, is timed on its own. Also
 * the load average while it ran: the figures mean little without it.
 */
final class RunnerStartup {
  private final TestKube kube;
  private final MotoServer moto;
  private final Path jar;
  private final int runs;

  RunnerStartup(TestKube kube, MotoServer moto, Path jar, int runs) {
    this.kube = kube;
    this.moto = moto;
    this.jar = jar;
    this.runs = runs;
  }

  Map<String, Object> measure() throws IOException, InterruptedException {
    String ns = kube.freshNamespace("bench-runner");
    AwsFixture aws = new AwsFixture(moto.endpoint());
    AwsFixture.Alb alb = aws.createAlb(1);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.webCell(ns, alb.listenerArn(), 1, "- setWeight: 50\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    CellReconciler inProcess = new CellReconciler(new Fabric8ClusterStore(kube.client()), new Elbv2LoadBalancer(aws.elbv2()),
        new ArgoAnalyses(kube.client()), Clock.systemUTC());
    for (int i = 0; i < 3; i++) inProcess.reconcile(ns, "web", new CellReconciler.Options(false));

    try (Forwarder forwarder = Forwarder.to(apiServer())) {
      Path kubeconfig = Files.createTempFile("okra-bench", ".yaml");
      Files.writeString(kubeconfig, Files.readString(kube.kubeconfig()).replace(apiServer().toString(),
          "https://127.0.0.1:" + forwarder.port()));
      Path cache = Files.createTempDirectory("okra-runner-cds");
      long[] recording = run(kubeconfig, ns, forwarder, launcher(cache)); // records the archive
      List<long[]> plain = new ArrayList<>();
      List<long[]> cds = new ArrayList<>();
      List<Double> load = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        plain.add(run(kubeconfig, ns, forwarder, plain()));
        cds.add(run(kubeconfig, ns, forwarder, launcher(cache)));
        load.add(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("scenario", "runner");
      out.put("runs", runs);
      out.put("firstCallMs", median(plain, 0));
      out.put("exitMs", median(plain, 1));
      out.put("cdsFirstCallMs", median(cds, 0));
      out.put("cdsExitMs", median(cds, 1));
      out.put("cdsRecordingExitMs", recording[1]);
      out.put("loadAverage", Bench.round(load.stream().sorted().toList().get(load.size() / 2)));
      out.put("jarMb", Bench.round(Files.size(jar) / 1e6));
      try (var archives = Files.list(cache)) {
        out.put("archiveMb", Bench.round(archives.mapToLong(RunnerStartup::size).sum() / 1e6));
      }
      return out;
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java -jar okra-runner.jar}, as the runner's README shows it. */
  private List<String> plain() {
    return List.of(java(), "-jar", jar.toString());
  }

  /** okra-runner/bin/okra-runner, next to the jar's target/ directory, with its archive in {@code cache}. */
  private List<String> launcher(Path cache) {
    Path script = jar.toAbsolutePath().getParent().getParent().resolve("bin/okra-runner");
    if (!Files.isRegularFile(script)) throw new IllegalStateException("the launcher is not at " + script);
    return List.of("env", "JAVA=" + java(), "OKRA_RUNNER_JAR=" + jar, "OKRA_CACHE=" + cache, "sh", script.toString());
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {time to first API call, time to exit} in ms for one runner process started with {@code runner}. */
  private long[] run(Path kubeconfig, String ns, Forwarder forwarder, List<String> runner) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(runner);
    command.addAll(List.of("reconcile", "--cell", "web", "-n", ns, "--kubeconfig", kubeconfig.toString(),
        "--region", AwsFixture.REGION.id(), "--aws-endpoint-url", moto.endpoint().toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    forwarder.firstConnection.set(0);
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the runner did not exit within 60 s");
    }
    long exit = System.nanoTime();
    if (p.exitValue() != 0) throw new IllegalStateException("the runner exited with " + p.exitValue());
    return new long[] {(forwarder.firstConnection.get() - start) / 1_000_000, (exit - start) / 1_000_000};
  }

  private URI apiServer() {
    return URI.create(kube.client().getMasterUrl().toString().replaceAll("/$", ""));
  }

  private static long median(List<long[]> samples, int index) {
    List<Long> values = new ArrayList<>(samples.stream().map(s -> s[index]).toList());
    values.sort(Long::compare);
    return values.get(values.size() / 2);
  }

  /** A loopback TCP forwarder that notes when the first connection arrives (TLS passes through untouched). */
  private static final class Forwarder implements AutoCloseable {
    final AtomicLong firstConnection = new AtomicLong();
    private final ServerSocket server;

    private Forwarder(ServerSocket server) {
      this.server = server;
    }

    static Forwarder to(URI target) throws IOException {
      Forwarder f = new Forwarder(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      Thread accept = new Thread(() -> f.accept(target));
      accept.setDaemon(true);
      accept.start();
      return f;
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept(URI target) {
      while (!server.isClosed()) {
        try {
          Socket in = server.accept();
          firstConnection.compareAndSet(0, System.nanoTime());
          Socket out = new Socket();
          out.connect(new InetSocketAddress(target.getHost(), target.getPort()));
          pipe(in, out);
          pipe(out, in);
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void pipe(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          in.transferTo(out);
        } catch (IOException ignored) {
          // One side closed: the copy in the other direction ends too.
        } finally {
          try {
            to.close();
          } catch (IOException ignored) {
            // Already closed.
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
