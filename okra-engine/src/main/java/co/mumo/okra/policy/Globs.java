package co.mumo.okra.policy;

import java.util.Locale;

/**
 * Wildcard patterns as ALB and the owner policy write them: {@code *} is any run of characters
 * (also none), {@code ?} exactly one, everything else itself.
 */
public final class Globs {
  private Globs() {}

  /** Whether {@code text} (which has no wildcards: a name, an ARN) matches {@code pattern}. */
  public static boolean matches(String pattern, String text, boolean ignoreCase) {
    return intersect(pattern, text, ignoreCase);
  }

  /**
   * Whether some string matches both patterns: the question "can one request match both rules" asks of
   * two host or path patterns. Dynamic programming over positions of the two patterns, so a hostile
   * pattern cannot make it slow (at most |a| x |b| steps).
   */
  public static boolean intersect(String a, String b, boolean ignoreCase) {
    String p = ignoreCase ? a.toLowerCase(Locale.ROOT) : a;
    String q = ignoreCase ? b.toLowerCase(Locale.ROOT) : b;
    // reach[i][j]: the suffixes p[i..] and q[j..] have a common string.
    boolean[][] reach = new boolean[p.length() + 1][q.length() + 1];
    for (int i = p.length(); i >= 0; i--) {
      for (int j = q.length(); j >= 0; j--) {
        reach[i][j] = step(p, q, i, j, reach);
      }
    }
    return reach[0][0];
  }

  private static boolean step(String p, String q, int i, int j, boolean[][] reach) {
    boolean pEnd = i == p.length();
    boolean qEnd = j == q.length();
    if (pEnd && qEnd) return true;
    if (!pEnd && p.charAt(i) == '*') {
      // The star matches nothing, or it swallows one character that q's next element produces.
      return reach[i + 1][j] || (!qEnd && reach[i][j + 1]);
    }
    if (!qEnd && q.charAt(j) == '*') {
      return reach[i][j + 1] || (!pEnd && reach[i + 1][j]);
    }
    if (pEnd || qEnd) return false;
    char x = p.charAt(i);
    char y = q.charAt(j);
    return (x == '?' || y == '?' || x == y) && reach[i + 1][j + 1];
  }
}
