package co.mumo.okra.core;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (semver.org 2.0.0) read from a target group label. A leading {@code v} is
 * accepted because cluster tags are often written that way; {@link #toString()} keeps what the user
 * wrote so that messages and analysis arguments show the label's own spelling.
 */
public record Version(long major, long minor, long patch, List<String> preRelease, String build, String original)
    implements Comparable<Version> {

  private static final Pattern SEMVER = Pattern.compile(
      "^[vV]?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
          + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
          + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

  public Version {
    preRelease = List.copyOf(preRelease);
  }

  /** Parses {@code text}, or says why it is not a version. */
  public static Version parse(String text) {
    return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
        "\"" + text + "\" is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.2.3 or v1.2.3)"));
  }

  public static Optional<Version> tryParse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = SEMVER.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
      return Optional.of(new Version(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
          Long.parseLong(m.group(3)), pre, m.group(5), text.trim()));
    } catch (NumberFormatException tooLong) {
      return Optional.empty();
    }
  }

  /** Precedence as semver defines it: build metadata is ignored, a pre-release sorts before its release. */
  @Override
  public int compareTo(Version o) {
    int c = Long.compare(major, o.major);
    if (c == 0) c = Long.compare(minor, o.minor);
    if (c == 0) c = Long.compare(patch, o.patch);
    if (c != 0) return c;
    if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
      return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
    }
    for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
      c = comparePreReleaseId(preRelease.get(i), o.preRelease.get(i));
      if (c != 0) return c;
    }
    return Integer.compare(preRelease.size(), o.preRelease.size());
  }

  private static int comparePreReleaseId(String a, String b) {
    boolean an = a.chars().allMatch(Character::isDigit);
    boolean bn = b.chars().allMatch(Character::isDigit);
    if (an && bn) return new BigInteger(a).compareTo(new BigInteger(b));
    if (an != bn) return an ? -1 : 1;
    return a.compareTo(b);
  }

  /** Two spellings of one version (v1.0.0 and 1.0.0, or different build metadata) are the same version. */
  public boolean sameAs(Version o) {
    return o != null && compareTo(o) == 0;
  }

  /** The canonical form without a leading v, used to key groups and in names. */
  public String canonical() {
    StringBuilder s = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
    if (!preRelease.isEmpty()) s.append('-').append(String.join(".", preRelease));
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v && sameAs(v);
  }

  @Override
  public int hashCode() {
    return canonical().hashCode();
  }

  @Override
  public String toString() {
    return original;
  }
}
