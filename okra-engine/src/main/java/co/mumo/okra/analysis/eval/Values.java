package co.mumo.okra.analysis.eval;

import co.mumo.okra.analysis.eval.Condition.ConditionException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The value model of conditions: JSON values, with integers as Long and other numbers as Double. */
final class Values {
  private Values() {}

  /** Integers to Long, other numbers to Double, arrays and collections to List, maps keyed by String. */
  static Object normalize(Object v) {
    if (v == null || v instanceof Boolean || v instanceof String || v instanceof Long || v instanceof Double) return v;
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
    if (v instanceof BigInteger b) return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
    if (v instanceof BigDecimal d) {
      try {
        return d.longValueExact();
      } catch (ArithmeticException notIntegral) {
        return d.doubleValue();
      }
    }
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof Character c) return String.valueOf(c);
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      for (Object o : c) out.add(normalize(o));
      return out;
    }
    if (v instanceof double[] a) {
      List<Object> out = new ArrayList<>(a.length);
      for (double d : a) out.add(d);
      return out;
    }
    if (v instanceof Object[] a) return normalize(List.of(a));
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), normalize(x)));
      return out;
    }
    return String.valueOf(v);
  }

  static String typeName(Object v) {
    if (v == null) return "nil";
    if (v instanceof Boolean) return "bool";
    if (v instanceof Long) return "int";
    if (v instanceof Double) return "float";
    if (v instanceof String) return "string";
    if (v instanceof List) return "array";
    if (v instanceof Map) return "map";
    return v.getClass().getSimpleName();
  }

  /** Short text of a value for messages: {@code 0.42}, {@code [0.9, 1]}, {@code "ok"}. */
  static String show(Object v) {
    if (v == null) return "nil";
    if (v instanceof String s) return "\"" + s + "\"";
    if (v instanceof Double d) return formatDouble(d);
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) b.append(", ");
        if (i == 10) {
          b.append("... ").append(l.size() - 10).append(" more");
          break;
        }
        b.append(show(l.get(i)));
      }
      return b.append(']').toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      int i = 0;
      for (var e : m.entrySet()) {
        if (i++ > 0) b.append(", ");
        b.append(e.getKey()).append(": ").append(show(e.getValue()));
      }
      return b.append('}').toString();
    }
    return String.valueOf(v);
  }

  static String formatDouble(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) return String.valueOf((long) d);
    return String.valueOf(d);
  }

  static boolean truth(Object v, String where) {
    if (v instanceof Boolean b) return b;
    throw new ConditionException(where + " needs a bool, got " + typeName(v) + " (" + show(v) + ")");
  }

  static double toDouble(Object v, String where) {
    if (v instanceof Long l) return l;
    if (v instanceof Double d) return d;
    throw new ConditionException(where + " needs a number, got " + typeName(v) + " (" + show(v) + ")");
  }

  static long toInt(Object v) {
    if (v instanceof Long l) return l;
    throw new ConditionException("an index must be an int, got " + typeName(v) + " (" + show(v) + ")");
  }

  static String string(Object v, String where) {
    if (v instanceof String s) return s;
    throw new ConditionException(where + " needs a string, got " + typeName(v) + " (" + show(v) + ")");
  }

  static boolean equal(Object a, Object b) {
    if (a == null || b == null) return a == b;
    if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
      if (a instanceof Long x && b instanceof Long y) return x.longValue() == y.longValue();
      return toDouble(a, "==") == toDouble(b, "==");
    }
    return a.equals(b);
  }

  /** {@code a op b} for {@code < <= > >=}; any of them with NaN is false, as in Go. */
  static boolean ordered(String op, Object a, Object b) {
    if (a instanceof Double x && x.isNaN() || b instanceof Double y && y.isNaN()) {
      toDouble(a, op);
      toDouble(b, op);
      return false;
    }
    int c = compare(a, b, op);
    return switch (op) {
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  static int compare(Object a, Object b, String op) {
    if (a instanceof Long x && b instanceof Long y) return Long.compare(x, y);
    if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
      return Double.compare(toDouble(a, op), toDouble(b, op));
    }
    if (a instanceof String x && b instanceof String y) return x.compareTo(y);
    throw new ConditionException("invalid operation: " + typeName(a) + " " + op + " " + typeName(b)
        + " (" + show(a) + " " + op + " " + show(b) + ")");
  }

  static Object arithmetic(String op, Object a, Object b) {
    if (op.equals("+") && a instanceof String x && b instanceof String y) return x + y;
    if (op.equals("+") && a instanceof List<?> x && b instanceof List<?> y) {
      List<Object> out = new ArrayList<>(x);
      out.addAll(y);
      return out;
    }
    if (a instanceof Long x && b instanceof Long y) {
      switch (op) {
        case "+":
          return x + y;
        case "-":
          return x - y;
        case "*":
          return x * y;
        case "%":
          if (y == 0) throw new ConditionException("integer divide by zero");
          return x % y;
        default:
          break;
      }
    }
    if (op.equals("%")) throw new ConditionException("% needs ints, got " + typeName(a) + " and " + typeName(b));
    double x = toDouble(a, op);
    double y = toDouble(b, op);
    return switch (op) {
      case "+" -> x + y;
      case "-" -> x - y;
      case "*" -> x * y;
      case "/" -> x / y;
      case "**" -> Math.pow(x, y);
      default -> throw new ConditionException("unknown operator " + op);
    };
  }

  static boolean contains(Object collection, Object element) {
    if (collection instanceof List<?> l) {
      for (Object o : l) if (equal(o, element)) return true;
      return false;
    }
    if (collection instanceof Map<?, ?> m) return m.containsKey(string(element, "in"));
    if (collection instanceof String s) return s.contains(string(element, "in"));
    throw new ConditionException("in needs an array or a map on the right, got " + typeName(collection));
  }

  static Object index(Object target, Object key) {
    if (target instanceof List<?> l) {
      long i = toInt(key);
      long j = i < 0 ? i + l.size() : i;
      if (j < 0 || j >= l.size()) {
        throw new ConditionException("index out of range: " + i + " (array of length " + l.size() + ")");
      }
      return l.get((int) j);
    }
    if (target instanceof Map<?, ?> m) return m.get(string(key, "a map key"));
    if (target instanceof String s) {
      long i = toInt(key);
      long j = i < 0 ? i + s.length() : i;
      if (j < 0 || j >= s.length()) throw new ConditionException("index out of range: " + i + " (string of length " + s.length() + ")");
      return String.valueOf(s.charAt((int) j));
    }
    throw new ConditionException("cannot fetch " + show(key) + " from " + typeName(target) + " (" + show(target) + ")");
  }

  static long len(Object v) {
    if (v instanceof List<?> l) return l.size();
    if (v instanceof Map<?, ?> m) return m.size();
    if (v instanceof String s) return s.codePointCount(0, s.length());
    throw new ConditionException("invalid argument for len (type " + typeName(v) + ")");
  }

  static long asInt(Object v) {
    if (v instanceof Long l) return l;
    if (v instanceof Double d) return (long) d.doubleValue();
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ConditionException("asInt: \"" + s + "\" is not an integer");
      }
    }
    throw new ConditionException("asInt() not supported on " + typeName(v) + " (" + show(v) + ")");
  }

  static double asFloat(Object v) {
    if (v instanceof Long l) return l;
    if (v instanceof Double d) return d;
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new ConditionException("asFloat: \"" + s + "\" is not a number");
      }
    }
    throw new ConditionException("asFloat() not supported on " + typeName(v) + " (" + show(v) + ")");
  }
}
