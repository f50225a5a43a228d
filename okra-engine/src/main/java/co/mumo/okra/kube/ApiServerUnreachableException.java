package co.mumo.okra.kube;

import co.mumo.okra.failure.Unreachable;
import java.net.URI;

/**
 * The API server could not be reached at all (connection refused, unknown host, no route, no
 * connection within the connect timeout, a TLS handshake that failed). Not retried: none of these
 * mends itself within a pass, and saying so at once beats retrying for half a minute in silence.
 */
public final class ApiServerUnreachableException extends RuntimeException implements Unreachable {
  private final URI server;
  private final String reason;
  private final String hint;
  private final String call;

  public ApiServerUnreachableException(URI server, String call, String reason, String hint, Throwable cause) {
    super("Kubernetes API server " + server + (call.isEmpty() ? "" : " (" + call + ")") + ": " + reason, cause);
    this.server = server;
    this.call = call;
    this.reason = reason;
    this.hint = hint;
  }

  @Override
  public String call() {
    return call;
  }

  /** scheme://host:port of the API server. */
  @Override
  public String server() {
    return server.toString();
  }

  @Override
  public String reason() {
    return reason;
  }

  @Override
  public String hint() {
    return hint;
  }
}
