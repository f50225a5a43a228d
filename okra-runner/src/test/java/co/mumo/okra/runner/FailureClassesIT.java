package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.FaultProxy;
import co.mumo.okra.testsupport.FaultProxy.Fault;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every class of failure an operator meets in the first hour, with the real runner against the real
 * API server and moto (through fault-injecting proxies where a server must misbehave): each must end
 * with the documented exit code, one line on stderr that names what failed (the API server or AWS
 * endpoint, the call, the resource), the cause and what to do, and no stack trace. A proxy injects as
 * many faults as the client should try, so one retry too many would succeed and change the outcome.
 * How long each case took is printed, not asserted (timing belongs to okra-bench); a --timeout that did
 * not stop the command would run into the test's timeout. Cases that need a clean environment (no
 * region, no credentials, $KUBECONFIG) run the jar as a process, which also shows that stderr carries
 * nothing else (no SLF4J notices).
 */
class FailureClassesIT {
  private static final int PRIORITY = 80;

  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;
  private static FaultProxy kubeProxy;
  private static FaultProxy awsProxy;
  private static Path proxiedKubeconfig;
  private static String ns;
  private static ServerSocket silent;
  private static final List<Socket> held = new CopyOnWriteArrayList<>();
  private static final List<String> report = new CopyOnWriteArrayList<>();

  /** How a case runs: in-process (with the proxies' kubeconfig and endpoint unless it names its own), or as the jar. */
  enum Way { IN_PROCESS, PROCESS }

  record Case(String name, Way way, List<String> args, Map<String, String> env, Runnable before, int exitCode, List<String> message) {
    @Override
    public String toString() {
      return name;
    }
  }

  record Run(int code, String out, String err, Duration took) {}

