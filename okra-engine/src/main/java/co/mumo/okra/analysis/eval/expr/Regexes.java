package co.mumo.okra.analysis.eval.expr;

import com.google.re2j.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code matches} with Go's regexp (RE2) semantics through RE2/J: a search anywhere in the string, in time
 * linear in its length whatever the pattern, so a template author cannot stall the runner with a
 * backtracking pattern such as {@code (.*a){12}x}.
 */
final class Regexes {
  private static final int CACHED = 256;
  private static final Map<String, Pattern> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
      return size() > CACHED;
    }
  };

  private Regexes() {}

  /** @throws com.google.re2j.PatternSyntaxException when Go's regexp.Compile would refuse it */
  static Pattern compile(String pattern) {
    synchronized (CACHE) {
      Pattern p = CACHE.get(pattern);
      if (p == null) {
        p = Pattern.compile(pattern);
        CACHE.put(pattern, p);
      }
      return p;
    }
  }

  static boolean find(String pattern, String text) {
    return compile(pattern).matcher(text).find();
  }
}
