package co.mumo.okra.runner;

import co.mumo.okra.kube.FailFastHttpClientFactory;
import co.mumo.okra.testsupport.FaultProxy;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Fault injection by call count for a runner JVM that {@link CrashRecoveryIT} starts: every
 * Kubernetes request and every AWS API call goes through {@link #call}, which counts them in one
 * sequence and, just before call number {@code okra.crash.at}, halts the JVM with 137, as SIGKILL
 * would between two calls: no shutdown hooks, no finally blocks, no flushing.
 *
 * <p>Nothing in production code knows about this. The child JVM runs the shaded runner jar's own
 * {@code Main}; the hooks come in through the two plug-in points the libraries already read from the
 * class path, in a jar ({@link #writeJar}) that only the child's class path has:
 * <ul>
 *   <li>fabric8's {@code META-INF/services/io.fabric8.kubernetes.client.http.HttpClient$Factory}:
 *       {@link KubeFactory}, the JDK client factory plus an interceptor, preferred by its priority;</li>
 *   <li>the AWS SDK's global {@code software/amazon/awssdk/global/handlers/execution.interceptors}:
 *       {@link AwsInterceptor}, added to every SDK client.</li>
 * </ul>
 * Each call is appended to the file {@code okra.crash.log} ({@code N kube GET cells} or
 * {@code N aws DescribeRules}), the crash as {@code N crash before ...}.
 */
public final class CrashHooks {
  public static final String CRASH_AT = "okra.crash.at";
  public static final String LOG = "okra.crash.log";
  public static final int EXIT_CODE = 137;
  private static final AtomicInteger CALLS = new AtomicInteger();

  private CrashHooks() {}

  /**
   * A jar with the hooks' classes and their registrations, to be put before the runner's shaded jar
   * on a child JVM's class path. (A jar rather than a directory, so the JVM can archive the classes
   * it loaded for the next start: -XX:ArchiveClassesAtExit refuses directories.)
   */
  public static Path writeJar(Path jar) {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      entry(out, "META-INF/services/io.fabric8.kubernetes.client.http.HttpClient$Factory", (KubeFactory.class.getName() + "\n").getBytes());
      entry(out, "software/amazon/awssdk/global/handlers/execution.interceptors", (AwsInterceptor.class.getName() + "\n").getBytes());
      for (Class<?> c : List.of(CrashHooks.class, KubeFactory.class, AwsInterceptor.class, FaultProxy.class)) {
        String prefix = c.getName().replace('.', '/');
        copyClasses(out, c, prefix);
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code c} and its nested classes, from wherever the test class path has them (a directory or a jar). */
  private static void copyClasses(JarOutputStream out, Class<?> c, String prefix) throws IOException {
    Path source = Path.of(java.net.URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString()));
    String outer = prefix.contains("$") ? prefix.substring(0, prefix.indexOf('$')) : prefix;
    if (Files.isDirectory(source)) {
      Path dir = source.resolve(outer).getParent();
      String simple = outer.substring(outer.lastIndexOf('/') + 1);
      try (var files = Files.list(dir)) {
        for (Path f : files.filter(f -> f.getFileName().toString().equals(simple + ".class")
            || f.getFileName().toString().startsWith(simple + "$")).toList()) {
          entry(out, source.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
        }
      }
    } else {
      try (JarFile jar = new JarFile(source.toFile())) {
        for (JarEntry e : java.util.Collections.list(jar.entries())) {
          if (e.getName().equals(outer + ".class") || e.getName().startsWith(outer + "$")) {
            try (var in = jar.getInputStream(e)) {
              entry(out, e.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
  }

  private static final java.util.Set<String> WRITTEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static void entry(JarOutputStream out, String name, byte[] bytes) throws IOException {
    if (!WRITTEN.add(out.hashCode() + name)) return;
    out.putNextEntry(new JarEntry(name));
    out.write(bytes);
    out.closeEntry();
  }

  /** Counts one call, and halts just before the one numbered {@code okra.crash.at}. */
  static synchronized void call(String what) {
    int n = CALLS.incrementAndGet();
    int crashAt = Integer.getInteger(CRASH_AT, 0);
    if (n == crashAt) {
      log(n + " crash before " + what);
      Runtime.getRuntime().halt(EXIT_CODE);
    }
    log(n + " " + what);
  }

  private static void log(String line) {
    String file = System.getProperty(LOG);
    if (file == null) return;
    try {
      Files.writeString(Path.of(file), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The calls a run logged, without the crash line. */
  public static List<String> calls(Path log) {
    try {
      return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> !l.contains(" crash before ")).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Okra's fail-fast JDK HTTP client with the counting interceptor; preferred over the plain one by its
   * priority; KubeClients keeps a registered factory that is not fabric8's plain one.
   */
  public static final class KubeFactory implements HttpClient.Factory {
    private final FailFastHttpClientFactory failFast = new FailFastHttpClientFactory();

    @Override
    public HttpClient.Builder newBuilder() {
      HttpClient.Builder builder = failFast.newBuilder();
      builder.addOrReplaceInterceptor("okra-crash-hooks", new Interceptor() {
        @Override
        public void before(BasicBuilder b, HttpRequest request, RequestTags tags) {
          call("kube " + FaultProxy.kubeOperation(request.method(), request.uri(), ""));
        }
      });
      return builder;
    }

    @Override
    public int priority() {
      return 100;
    }
  }

  /** Counts every SDK API call (before its first attempt). */
  public static final class AwsInterceptor implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      call("aws " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }
}