  @BeforeAll
  static void servers() throws IOException {
    kube = TestKube.start();
    moto = MotoServer.shared();
    aws = new AwsFixture(moto.endpoint());
    kubeProxy = FaultProxy.kube(kube.client().getConfiguration());
    awsProxy = FaultProxy.aws(moto.endpoint());
    proxiedKubeconfig = kubeProxy.kubeconfig(Optional.empty());
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    ns = kube.freshNamespace("failures");
    AwsFixture.Alb alb = aws.createAlb(1);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.webCell(ns, alb.listenerArn(), PRIORITY, "- setWeight: 20\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    // A server that accepts connections and never answers: what a hung API server or a half-open proxy looks like.
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(() -> {
      while (!silent.isClosed()) {
        try {
          held.add(silent.accept());
        } catch (IOException closed) {
          return;
        }
      }
    }, "silent-server");
    accept.setDaemon(true);
    accept.start();
  }

  @AfterAll
  static void close() throws IOException {
    report.forEach(System.out::println);
    silent.close();
    for (Socket s : held) s.close();
    awsProxy.close();
    kubeProxy.close();
    aws.close();
    kube.close();
  }

  static Stream<Case> cases() {
    int closed = closedPort();
    List<Case> c = new ArrayList<>();
    // ---- the API server
    c.add(inProcess("API server refusing connections", reconcile("--kubeconfig", kubeconfig("https://127.0.0.1:" + closed, Optional.empty())),
        ExitCodes.ERROR, "Kubernetes API server https://127.0.0.1:" + closed + " (get cells " + ns + "/web): connection refused",
        "check that the cluster is up"));
    c.add(inProcess("API server host unknown", reconcile("--kubeconfig", kubeconfig("https://okra-no-such-host.invalid:6443", Optional.empty())),
        ExitCodes.ERROR, "Kubernetes API server https://okra-no-such-host.invalid:6443 (get cells " + ns + "/web): unknown host",
        "check the server address in the kubeconfig"));
    c.add(inProcess("API server certificate from another CA", reconcile("--kubeconfig", kubeconfig(kube.client().getMasterUrl().toString()
        .replaceFirst("/$", ""), Optional.of(otherCa()))), ExitCodes.ERROR, "(get cells " + ns + "/web): TLS handshake failed",
        "certificate-authority"));
    c.add(inProcess("API server answering 503 until the retries run out", kubeFaults("GET cells", 11, Fault.kube(503)), reconcile(),
        ExitCodes.ERROR, "(get cells " + ns + "/web): 503 ServiceUnavailable", "run again later"));
    c.add(inProcess("API server refusing the permission (403)", kubeFaults("GET cells", 1, status(403, "Forbidden",
        "cells.okra.mumo.co \\\"web\\\" is forbidden: User \\\"ci\\\" cannot get resource \\\"cells\\\"")), reconcile(), ExitCodes.INVALID,
        "(get cells " + ns + "/web): 403 Forbidden: cells.okra.mumo.co \"web\" is forbidden", "docs/rbac.yaml"));
    c.add(inProcess("API server refusing the credentials (401)", kubeFaults("GET cells", 2, status(401, "Unauthorized", "Unauthorized")),
        reconcile(), ExitCodes.INVALID, "401 Unauthorized", "check its user (token, client certificate)"));
    c.add(inProcess("Okra's CRDs not installed", kubeFaults("LIST cells", 1, status(404, "NotFound",
        "the server could not find the requested resource")), List.of("reconcile", "--all"), ExitCodes.INVALID,
        "Okra's CRDs are not installed", "okra-runner crds apply"));
    c.add(inProcess("a Cell that does not exist", List.of("reconcile", "--cell", "nope"), ExitCodes.INVALID,
        "Cell " + ns + "/nope not found", "okra-runner cell get -n " + ns));
    // ---- the kubeconfig (the lead's semantics; reported the same way)
    c.add(inProcess("--kubeconfig naming no file", reconcile("--kubeconfig", "/nonexistent/kubeconfig"), ExitCodes.INVALID,
        "kubeconfig /nonexistent/kubeconfig (--kubeconfig) does not exist"));
    c.add(inProcess("a context the kubeconfig lacks", reconcile("--context", "nope"), ExitCodes.INVALID, "context \"nope\""));
    c.add(new Case("$KUBECONFIG naming no file", Way.PROCESS, List.of("cell", "get", "-n", ns), Map.of("KUBECONFIG", "/nonexistent/kc"),
        () -> { }, ExitCodes.INVALID, List.of("$KUBECONFIG is /nonexistent/kc")));
    // ---- AWS
    c.add(inProcess("AWS endpoint refusing connections", reconcile("--aws-endpoint-url", "http://127.0.0.1:" + closed), ExitCodes.ERROR,
        "AWS ElasticLoadBalancingV2 DescribeRules at http://127.0.0.1:" + closed + ": connection refused", "--aws-endpoint-url"));
    c.add(inProcess("AWS answering 503 until the SDK's retries run out", awsFaults("DescribeRules", 3, Fault.awsUnavailable()), reconcile(),
        ExitCodes.ERROR, "AWS ElasticLoadBalancingV2 DescribeRules at " + awsProxy.endpoint().toString().replaceFirst("/$", "")
            + ": ServiceUnavailable (503)", "after the SDK's retries"));
    c.add(inProcess("AWS refusing the permission", awsFaults("DescribeRules", 1, awsFault(403, "AccessDenied",
        "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: elasticloadbalancing:DescribeRules")), reconcile(),
        ExitCodes.INVALID, "AWS ElasticLoadBalancingV2 DescribeRules", "AccessDenied (403)", "docs/iam-policy.json"));
    c.add(new Case("no AWS region", Way.PROCESS, List.of("reconcile", "--cell", "web", "-n", ns, "--kubeconfig", kube.kubeconfig().toString()),
        Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"), () -> { }, ExitCodes.INVALID,
        List.of("AWS: no region configured; pass --region")));
    c.add(new Case("no AWS credentials", Way.PROCESS, List.of("reconcile", "--cell", "web", "-n", ns, "--kubeconfig",
        kube.kubeconfig().toString(), "--region", AwsFixture.REGION.id(), "--aws-endpoint-url", moto.endpoint().toString()),
        Map.of(), () -> { }, ExitCodes.INVALID, List.of("no credentials found", "AWS_ACCESS_KEY_ID")));
    // ---- the command line
    c.add(inProcess("a mistyped option", reconcile("--namspace", ns), ExitCodes.INVALID, "Unknown option", "did you mean --namespace?"));
    c.add(inProcess("a mistyped command", List.of("reconcil", "--cell", "web"), ExitCodes.INVALID,
        "did you mean okra-runner reconcile"));
    c.add(inProcess("an analysis argument without a value", List.of("analysis", "run", "--template", "t", "--arg", "bad"), ExitCodes.INVALID,
        "--arg", "bad"));
    c.add(inProcess("a --timeout that is not a duration", reconcile("--wait", "--timeout", "soon"), ExitCodes.INVALID,
        "--timeout: \"soon\" is not a duration"));
    // ---- --timeout: a hard deadline
    c.add(inProcess("an API server that never answers, with --timeout 3s", reconcile("--timeout", "3s", "--kubeconfig",
        kubeconfig("https://127.0.0.1:" + silent.getLocalPort(), Optional.empty())), ExitCodes.TIMED_OUT,
        "--timeout 3s: reached; the command was stopped"));
    c.add(inProcess("failing passes with --wait --timeout 5s", kubeFaults("GET cells", 1000, Fault.kube(503)),
        reconcile("--wait", "--timeout", "5s"), ExitCodes.TIMED_OUT, "--timeout 5s"));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void endsWithItsExitCodeAndOneLineThatSaysWhatFailedWhyAndWhatToDo(Case c) {
    kubeProxy.clearFaults();
    awsProxy.clearFaults();
    c.before().run();
    Run run = c.way() == Way.IN_PROCESS ? inProcess(c.args()) : process(c.args(), c.env());
    report.add(String.format("failure-class: %-60s exit %d in %5d ms: %s", c.name(), run.code(), run.took().toMillis(), run.err().strip()));

    assertThat(run.code()).as(run.err()).isEqualTo(c.exitCode());
    List<String> lines = run.err().lines().filter(l -> !l.isBlank() && !l.startsWith("Try '")).toList();
    assertThat(lines).as("stderr: one line, no stack trace, no SLF4J notice").hasSize(1);
    assertThat(lines.get(0)).startsWith("okra-runner: ").contains(c.message());
    assertThat(run.err()).doesNotContain("\tat ").doesNotContain("SLF4J");
  }

  @Test
  void withVerboseTheStackTraceIsThere() {
    Run run = inProcess(reconcile("-v", "--kubeconfig", kubeconfig("https://127.0.0.1:" + closedPort(), Optional.empty())));
    assertThat(run.code()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err()).contains("\tat ").contains("okra-runner: Kubernetes API server");
  }

  @Test
  void withJsonOutputTheErrorIsAJsonObjectToo() {
    Run run = inProcess(reconcile("-o", "json", "--kubeconfig", kubeconfig("https://127.0.0.1:" + closedPort(), Optional.empty())));
    assertThat(run.code()).isEqualTo(ExitCodes.ERROR);
    Map<?, ?> error = Serialization.unmarshal(run.out().strip(), Map.class);
    assertThat(error.get("type")).isEqualTo("error");
    assertThat(error.get("kind")).isEqualTo("service");
    assertThat(error.get("exitCode")).isEqualTo(1);
    assertThat((String) error.get("cause")).isEqualTo("connection refused");
    assertThat((String) error.get("where")).contains("(get cells " + ns + "/web)");
    assertThat((String) error.get("hint")).contains("check that the cluster is up");
    OutputSchema.assertValid(run.out());

    Run bad = inProcess(List.of("reconcile", "--cell", "web", "-o", "json", "--colour"));
    assertThat(bad.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(Serialization.unmarshal(bad.out().strip(), Map.class)).containsEntry("kind", "input").containsEntry("exitCode", 2);
    OutputSchema.assertValid(bad.out());
  }

  // ------------------------------------------------------------------ helpers

  private static Case inProcess(String name, List<String> args, int exitCode, String... message) {
    return inProcess(name, () -> { }, args, exitCode, message);
  }

  private static Case inProcess(String name, Runnable before, List<String> args, int exitCode, String... message) {
    return new Case(name, Way.IN_PROCESS, args, Map.of(), before, exitCode, List.of(message));
  }

  private static List<String> reconcile(String... more) {
    List<String> args = new ArrayList<>(List.of("reconcile", "--cell", "web"));
    args.addAll(List.of(more));
    return args;
  }

  private static Runnable kubeFaults(String operation, int times, Fault fault) {
    return () -> kubeProxy.inject(operation, times, fault);
  }

  private static Runnable awsFaults(String operation, int times, Fault fault) {
    return () -> awsProxy.inject(operation, times, fault);
  }

  private static Fault status(int code, String reason, String message) {
    return new Fault(code, "application/json", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
        + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}", Map.of(), false);
  }

  private static Fault awsFault(int status, String code, String message) {
    return new Fault(status, "text/xml", "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error><Type>Sender"
        + "</Type><Code>" + code + "</Code><Message>" + message + "</Message></Error><RequestId>injected</RequestId></ErrorResponse>",
        Map.of(), false);
  }

  /** A port nothing listens on (opened and closed again: the kernel does not hand it out again at once). */
  private static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A CA certificate that did not sign the API server's: a fresh self-signed one, from the JDK's keytool. */
  private static String otherCa() {
    try {
      Path dir = Files.createTempDirectory("okra-other-ca");
      Path store = dir.resolve("ca.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      run(List.of(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=another CA", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "not-a-secret"));
      String pem = run(List.of(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storepass", "not-a-secret"));
      return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException(command + " failed: " + out);
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String kubeconfig(String server, Optional<String> caData) {
    String cluster = caData.map(ca -> "    certificate-authority-data: " + ca + "\n").orElse("    insecure-skip-tls-verify: true\n");
    try {
      Path file = Files.createTempFile("okra-failure", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + server + "\n" + cluster
          + "contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: not-a-secret}\n");
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** With the proxies and the case's namespace unless the arguments name their own. */
  private static Run inProcess(List<String> args) {
    List<String> all = new ArrayList<>(args);
    Function<String, Boolean> has = all::contains;
    if (!has.apply("-n")) all.addAll(List.of("-n", ns));
    if (!has.apply("--kubeconfig")) all.addAll(List.of("--kubeconfig", proxiedKubeconfig.toString()));
    if (!has.apply("--region")) all.addAll(List.of("--region", AwsFixture.REGION.id()));
    if (!has.apply("--aws-endpoint-url")) all.addAll(List.of("--aws-endpoint-url", awsProxy.endpoint().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Instant start = Instant.now();
    int code = OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString(), Duration.between(start, Instant.now()));
  }

  /** The jar as a process, with no AWS or kubeconfig settings from this environment but {@code env}. */
  private static Run process(List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        RunnerProcess.jar().toString()));
    command.addAll(args);
    try {
      Path out = Files.createTempFile("okra-failure", ".out");
      Path err = Files.createTempFile("okra-failure", ".err");
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      Map<String, String> e = pb.environment();
      e.keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("KUBECONFIG"));
      e.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
      e.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
      e.put("AWS_EC2_METADATA_DISABLED", "true");
      e.put("HOME", Files.createTempDirectory("okra-home").toString());
      e.putAll(new HashMap<>(env));
      Instant start = Instant.now();
      Process p = pb.start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("okra-runner " + args + " did not finish in 2 minutes");
      }
      Duration took = Duration.between(start, Instant.now());
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), took);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
