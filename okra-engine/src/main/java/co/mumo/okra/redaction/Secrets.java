package co.mumo.okra.redaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction path: every secret value the runner comes to hold (Secret values read for an
 * analysis, kubeconfig and cluster-Secret credentials, AWS keys and session tokens) is registered
 * here when it is read, and every string that leaves the runner (stdout, stderr, logs, status and
 * events written to Kubernetes) passes through {@link #redact} on its way out.
 *
 * <p>Process-wide on purpose: a secret read in one corner (a credentials provider, a kubeconfig) may
 * surface anywhere else (an SDK debug line, an exception message stored in status).
 *
 * <p>Values of at least {@value #MIN_SUBSTRING} characters are replaced wherever they appear; shorter
 * ones only where they stand alone (between characters that are not letters or digits), since
 * replacing every "12" would garble the output and still protect nothing. Their JSON-escaped form is
 * replaced too, so a value with a quote or a backslash is also masked inside JSON text.
 */
public final class Secrets {
  public static final String MASK = "*****";
  static final int MIN_SUBSTRING = 4;

  private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
  private static volatile List<String> ordered = List.of();

  private Secrets() {}

  /** Remembers {@code value} (null and blank are ignored) so that it never leaves the runner. */
  public static void register(String value) {
    if (value == null || value.isBlank()) return;
    boolean added = VALUES.add(value);
    String trimmed = value.strip();
    if (!trimmed.equals(value)) added |= VALUES.add(trimmed);
    String escaped = jsonEscaped(value);
    if (!escaped.equals(value)) added |= VALUES.add(escaped);
    // A multi-line value (a PEM key) may be printed line by line.
    if (value.indexOf('\n') >= 0) {
      for (String line : value.split("\\R")) if (line.strip().length() >= 16) added |= VALUES.add(line.strip());
    }
    if (added) {
      List<String> next = new ArrayList<>(VALUES);
      next.sort(Comparator.comparingInt(String::length).reversed()); // longest first: a value inside another is masked whole
      ordered = List.copyOf(next);
    }
  }

  /** A base64 value (a kubeconfig's client-key-data): the text as written and what it decodes to. */
  public static void registerBase64(String encoded) {
    if (encoded == null || encoded.isBlank()) return;
    register(encoded);
    try {
      register(new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException notBase64) {
      // Registered as written; nothing more to find.
    }
  }

  /** {@code text} with every registered value masked; null stays null. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) return text;
    String out = text;
    for (String v : ordered) {
      if (v.length() >= MIN_SUBSTRING) {
        if (out.contains(v)) out = out.replace(v, MASK);
      } else if (out.contains(v)) {
        out = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(v) + "(?![\\p{L}\\p{N}])").matcher(out)
            .replaceAll(Matcher.quoteReplacement(MASK));
      }
    }
    return out;
  }

  /** For tests: forget every value. */
  public static void clearForTests() {
    VALUES.clear();
    ordered = List.of();
  }

  private static String jsonEscaped(String value) {
    StringBuilder s = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) s.append(String.format("\\u%04x", (int) c));
          else s.append(c);
        }
      }
    }
    return s.toString();
  }
}
