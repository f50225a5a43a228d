package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks of the HTTP providers' fields that the template author sets and Okra bounds: timeouts and headers. */
final class Limits {
  private Limits() {}

  /** A timeout in whole seconds, 1 to {@link OutboundHttp#MAX_TIMEOUT}: a pass must not wait on one server for long. */
  static Optional<String> timeoutProblem(String field, Object value) {
    if (value == null) return Optional.empty();
    String s = String.valueOf(value).strip();
    long max = OutboundHttp.MAX_TIMEOUT.toSeconds();
    if (!s.matches("\\d{1,9}") || Long.parseLong(s) < 1 || Long.parseLong(s) > max) {
      return Optional.of(field + " must be a number of seconds from 1 to " + max + " (Okra's cap on one measurement), got " + value);
    }
    return Optional.empty();
  }

  /** The timeout a checked field gives, capped again in case the metric was not checked. */
  static Duration timeout(Object value) {
    long seconds = Long.parseLong(String.valueOf(value).strip());
    return Duration.ofSeconds(Math.max(1, Math.min(seconds, OutboundHttp.MAX_TIMEOUT.toSeconds())));
  }

  /** Whether {@code value} is an http(s) URL with a host and without credentials in it (they would be printed with it). */
  static Optional<String> urlProblem(String field, Object value) {
    try {
      URI u = URI.create(String.valueOf(value));
      if (u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null) {
        return Optional.of(field + " must be an http or https URL with a host, got " + value);
      }
      if (u.getRawUserInfo() != null) {
        return Optional.of(field + " must not carry credentials (user:password@): send them in a header from a Secret argument");
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(field + " is not a URL: " + e.getMessage());
    }
  }

  /** Problems of a {@code headers} list of key/value entries, named {@code headers[i]}. */
  static List<String> headerProblems(Object headers) {
    List<String> problems = new ArrayList<>();
    if (headers == null) return problems;
    if (!(headers instanceof List<?> list)) return List.of("headers must be a list of {key, value}");
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m) || m.get("key") == null) {
        problems.add("headers[" + i + "] needs a key");
        continue;
      }
      int at = i;
      OutboundHttp.headerProblem(String.valueOf(m.get("key")), m.get("value") == null ? null : String.valueOf(m.get("value")))
          .ifPresent(p -> problems.add("headers[" + at + "]: " + p));
    }
    return problems;
  }
}
