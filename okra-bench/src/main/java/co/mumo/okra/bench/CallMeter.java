package co.mumo.okra.bench;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts the calls a pass makes: AWS by operation, Kubernetes by verb and resource, and bytes received. */
final class CallMeter {
  private final Map<String, AtomicLong> aws = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> kube = new ConcurrentHashMap<>();
  private final AtomicLong awsBytes = new AtomicLong();
  private final AtomicLong kubeBytes = new AtomicLong();

  void reset() {
    aws.clear();
    kube.clear();
    awsBytes.set(0);
    kubeBytes.set(0);
  }

  Map<String, Long> aws() {
    return snapshot(aws);
  }

  Map<String, Long> kube() {
    return snapshot(kube);
  }

  long awsBytes() {
    return awsBytes.get();
  }

  long kubeBytes() {
    return kubeBytes.get();
  }

  /** Calls that change something: every operation but Describe*, List* and Get*. */
  long awsWrites() {
    return aws().entrySet().stream().filter(e -> !e.getKey().startsWith("Describe") && !e.getKey().startsWith("List")
        && !e.getKey().startsWith("Get")).mapToLong(Map.Entry::getValue).sum();
  }

  long kubeWrites() {
    return kube().entrySet().stream().filter(e -> !e.getKey().startsWith("GET") && !e.getKey().startsWith("LIST"))
        .mapToLong(Map.Entry::getValue).sum();
  }

  ExecutionInterceptor awsInterceptor() {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        aws.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new AtomicLong()).incrementAndGet();
      }

      @Override
      public void beforeUnmarshalling(Context.BeforeUnmarshalling context, ExecutionAttributes attributes) {
        context.httpResponse().firstMatchingHeader("Content-Length").ifPresent(l -> awsBytes.addAndGet(Long.parseLong(l)));
      }
    };
  }

  Interceptor kubeInterceptor() {
    return new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        kube.computeIfAbsent(describe(request), k -> new AtomicLong()).incrementAndGet();
      }

      @Override
      public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
        return (buffers, body) -> {
          for (ByteBuffer b : buffers) kubeBytes.addAndGet(b.remaining());
          consumer.consume(buffers, body);
        };
      }
    };
  }

  /** {@code LIST cells}, {@code PUT cells/status}, {@code GET versionblocklists}: verb and resource, no names. */
  static String describe(HttpRequest request) {
    String[] parts = request.uri().getPath().split("/");
    int i = parts.length > 1 && parts[1].equals("api") ? 3 : 4; // /api/v1/... or /apis/group/version/...
    if (i < parts.length && parts[i].equals("namespaces") && parts.length > i + 2) i += 2;
    String plural = i < parts.length ? parts[i] : request.uri().getPath();
    boolean named = parts.length > i + 1;
    boolean status = parts.length > i + 2 && parts[i + 2].equals("status");
    String verb = request.method().equals("GET") ? (named ? "GET" : "LIST") : request.method();
    return verb + " " + plural + (status ? "/status" : "");
  }

  private static Map<String, Long> snapshot(Map<String, AtomicLong> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
