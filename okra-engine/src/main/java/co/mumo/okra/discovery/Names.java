package co.mumo.okra.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes name and label rules, and the names discovery gives the objects it writes. Everything
 * here is deterministic: the same input gives the same name on every pass and every machine.
 */
public final class Names {
  private Names() {}

  /** Object names (DNS subdomain) may have up to 253 characters. */
  public static final int MAX_NAME = 253;
  /** Label values and the name part of label keys may have up to 63 characters. */
  public static final int MAX_LABEL = 63;
  private static final int HASH_LENGTH = 8;

  private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Why {@code key} is not a valid label key, if it is not. */
  public static Optional<String> labelKeyProblem(String key) {
    if (key == null || key.isEmpty()) return Optional.of("a label key must not be empty");
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > MAX_NAME || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return Optional.of("label key " + quote(key) + ": the prefix must be a lower-case DNS subdomain");
      }
    }
    if (name.isEmpty() || name.length() > MAX_LABEL || !LABEL_NAME.matcher(name).matches()) {
      return Optional.of("label key " + quote(key) + ": the name must be 1-63 characters of [A-Za-z0-9-_.], "
          + "starting and ending with a letter or digit");
    }
    return Optional.empty();
  }

  /** Why {@code value} is not a valid label value, if it is not. */
  public static Optional<String> labelValueProblem(String value) {
    if (value == null) return Optional.of("a label value must not be null");
    if (value.length() > MAX_LABEL || !LABEL_NAME.matcher(value).matches()) {
      return Optional.of("label value " + quote(value) + ": must be at most 63 characters of [A-Za-z0-9-_.], "
          + "starting and ending with a letter or digit");
    }
    return Optional.empty();
  }

  public static boolean isObjectName(String name) {
    return name != null && !name.isEmpty() && name.length() <= MAX_NAME && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /**
   * The Secret name for an EKS cluster: its name, lower-cased, with characters a Secret name cannot
   * have ({@code _}) turned into {@code -}. EKS names are 1-100 characters of {@code [A-Za-z0-9_-]},
   * so the result always fits.
   */
  public static String secretName(String eksClusterName) {
    String s = eksClusterName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    s = s.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    return fit(s.isEmpty() ? "cluster" : s, MAX_NAME, eksClusterName);
  }

  /**
   * The AWSTargetGroup name for a binding: {@code <cluster>-<namespace>-<name>}, where cluster is the
   * ArgoCD cluster Secret's name. Always prefixed, so a name never changes when another cluster with
   * the same binding appears or goes (a renamed target group would look like a vanished canary to the
   * Cell). Longer than 253 characters: cut, plus a hash of the whole.
   */
  public static String targetGroupName(String cluster, String namespace, String name) {
    String joined = cluster + "-" + namespace + "-" + name;
    return fit(joined, MAX_NAME, cluster + "/" + namespace + "/" + name);
  }

  /** {@code name} with a hash of {@code source} appended: what two colliding names become. */
  public static String withHash(String name, String source) {
    String suffix = "-" + hash(source);
    String base = name.length() + suffix.length() > MAX_NAME ? trimEnd(name.substring(0, MAX_NAME - suffix.length())) : name;
    return base + suffix;
  }

  /** {@code value} as a label value: as is when valid, else cut to fit and marked with a hash of the original. */
  public static String labelValue(String value) {
    if (labelValueProblem(value).isEmpty()) return value;
    String cleaned = value.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    return fit(cleaned, MAX_LABEL, value);
  }

  private static String fit(String s, int max, String source) {
    if (s.length() <= max) return s;
    String suffix = "-" + hash(source);
    return trimEnd(s.substring(0, max - suffix.length())) + suffix;
  }

  private static String trimEnd(String s) {
    return s.replaceAll("[^A-Za-z0-9]+$", "");
  }

  static String hash(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
