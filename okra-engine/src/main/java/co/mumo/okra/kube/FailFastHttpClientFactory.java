package co.mumo.okra.kube;

import co.mumo.okra.failure.KubeCall;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.NoRouteToHostException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * fabric8's JDK HTTP client, with failures to reach the API server at all turned into
 * {@link ApiServerUnreachableException}. fabric8 retries every {@link IOException} with backoff, which
 * is right for a reset connection or a lost answer, and wrong for a refused connection, an unknown
 * host or a TLS failure: those it retried for 20-30 s in silence before a message that named none of
 * them. Not being an IOException, the unreachable failure is not retried, and it names the server and
 * the cause. 429 and 5xx answers and broken connections are still retried by fabric8.
 */
public final class FailFastHttpClientFactory extends JdkHttpClientFactory {
  @Override
  protected HttpClient.Builder createNewHttpClientBuilder() {
    return new Builder(super.createNewHttpClientBuilder());
  }

  /** The reason a connection could not be made, when it could not; empty for failures worth a retry. */
  static Optional<ApiServerUnreachableException> unreachable(HttpRequest request, Throwable failure) {
    URI uri = request.uri();
    URI server = URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    String call = KubeCall.describe(request.method(), uri.getRawPath());
    String check = "check that the cluster is up and that the kubeconfig's server address is right (--kubeconfig, --context)";
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) chain.add(t);
    if (chain.stream().anyMatch(t -> t instanceof UnknownHostException || t instanceof UnresolvedAddressException)) {
      return Optional.of(new ApiServerUnreachableException(server, call, "unknown host " + uri.getHost(),
          "check the server address in the kubeconfig (--kubeconfig, --context) and DNS", failure));
    }
    if (chain.stream().anyMatch(t -> t instanceof HttpConnectTimeoutException)) {
      return Optional.of(new ApiServerUnreachableException(server, call, "no connection within the connect timeout", check, failure));
    }
    if (chain.stream().anyMatch(t -> t instanceof SSLException)) {
      return Optional.of(new ApiServerUnreachableException(server, call, "TLS handshake failed: " + rootMessage(failure),
          "check the kubeconfig's certificate-authority(-data), tls-server-name or the server address", failure));
    }
    if (chain.stream().anyMatch(t -> t instanceof NoRouteToHostException)) {
      return Optional.of(new ApiServerUnreachableException(server, call, "no route to host", check, failure));
    }
    if (chain.stream().anyMatch(t -> t instanceof ConnectException)) {
      // The JDK's client says little more than ConnectException over ClosedChannelException: nothing accepted the connection.
      return Optional.of(new ApiServerUnreachableException(server, call, "connection refused", check, failure));
    }
    return Optional.empty();
  }

  private static Throwable rootOf(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = rootOf(t);
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().replace('\n', ' ');
  }

  private static <T> CompletableFuture<T> failFast(HttpRequest request, CompletableFuture<T> sent) {
    CompletableFuture<T> out = new CompletableFuture<>();
    sent.whenComplete((response, failure) -> {
      if (failure == null) {
        out.complete(response);
        return;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      out.completeExceptionally(unreachable(request, cause).<Throwable>map(u -> u).orElse(cause));
    });
    out.whenComplete((r, e) -> {
      if (out.isCancelled()) sent.cancel(true);
    });
    return out;
  }

  /** Builds the JDK client as fabric8 configures it, wrapped. */
  private record Builder(HttpClient.Builder delegate) implements HttpClient.Builder {
    @Override
    public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
      delegate.cookieHandler(cookieHandler);
      return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(Duration duration) {
      delegate.connectTimeout(duration);
      return this;
    }

    @Override
    public HttpClient.Builder sslContext(SSLContext sslContext) {
      delegate.sslContext(sslContext);
      return this;
    }

    @Override
    public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
      delegate.sslParameters(sslParameters);
      return this;
    }

    @Override
    public HttpClient.Builder executor(Executor executor) {
      delegate.executor(executor);
      return this;
    }

    @Override
    public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
      delegate.followRedirects(policy);
      return this;
    }

    @Override
    public HttpClient.Builder version(HttpClient.Version version) {
      delegate.version(version);
      return this;
    }

    @Override
    public HttpClient.Builder priority(int priority) {
      delegate.priority(priority);
      return this;
    }

    @Override
    public HttpClient.Builder proxy(ProxySelector proxySelector) {
      delegate.proxy(proxySelector);
      return this;
    }

    @Override
    public HttpClient.Builder authenticator(Authenticator authenticator) {
      delegate.authenticator(authenticator);
      return this;
    }

    @Override
    public HttpClient build() {
      return new Client(delegate.build());
    }
  }

  /** The JDK client, whose failures to connect say so. */
  private static final class Client extends HttpClient {
    private final HttpClient delegate;

    Client(HttpClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
      return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
      return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
      return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return delegate.authenticator();
    }

    @Override
    public Version version() {
      return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
      return delegate.executor();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
      try {
        return delegate.send(request, handler);
      } catch (IOException e) {
        Optional<ApiServerUnreachableException> u = unreachable(request, e);
        if (u.isPresent()) throw u.get();
        throw e;
      }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      return failFast(request, delegate.sendAsync(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
      return failFast(request, delegate.sendAsync(request, handler, pushPromiseHandler));
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
      return delegate.newWebSocketBuilder();
    }
  }
}
