package co.mumo.okra.analysis.eval;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Argo Rollouts' analysis fields take them (Go's form): {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}. */
public final class GoDurations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private GoDurations() {}

  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(t));
    Matcher m = PART.matcher(t);
    int at = 0;
    double nanos = 0;
    while (m.find() && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = m.end();
    }
    if (t.isEmpty() || at != t.length()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration (e.g. 30s, 5m, 1h30m, 500ms)");
    }
    if (nanos > 1e18) throw new IllegalArgumentException("\"" + text + "\" is too long");
    return Duration.ofNanos((long) nanos);
  }
}
