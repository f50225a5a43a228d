package co.mumo.okra.failure;

import co.mumo.okra.core.InputException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns whatever a command or a pass threw into a {@link Failure}: the side that failed (the API
 * server's URL or the AWS service, operation and endpoint), the call and the resource, the cause in
 * one line, and what to do. Input and configuration problems are {@link InputException}s (and the few
 * SDK and API answers that mean the same); what cannot be placed is reported as a bug.
 */
public final class Failures {
  private static final Pattern KUBE_URL = Pattern.compile("at: (https?://[^/\\s]+)(/\\S*?)\\.?(\\s|$)");
  private static final Pattern KUBE_VERB = Pattern.compile("(?:Failure executing: (\\w+)|Operation: \\[(\\w+)\\])");
  private static final Set<String> AWS_AUTH = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
      "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException",
      "InvalidSignatureException", "AuthFailure");
  private static final String KUBE_RETRY = "the API server failed after the client's retries; run again later (reconcile --wait rides out a few failed passes)";
  private static final String AWS_RETRY = "AWS failed after the SDK's retries; run again later (reconcile --wait rides out a few failed passes)";

  private Failures() {}

  public static Failure of(Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof InputException) return new Failure(Failure.Kind.INPUT, "", message(t), "");
    if (t instanceof NoSuchFileException f) return new Failure(Failure.Kind.INPUT, "", "cannot read " + f.getFile() + ": no such file", "");
    if (t instanceof AccessDeniedException f) return new Failure(Failure.Kind.INPUT, "", "cannot read " + f.getFile() + ": permission denied", "");
    if (t instanceof ServiceFailure) return new Failure(Failure.Kind.SERVICE, "", message(t), "");
    if (t instanceof KubernetesClientException k) return kubernetes(k);
    if (t instanceof SdkException s) return aws(s);
    Optional<Unreachable> unreachable = find(t, Unreachable.class);
    if (unreachable.isPresent()) return unreachable(unreachable.get(), "");
    return bug(t);
  }

  /** A failure nobody should have seen: named as a bug, with where to look. */
  public static Failure bug(Throwable t) {
    return new Failure(Failure.Kind.BUG, "internal error", t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()),
        "this is a bug in okra-runner: run again with -v for the stack trace, and report it");
  }

  private static Failure kubernetes(KubernetesClientException k) {
    String call = kubeCall(k);
    Optional<Unreachable> unreachable = find(k, Unreachable.class);
    if (unreachable.isPresent()) return unreachable(unreachable.get(), call);
    String server = server(k);
    String where = "Kubernetes API server" + (server.isEmpty() ? "" : " " + server) + (call.isEmpty() ? "" : " (" + call + ")");
    Status status = k.getStatus();
    String answer = status != null && status.getMessage() != null ? status.getMessage() : rootMessage(k);
    String reason = status != null && status.getReason() != null ? status.getReason() : "";
    int code = k.getCode();
    String answered = code > 0 ? code + (reason.isEmpty() ? "" : " " + reason) + ": " + answer : answer;
    return switch (code) {
      case 401 -> new Failure(Failure.Kind.INPUT, where, answered,
          "the API server did not accept the kubeconfig's credentials: check its user (token, client certificate) or get a new token");
      case 403 -> new Failure(Failure.Kind.INPUT, where, answered,
          "the runner's identity lacks a permission: docs/rbac.yaml lists the ones it needs");
      case 404 -> notFound(k, where, answered);
      case 400, 422 -> new Failure(Failure.Kind.INPUT, where, answered, "");
      case 0 -> new Failure(Failure.Kind.SERVICE, where, answered.isEmpty() ? "no answer" : answered, KUBE_RETRY);
      default -> new Failure(Failure.Kind.SERVICE, where, answered, code == 429 || code >= 500 ? KUBE_RETRY : "");
    };
  }

  /** A kind the API server does not know is a missing CRD, not a missing object. */
  private static Failure notFound(KubernetesClientException k, String where, String answered) {
    String group = k.getGroup() == null ? "" : k.getGroup();
    boolean noKind = answered.contains("the server could not find the requested resource");
    if (noKind && group.equals("okra.mumo.co")) {
      return new Failure(Failure.Kind.INPUT, where, "Okra's CRDs are not installed in this cluster",
          "install them with `okra-runner crds apply` (or `okra-runner crds print | kubectl apply -f -`)");
    }
    if (noKind && group.equals("argoproj.io")) {
      return new Failure(Failure.Kind.INPUT, where, "Argo Rollouts' CRDs (AnalysisTemplate, AnalysisRun, Experiment) are not installed",
          "install Argo Rollouts, or use Okra's own evaluator for the analyses (--analysis-evaluator okra)");
    }
    return new Failure(Failure.Kind.INPUT, where, answered, "");
  }

  private static Failure unreachable(Unreachable u, String call) {
    String what = u.call().isEmpty() ? call : u.call();
    return new Failure(Failure.Kind.SERVICE, "Kubernetes API server " + u.server() + (what.isEmpty() ? "" : " (" + what + ")"), u.reason(), u.hint());
  }

  /** The request in words, from the URL fabric8 names in its message, else from the operation it was doing. */
  private static String kubeCall(KubernetesClientException k) {
    String message = String.valueOf(k.getMessage());
    Matcher m = KUBE_VERB.matcher(message);
    String verb = m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : "";
    Matcher u = KUBE_URL.matcher(message);
    if (u.find()) return KubeCall.describe(verb.isEmpty() ? "call" : verb, u.group(2));
    if (verb.isEmpty()) return "";
    return KubeCall.describe(verb, k.getResourcePlural() == null ? "" : k.getResourcePlural(), k.getNamespace() == null ? "" : k.getNamespace(),
        k.getName() == null ? "" : k.getName(), "");
  }

  private static String server(KubernetesClientException k) {
    Matcher u = KUBE_URL.matcher(String.valueOf(k.getMessage()));
    return u.find() ? u.group(1) : "";
  }

  private static Failure aws(SdkException e) {
    Optional<CallLabel> label = suppressed(e, CallLabel.class);
    String service = e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().serviceName() != null
        ? " " + s.awsErrorDetails().serviceName() : "";
    String where = "AWS" + label.map(l -> " " + l.call() + l.endpoint().map(p -> " at " + p).orElse("")).orElse(service);
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("Unable to load region")) {
      return new Failure(Failure.Kind.INPUT, "AWS", "no region configured",
          "pass --region, or set AWS_REGION (or a region in the AWS profile)");
    }
    if (message.startsWith("Unable to load credentials") || message.contains("Profile file contained no credentials")
        || message.contains("does not exist in the profile file") || message.startsWith("Profile file contained no")) {
      return new Failure(Failure.Kind.INPUT, where, "no credentials found (environment, --profile or AWS_PROFILE, web identity, "
          + "container or instance role)", "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile with --profile");
    }
    if (e instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null ? "" : String.valueOf(s.awsErrorDetails().errorCode());
      String text = s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null ? message : s.awsErrorDetails().errorMessage();
      String answered = code + " (" + s.statusCode() + "): " + text;
      if (AWS_AUTH.contains(code) || s.statusCode() == 401 || s.statusCode() == 403) {
        return new Failure(Failure.Kind.INPUT, where, answered,
            "the credentials are not valid or lack a permission: docs/iam-policy.json lists the ones Okra needs");
      }
      boolean retried = s.statusCode() >= 500 || s.isThrottlingException() || code.contains("Throttl");
      return new Failure(Failure.Kind.SERVICE, where, answered, retried ? AWS_RETRY : "");
    }
    if (find(e, ApiCallTimeoutException.class).isPresent() || find(e, ApiCallAttemptTimeoutException.class).isPresent()) {
      return new Failure(Failure.Kind.SERVICE, where, "no answer in time (" + rootMessage(e) + ")", AWS_RETRY);
    }
    Optional<String> unreachable = connectionProblem(e);
    if (unreachable.isPresent()) {
      return new Failure(Failure.Kind.SERVICE, where, unreachable.get(),
          "check --aws-endpoint-url (or AWS_ENDPOINT_URL), --region and the network");
    }
    return new Failure(Failure.Kind.SERVICE, where, message, "");
  }

  private static Optional<String> connectionProblem(Throwable e) {
    if (find(e, UnknownHostException.class).isPresent()) return Optional.of("unknown host (" + rootMessage(e) + ")");
    if (find(e, SSLException.class).isPresent()) return Optional.of("TLS handshake failed: " + rootMessage(e));
    if (find(e, NoRouteToHostException.class).isPresent()) return Optional.of("no route to host");
    if (find(e, ConnectException.class).isPresent()) {
      return Optional.of(rootMessage(e).toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : "cannot connect: " + rootMessage(e));
    }
    if (find(e, IOException.class).isPresent()) return Optional.of("connection failed: " + rootMessage(e));
    return Optional.empty();
  }

  /** What a failure says, without the wrappers an executor or a future puts around it. */
  static Throwable unwrap(Throwable t) {
    Throwable out = t;
    while ((out instanceof CompletionException || out instanceof ExecutionException
        || out instanceof UncheckedIOException && out.getCause() instanceof NoSuchFileException)
        && out.getCause() != null) {
      out = out.getCause();
    }
    return out;
  }

  static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    List<Throwable> seen = new ArrayList<>();
    while (root.getCause() != null && !seen.contains(root.getCause())) {
      seen.add(root);
      root = root.getCause();
    }
    return message(root);
  }

  public static <T> Optional<T> find(Throwable t, Class<T> type) {
    List<Throwable> seen = new ArrayList<>();
    for (Throwable c = t; c != null && !seen.contains(c); c = c.getCause()) {
      if (type.isInstance(c)) return Optional.of(type.cast(c));
      seen.add(c);
    }
    return Optional.empty();
  }

  private static <T> Optional<T> suppressed(Throwable t, Class<T> type) {
    List<Throwable> seen = new ArrayList<>();
    for (Throwable c = t; c != null && !seen.contains(c); c = c.getCause()) {
      for (Throwable s : c.getSuppressed()) if (type.isInstance(s)) return Optional.of(type.cast(s));
      seen.add(c);
    }
    return Optional.empty();
  }
}
