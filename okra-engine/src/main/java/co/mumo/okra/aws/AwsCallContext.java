package co.mumo.okra.aws;

import co.mumo.okra.failure.CallLabel;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Adds to a failed AWS call's exception which call it was (service, operation, endpoint), as a
 * suppressed {@link Call}: the SDK's own messages name none of them (a refused connection says only
 * host and port), and "which call, against what" is the first thing an operator asks.
 */
public final class AwsCallContext implements ExecutionInterceptor {
  @Override
  public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
    Throwable e = context.exception();
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    String endpoint = context.httpRequest().map(r -> r.protocol() + "://" + r.host() + (r.port() > 0 ? ":" + r.port() : "")).orElse(null);
    if (find(e).isEmpty()) e.addSuppressed(new Call(service, operation, endpoint));
    return e;
  }

  /** The call a failure happened in, if the SDK told. */
  public static Optional<Call> find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof Call c) return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Which AWS call failed; carries no stack trace (it is a label, not a failure). */
  public static final class Call extends RuntimeException implements CallLabel {
    private final String service;
    private final String operation;
    private final String endpoint;

    Call(String service, String operation, String endpoint) {
      super(service + " " + operation + (endpoint == null ? "" : " at " + endpoint), null, false, false);
      this.service = service;
      this.operation = operation;
      this.endpoint = endpoint;
    }

    public String service() {
      return service;
    }

    public String operation() {
      return operation;
    }

    @Override
    public String call() {
      return service + " " + operation;
    }

    @Override
    public Optional<String> endpoint() {
      return Optional.ofNullable(endpoint);
    }
  }
}
