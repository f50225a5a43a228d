package co.mumo.okra.analysis.eval.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of Kubernetes JSONPath that Argo's web metrics use: {@code {$.data.ok}}, {@code {$.items[0].value}},
 * {@code {.a['b-c']}}, {@code $.a} (braces optional), {@code {$}} for the whole document.
 */
final class JsonPaths {
  private JsonPaths() {}

  static List<Object> parse(String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) p = p.substring(1, p.length() - 1).trim();
    if (p.startsWith("$")) p = p.substring(1);
    List<Object> steps = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int start = ++i;
        while (i < p.length() && p.charAt(i) != '.' && p.charAt(i) != '[') i++;
        if (i == start) throw new IllegalArgumentException("jsonPath \"" + path + "\": empty field name at position " + (start + 1));
        steps.add(p.substring(start, i));
      } else if (c == '[') {
        int end = p.indexOf(']', i);
        if (end < 0) throw new IllegalArgumentException("jsonPath \"" + path + "\": unclosed [");
        String inner = p.substring(i + 1, end).trim();
        if (inner.matches("-?\\d+")) {
          steps.add(Integer.parseInt(inner));
        } else if (inner.length() >= 2 && (inner.startsWith("'") && inner.endsWith("'") || inner.startsWith("\"") && inner.endsWith("\""))) {
          steps.add(inner.substring(1, inner.length() - 1));
        } else {
          throw new IllegalArgumentException("jsonPath \"" + path + "\": [" + inner + "] is not supported (use an index or a quoted name)");
        }
        i = end + 1;
      } else {
        throw new IllegalArgumentException("jsonPath \"" + path + "\": unexpected '" + c + "' at position " + (i + 1));
      }
    }
    return steps;
  }

  static Optional<Object> read(Object doc, List<Object> steps) {
    Object node = doc;
    for (Object step : steps) {
      if (step instanceof Integer i && node instanceof List<?> l) {
        int j = i < 0 ? i + l.size() : i;
        if (j < 0 || j >= l.size()) return Optional.empty();
        node = l.get(j);
      } else if (step instanceof String s && node instanceof Map<?, ?> m && m.containsKey(s)) {
        node = m.get(s);
      } else {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(node);
  }
}
