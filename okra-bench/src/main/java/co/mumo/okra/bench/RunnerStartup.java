package co.mumo.okra.bench;

import co.mumo.okra.alb.Elbv2LoadBalancer;
import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runner as CI runs it: a fresh JVM for one converged pass over one Cell, and for {@code version}
 * (JVM and picocli only). Side by side, interleaved round by round: plain {@code java -jar} and
 * okra-runner/bin/okra-runner (C1 only, and its start-up archive: AppCDS on JDK 17, the AOT cache on
 * JDK 24+) on each JDK given, whose launcher's first run, which records the archive, is timed on its
 * own. Per run: wall time, CPU time (user + system, the launcher's shell and tools included), peak RSS,
 * and for the pass the time to the first API call (a loopback forwarder in front of the API server
 * notes the first connection); and the load average while it ran: the figures mean little without it.
 * Beside them, on each JDK, {@link StartupFloor}: the pass's I/O alone on the same parts, the floor under
 * any runner built on them. {@code OKRA_BENCH_HOLD=FILE} keeps the servers up for profiling by hand.
 */
final class RunnerStartup {
  /** Runs a command and reports {start (monotonic ns), wall ns, user + system CPU ns, peak RSS KiB} as Python's rusage sees it. */
  private static final String RUSAGE = String.join("\n",
      "import json, resource, subprocess, sys, time",
      "start = time.monotonic_ns()",
      "rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
      "wall = time.monotonic_ns() - start",
      "r = resource.getrusage(resource.RUSAGE_CHILDREN)",
      "print(json.dumps({'rc': rc, 'start': start, 'wall': wall, 'cpu': int((r.ru_utime + r.ru_stime) * 1e9), 'rss': r.ru_maxrss}))");

  private final TestKube kube;
  private final MotoServer moto;
  private final List<Path> jars;
  private final int runs;
  private final List<Path> jdks;
  private final Map<String, String> runnerEnv;
  /** {@link StartupFloor}'s arguments: the same servers, credentials, namespace and listener as the pass. */
  private List<String> floorArgs = List.of();

  RunnerStartup(TestKube kube, MotoServer moto, List<Path> jars, int runs, List<Path> jdks, Map<String, String> runnerEnv) {
    this.kube = kube;
    this.moto = moto;
    this.jars = jars;
    this.runs = runs;
    this.jdks = jdks;
    this.runnerEnv = runnerEnv;
  }

  /** How a variant starts: the jar as it is, through the launcher, or {@link StartupFloor} with the launcher's flags and an archive of its own. */
  private enum Mode { PLAIN, LAUNCHER, FLOOR }

  /** One way of starting the runner: a jar, a JDK's java, a mode, and the start-up cache (launcher and floor). */
  private record Variant(String name, Path jar, Path java, Mode mode, Path cache) {
    boolean records() {
      return mode != Mode.PLAIN;
    }
  }

  /** The launcher beside a jar built in DIR/target: DIR/bin/okra-runner. */
  private static Path launcher(Path jar) {
    Path script = jar.toAbsolutePath().getParent().getParent().resolve("bin/okra-runner");
    if (!Files.isRegularFile(script)) throw new IllegalStateException("the launcher is not at " + script);
    return script;
  }

  /** The JVM flags the launcher gives a JDK of this feature version: its {@code flags=} line, and from 25 on -Xlog:aot=off, as it adds. */
  private static List<String> launcherFlags(Path launcher, int feature) throws IOException {
    Matcher m = Pattern.compile("(?m)^flags=\"([^\"]+)\"$").matcher(Files.readString(launcher));
    if (!m.find()) throw new IllegalStateException("no flags= line in " + launcher);
    List<String> flags = new ArrayList<>(List.of(m.group(1).split(" ")));
    if (feature >= 25) flags.add("-Xlog:aot=off");
    return flags;
  }

  /** One run: ms to the first API call (-1: none), wall ms, CPU ms, peak RSS MiB, load average. */
  private record Sample(long firstCallMs, long wallMs, long cpuMs, double rssMb, double load) {}

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
      List<Variant> variants = new ArrayList<>();
      for (Path jar : jars) {
        // Several jars: each is named by the directory it was built in (DIR/target/okra-runner.jar).
        String label = jars.size() == 1 ? "" : jar.toAbsolutePath().getParent().getParent().getFileName() + ": ";
        for (Path home : jdks) {
          String v = label + "JDK " + feature(home);
          Path java = home.resolve("bin/java");
          Path cache = Files.createTempDirectory("okra-runner-startup");
          String archive = feature(home) >= 24 ? "AOT cache" : "AppCDS";
          variants.add(new Variant(v + " java -jar", jar, java, Mode.PLAIN, null));
          variants.add(new Variant(v + " launcher (" + archive + ")", jar, java, Mode.LAUNCHER, cache));
          if (jar.equals(jars.get(0))) {
            variants.add(new Variant(v + " floor (" + archive + ")", jar, java, Mode.FLOOR, Files.createTempDirectory("okra-floor")));
          }
        }
      }
      List<String> pass = List.of("reconcile", "--cell", "web", "-n", ns, "--kubeconfig", kubeconfig.toString(),
          "--region", AwsFixture.REGION.id(), "--aws-endpoint-url", moto.endpoint().toString());
      String config = Files.readString(kubeconfig);
      floorArgs = List.of("https://127.0.0.1:" + forwarder.port(), kubeconfigFile(config, "certificate-authority"),
          kubeconfigFile(config, "client-certificate"), kubeconfigFile(config, "client-key"), ns, moto.endpoint().toString(),
          AwsFixture.REGION.id(), alb.listenerArn());
      if (System.getenv("OKRA_BENCH_HOLD") != null) hold(Path.of(System.getenv("OKRA_BENCH_HOLD")), pass);
      Map<String, Sample> recording = new LinkedHashMap<>();
      for (Variant v : variants) if (v.records()) recording.put(v.name(), run(v, pass, forwarder)); // records the archive
      Map<String, List<Sample>> passes = new LinkedHashMap<>();
      Map<String, List<Sample>> versions = new LinkedHashMap<>();
      for (int i = 0; i < runs; i++) {
        for (Variant v : variants) passes.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(run(v, pass, forwarder));
        for (Variant v : variants) {
          if (v.mode() != Mode.FLOOR) versions.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(run(v, List.of("version"), null));
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("scenario", "runner");
      out.put("runs", runs);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Variant v : variants) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("variant", v.name());
        row.put("pass", summary(passes.get(v.name())));
        if (versions.containsKey(v.name())) row.put("version", summary(versions.get(v.name())));
        if (recording.containsKey(v.name())) {
          row.put("recordingWallMs", recording.get(v.name()).wallMs());
          row.put("recordingCpuMs", recording.get(v.name()).cpuMs());
          try (var archives = Files.list(v.cache())) {
            row.put("archiveMb", Bench.round(archives.mapToLong(RunnerStartup::size).sum() / 1e6));
          }
        }
        rows.add(row);
      }
      out.put("variants", rows);
      out.put("jarMb", Bench.round(Files.size(jars.get(0)) / 1e6));
      return out;
    }
  }

  /** Medians (and the wall time's min and max) over the samples, with the load averages seen. */
  private static Map<String, Object> summary(List<Sample> samples) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("wallMs", median(samples.stream().map(s -> (double) s.wallMs()).toList()));
    m.put("wallMinMs", samples.stream().mapToLong(Sample::wallMs).min().orElse(-1));
    m.put("wallMaxMs", samples.stream().mapToLong(Sample::wallMs).max().orElse(-1));
    m.put("cpuMs", median(samples.stream().map(s -> (double) s.cpuMs()).toList()));
    m.put("rssMb", median(samples.stream().map(Sample::rssMb).toList()));
    if (samples.get(0).firstCallMs() >= 0) m.put("firstCallMs", median(samples.stream().map(s -> (double) s.firstCallMs()).toList()));
    m.put("loadMin", samples.stream().mapToDouble(Sample::load).min().orElse(-1));
    m.put("loadMax", samples.stream().mapToDouble(Sample::load).max().orElse(-1));
    return m;
  }

  /** The JDKs to compare: this JVM's, and the newest Temurin 24+ under /usr/lib/jvm or /opt (or {@code --jdk} given). */
  static List<Path> defaultJdks() {
    List<Path> out = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
    for (String root : List.of("/usr/lib/jvm", "/opt")) {
      try (var dirs = Files.list(Path.of(root))) {
        dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && feature(d) >= 24).max(Comparator.comparing(RunnerStartup::feature))
            .ifPresent(d -> {
              if (out.size() == 1) out.add(d);
            });
      } catch (IOException missing) {
        // no such directory
      }
    }
    return out;
  }

  /** The feature version in a JDK's release file (JAVA_VERSION="25.0.3"), 0 when there is none. */
  static int feature(Path jdk) {
    try {
      for (String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) return Integer.parseInt(line.replaceAll("^JAVA_VERSION=\"?(\\d+).*", "$1"));
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One runner process for {@code args}, started as {@code v} says, measured by the rusage wrapper. */
  private Sample run(Variant v, List<String> args, Forwarder forwarder) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3", "-c", RUSAGE));
    if (v.mode() == Mode.FLOOR) {
      command.addAll(floorCommand(v));
    } else if (v.mode() == Mode.LAUNCHER) {
      command.addAll(List.of("env", "JAVA=" + v.java(), "OKRA_RUNNER_JAR=" + v.jar(), "OKRA_CACHE=" + v.cache(), "sh", launcher(v.jar()).toString()));
    } else {
      command.addAll(List.of(v.java().toString(), "-jar", v.jar().toString()));
    }
    if (v.mode() != Mode.FLOOR) command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    pb.environment().putAll(runnerEnv);
    if (forwarder != null) forwarder.firstConnection.set(0);
    Process p = pb.start();
    String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the runner did not exit within 120 s");
    }
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Map<?, ?> r = Serialization.jsonMapper().readValue(report.substring(report.lastIndexOf('{')), Map.class);
    if (((Number) r.get("rc")).intValue() != 0) throw new IllegalStateException(v.name() + " " + args.get(0) + " exited with " + r.get("rc"));
    long start = ((Number) r.get("start")).longValue();
    long first = forwarder == null ? -1 : Math.max(-1, (forwarder.firstConnection.get() - start) / 1_000_000);
    return new Sample(first, ((Number) r.get("wall")).longValue() / 1_000_000, ((Number) r.get("cpu")).longValue() / 1_000_000,
        Bench.round(((Number) r.get("rss")).longValue() / 1024.0), Bench.round(load));
  }

  /**
   * Keeps the servers up for profiling by hand: writes the pass's arguments and the floor's to {@code file}
   * (source it, then run the launcher with $PASS) and waits until the file is deleted.
   */
  private void hold(Path file, List<String> pass) throws IOException, InterruptedException {
    Files.writeString(file, "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\nPASS='" + String.join(" ", pass)
        + "'\nFLOOR_ARGS='" + String.join(" ", floorArgs) + "'\n");
    System.err.println("holding the servers: source " + file + ", then run the launcher with $PASS; delete the file to go on");
    while (Files.exists(file)) Thread.sleep(1000);
  }

  /**
   * {@link StartupFloor} as the launcher would start it: its flags, and the archive recorded by the first
   * run (JDK 24+: an AOT configuration recorded, then a cache created from it; else a dynamic AppCDS archive).
   */
  private List<String> floorCommand(Variant v) throws IOException {
    int feature = feature(v.java().getParent().getParent());
    List<String> java = new ArrayList<>(List.of(v.java().toString()));
    java.addAll(launcherFlags(launcher(v.jar()), feature));
    Path archive = v.cache().resolve(feature >= 24 ? "floor.aot" : "floor.jsa");
    String classpath = v.jar() + File.pathSeparator + floorJar(v.cache());
    List<String> main = new ArrayList<>(List.of("-cp", classpath, StartupFloor.class.getName()));
    main.addAll(floorArgs);
    List<String> command = new ArrayList<>(java);
    if (Files.exists(archive)) {
      command.add(feature >= 24 ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive);
    } else if (feature >= 24) {
      // The first run records (and is measured, as the launcher's first run is); the cache is created after it.
      Path conf = v.cache().resolve("floor.aotconf");
      command.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + conf));
      command.addAll(main);
      List<String> create = new ArrayList<>(java);
      create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + conf, "-XX:AOTCache=" + archive, "-cp", classpath));
      return List.of("sh", "-c", shell(command) + " && " + shell(create) + " >/dev/null");
    } else {
      command.add("-XX:ArchiveClassesAtExit=" + archive);
    }
    command.addAll(main);
    return command;
  }

  private static String shell(List<String> words) {
    return String.join(" ", words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").toList());
  }

  /** {@link StartupFloor} alone in a jar in {@code dir}: the JVM archives classes from jars only, not from directories. */
  private static Path floorJar(Path dir) throws IOException {
    Path jar = dir.resolve("floor.jar");
    if (Files.exists(jar)) return jar;
    String entry = StartupFloor.class.getName().replace('.', '/') + ".class";
    try (InputStream in = StartupFloor.class.getClassLoader().getResourceAsStream(entry);
         JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
    }
    return jar;
  }

  /** A file the kubeconfig names under {@code key} (the benchmark's API server's kubeconfig names files, not -data). */
  private static String kubeconfigFile(String kubeconfig, String key) {
    Matcher m = Pattern.compile("(?m)^\\s*" + key + ":\\s*(\\S+)").matcher(kubeconfig);
    if (!m.find()) throw new IllegalStateException("the benchmark's kubeconfig names no " + key + " file");
    return m.group(1);
  }

  private URI apiServer() {
    return URI.create(kube.client().getMasterUrl().toString().replaceAll("/$", ""));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return Bench.round(sorted.get(sorted.size() / 2));
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
