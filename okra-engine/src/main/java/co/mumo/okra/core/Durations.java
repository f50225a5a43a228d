package co.mumo.okra.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Argo Rollouts accepts them in pause steps: plain seconds, or a number with s, m or h. */
public final class Durations {
  private static final Pattern GO_STYLE = Pattern.compile("^((\\d+)h)?((\\d+)m)?((\\d+)s)?$");

  private Durations() {}

  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    Matcher m = GO_STYLE.matcher(t);
    if (!t.matches("\\d+") && (t.isEmpty() || !m.matches())) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a duration (use seconds, or a number with s, m or h, e.g. 30s, 10m, 1h30m)");
    }
    try {
      if (t.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(t));
      return Duration.ofHours(group(m, 2)).plusMinutes(group(m, 4)).plusSeconds(group(m, 6));
    } catch (ArithmeticException | NumberFormatException tooLong) {
      // Past Long's range: without this a pause of 9999999999999999h escaped validation as an ArithmeticException.
      throw new IllegalArgumentException("\"" + text + "\" is too long (at most " + Long.MAX_VALUE / 3600 + "h)");
    }
  }

  private static long group(Matcher m, int g) {
    return m.group(g) == null ? 0 : Long.parseLong(m.group(g));
  }

  /** Short human form: 1h2m3s, 45s. */
  public static String format(Duration d) {
    long s = Math.max(0, d.toSeconds());
    StringBuilder out = new StringBuilder();
    if (s >= 3600) out.append(s / 3600).append('h');
    if (s % 3600 >= 60) out.append(s % 3600 / 60).append('m');
    if (s % 60 != 0 || out.length() == 0) out.append(s % 60).append('s');
    return out.toString();
  }
}
