package co.mumo.okra.analysis.eval.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of Kubernetes JSONPath (client-go's {@code util/jsonpath}, what Argo's web metrics use) that
 * picks one value: text outside braces is literal, and inside them {@code $}, {@code .field},
 * {@code ['field']} and {@code [index]} (negative from the end). Argo keeps the first value found.
 * Wildcards, recursive descent, slices, unions and filters are refused when the template is read.
 */
final class JsonPaths {
  private JsonPaths() {}

  /** A template: literal text, or a path of field names (String) and indexes (Integer). */
  sealed interface Segment {}

  record Text(String text) implements Segment {}

  record Path(List<Object> steps) implements Segment {}

  static List<Segment> parse(String template) {
    List<Segment> out = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        out.add(new Text(template.substring(i)));
        break;
      }
      if (open > i) out.add(new Text(template.substring(i, open)));
      int close = template.indexOf('}', open);
      if (close < 0) throw new IllegalArgumentException("jsonPath \"" + template + "\": unclosed action");
      out.add(new Path(steps(template, template.substring(open + 1, close).trim())));
      i = close + 1;
    }
    return out;
  }

  private static List<Object> steps(String template, String p) {
    if (p.startsWith("$")) p = p.substring(1);
    List<Object> steps = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int start = ++i;
        while (i < p.length() && p.charAt(i) != '.' && p.charAt(i) != '[') i++;
        String name = p.substring(start, i);
        if (name.equals("*") || name.isEmpty() && i < p.length() && p.charAt(i) == '.') throw unsupported(template, "." + name);
        steps.add(name);
      } else if (c == '[') {
        int end = p.indexOf(']', i);
        if (end < 0) throw new IllegalArgumentException("jsonPath \"" + template + "\": unclosed [");
        String inner = p.substring(i + 1, end).trim();
        if (inner.matches("-?\\d+")) {
          steps.add(Integer.parseInt(inner));
        } else if (inner.length() >= 2 && (inner.startsWith("'") && inner.endsWith("'") || inner.startsWith("\"") && inner.endsWith("\""))) {
          steps.add(inner.substring(1, inner.length() - 1));
        } else {
          throw unsupported(template, "[" + inner + "]");
        }
        i = end + 1;
      } else {
        throw new IllegalArgumentException("jsonPath \"" + template + "\": unexpected '" + c + "' at position " + (i + 1));
      }
    }
    return steps;
  }

  private static IllegalArgumentException unsupported(String template, String what) {
    return new IllegalArgumentException("jsonPath \"" + template + "\": " + what
        + " is not supported by Okra's evaluator (use field names, quoted names and indexes)");
  }

  /** The first value the template yields on {@code doc}, as Argo's web provider takes it. */
  static Object first(Object doc, List<Segment> template) {
    List<Object> values = new ArrayList<>();
    for (Segment s : template) values.add(s instanceof Text t ? t.text() : read(doc, ((Path) s).steps()));
    if (values.isEmpty()) throw new IllegalArgumentException("result of web metric produced no value");
    return values.get(0);
  }

  private static Object read(Object doc, List<Object> steps) {
    Object node = doc;
    for (Object step : steps) {
      if (step instanceof Integer i) {
        if (!(node instanceof List<?> l)) throw new IllegalArgumentException("Could not find JSONPath in body: not an array: [" + i + "]");
        int j = i < 0 ? i + l.size() : i;
        if (j < 0 || j >= l.size()) {
          throw new IllegalArgumentException("Could not find JSONPath in body: array index out of bounds: index " + i + ", length " + l.size());
        }
        node = l.get(j);
      } else if (node instanceof Map<?, ?> m && m.containsKey(step)) {
        node = m.get(step);
      } else {
        throw new IllegalArgumentException("Could not find JSONPath in body: " + step + " is not found");
      }
    }
    return node;
  }
}
