package co.mumo.okra.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The reliability suite's figures, one {@code reliability:} line per test on standard output (which
 * Maven keeps in {@code target/*-reports/*-output.txt}), e.g.
 * {@code reliability: races runners=8 passes=212 conflicts=31 failures=0}. docs/reliability.md quotes them.
 */
public final class Reliability {
  private Reliability() {}

  /** {@code keyValues}: name, value, name, value, ... */
  public static String report(String part, Object... keyValues) {
    if (keyValues.length % 2 != 0) throw new IllegalArgumentException("name, value, name, value, ...");
    Map<String, Object> figures = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) figures.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
    String line = "reliability: " + part + " " + figures.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
    System.out.println(line);
    return line;
  }
}
