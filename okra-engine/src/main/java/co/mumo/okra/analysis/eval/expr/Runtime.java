package co.mumo.okra.analysis.eval.expr;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * expr-lang's runtime (package {@code vm/runtime}) over Okra's carriers of Go values: {@code null} (nil),
 * Boolean, Long (Go's integers), Double (float64), String, List (slices), Map (maps and structs), Instant
 * (time.Time). A panic in expr is an {@link ExprException} at stage RUN here.
 */
public final class Runtime {
  private Runtime() {}

  /**
   * A value of a named Go string type (CloudWatch's {@code types.StatusCode}): not a {@code string} to
   * expr's runtime, so {@code contains}, {@code <} and friends refuse it as Go does.
   */
  public record GoNamed(String type, String value) {
    @Override
    public String toString() {
      return value;
    }
  }

  /** A Go int64 (what Argo's asInt returns): a number like an int, but not an int to OpEqualInt or reflect.DeepEqual. */
  public record Int64(long value) {
    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /** A slice of structs (CloudWatch's results): == compares it with reflect.DeepEqual, not element by element. */
  public static final class StructSlice extends ArrayList<Object> {
    /** The array this slice shares (reflect.DeepEqual: slices at the same entry of one array are equal). */
    private final Object array;
    private final int offset;

    public StructSlice(Collection<?> c) {
      super(c);
      this.array = this;
      this.offset = 0;
    }

    private StructSlice(StructSlice of, int from, int to) {
      super(of.subList(from, to));
      this.array = of.array;
      this.offset = of.offset + from;
    }

    StructSlice slice(int from, int to) {
      return new StructSlice(this, from, to);
    }

    boolean sameEntry(StructSlice o) {
      return array == o.array && offset == o.offset && size() == o.size();
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /** An {@code x in [1, 2]} or {@code x in ["a", "b"]} the optimizer turned into a Go map lookup. */
  record GoSet(Set<Object> keys, boolean intKeys) {}

  static String typeName(Object v) {
    if (v == null) return "<nil>";
    if (v instanceof Boolean) return "bool";
    if (v instanceof Long) return "int";
    if (v instanceof Int64) return "int64";
    if (v instanceof Double) return "float64";
    if (v instanceof String) return "string";
    if (v instanceof List) return "[]interface {}";
    if (v instanceof Map) return "map[string]interface {}";
    if (v instanceof Instant) return "time.Time";
    if (v instanceof GoNamed n) return n.type();
    if (v instanceof GoSet s) return s.intKeys() ? "map[int]struct {}" : "map[string]struct {}";
    if (v instanceof Interpreter.GoFunc) return "func";
    return v.getClass().getSimpleName();
  }

  static ExprException panic(String message) {
    return ExprException.run(message);
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Int64;
  }

  private static boolean isInteger(Object v) {
    return v instanceof Long || v instanceof Int64;
  }

  private static long integer(Object v) {
    return v instanceof Int64 i ? i.value() : (Long) v;
  }

  static double toFloat64(Object v) {
    if (v instanceof Long l) return l;
    if (v instanceof Int64 i) return i.value();
    if (v instanceof Double d) return d;
    throw panic("invalid operation: float(" + typeName(v) + ")");
  }

  /** Go's int(x) of a float64 on amd64: truncation, and 0x8000000000000000 for NaN and out-of-range values. */
  static long floatToInt(double d) {
    if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) return Long.MIN_VALUE;
    return (long) d;
  }

  static long toInt(Object v) {
    if (v instanceof Long l) return l;
    if (v instanceof Int64 i) return i.value();
    if (v instanceof Double d) return floatToInt(d);
    throw panic("invalid operation: int(" + typeName(v) + ")");
  }

  static boolean toBool(Object v, String where) {
    if (v instanceof Boolean b) return b;
    throw panic("interface conversion: interface {} is " + typeName(v) + ", not bool" + where);
  }

  static boolean isNil(Object v) {
    return v == null;
  }

  static boolean equal(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isInteger(a) && isInteger(b)) return integer(a) == integer(b);
      return toFloat64(a) == toFloat64(b);
    }
    if (a instanceof StructSlice || b instanceof StructSlice) return deepEqual(a, b);
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); i++) if (!equal(x.get(i), y.get(i))) return false;
      return true;
    }
    if (a instanceof String x && b instanceof String y) return x.equals(y);
    if (a instanceof Boolean x && b instanceof Boolean y) return x.equals(y);
    if (a instanceof Instant x && b instanceof Instant y) return x.equals(y);
    if (a == null && b == null) return true;
    return deepEqual(a, b);
  }

  /** reflect.DeepEqual: the same Go types all the way down, NaN unequal to itself. */
  static boolean deepEqual(Object a, Object b) {
    if (a == null || b == null) return a == b;
    // the same slice or map is deeply equal to itself, NaN inside or not
    if (a == b && (a instanceof List || a instanceof Map)) return true;
    if (a instanceof StructSlice != b instanceof StructSlice) return false; // []T and []interface {} are different types
    if (a instanceof StructSlice x && b instanceof StructSlice y && x.sameEntry(y)) return true;
    if (a instanceof Double x && b instanceof Double y) return x.doubleValue() == y.doubleValue();
    if (a.getClass() != b.getClass() && !(a instanceof List && b instanceof List) && !(a instanceof Map && b instanceof Map)) {
      return false;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); i++) if (!deepEqual(x.get(i), y.get(i))) return false;
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) return false;
      for (var e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !deepEqual(e.getValue(), y.get(e.getKey()))) return false;
      }
      return true;
    }
    return a.equals(b);
  }

  /** Go compares strings by their UTF-8 bytes. */
  static int compareStrings(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  static boolean compare(String op, Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isInteger(a) && isInteger(b)) {
        long c = Long.compare(integer(a), integer(b));
        return switch (op) {
          case "<" -> c < 0;
          case ">" -> c > 0;
          case "<=" -> c <= 0;
          default -> c >= 0;
        };
      }
      double x = toFloat64(a);
      double y = toFloat64(b);
      return switch (op) {
        case "<" -> x < y;
        case ">" -> x > y;
        case "<=" -> x <= y;
        default -> x >= y;
      };
    }
    int c;
    if (a instanceof String x && b instanceof String y) {
      c = compareStrings(x, y);
    } else if (a instanceof Instant x && b instanceof Instant y) {
      c = x.compareTo(y);
    } else {
      throw panic("invalid operation: " + typeName(a) + " " + op + " " + typeName(b));
    }
    return switch (op) {
      case "<" -> c < 0;
      case ">" -> c > 0;
      case "<=" -> c <= 0;
      default -> c >= 0;
    };
  }

  static Object arithmetic(String op, Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      if (isInteger(a) && isInteger(b)) {
        long x = integer(a);
        long y = integer(b);
        switch (op) {
          case "+":
            return x + y;
          case "-":
            return x - y;
          case "*":
            return x * y;
          case "%":
            if (y == 0) throw panic("runtime error: integer divide by zero");
            return x % y;
          default:
            break;
        }
      }
      if (op.equals("%")) throw panic("invalid operation: " + typeName(a) + " % " + typeName(b));
      double x = toFloat64(a);
      double y = toFloat64(b);
      return switch (op) {
        case "+" -> x + y;
        case "-" -> x - y;
        case "*" -> x * y;
        case "/" -> x / y;
        default -> pow(x, y);
      };
    }
    if (op.equals("+") && a instanceof String x && b instanceof String y) return x + y;
    if (op.equals("**") || op.equals("^")) {
      toFloat64(a);
      toFloat64(b);
    }
    throw panic("invalid operation: " + typeName(a) + " " + op + " " + typeName(b));
  }

  /** Go's math.Pow, which differs from Java's on 1**NaN, (-1)**±Inf. */
  static double pow(double x, double y) {
    if (y == 0) return 1;
    if (x == 1) return 1;
    if (x == -1 && Double.isInfinite(y)) return 1;
    return Math.pow(x, y);
  }

  static Object negate(Object v) {
    if (v instanceof Long l) return -l;
    if (v instanceof Int64 i) return new Int64(-i.value());
    if (v instanceof Double d) return -d;
    throw panic("invalid operation: - " + typeName(v));
  }

  static Object fetch(Object from, Object i) {
    if (from == null) throw panic("cannot fetch " + show(i) + " from " + typeName(from));
    if (from instanceof GoNamed n) from = n.value();
    if (from instanceof List<?> || from instanceof String) {
      long index = toInt(i);
      if (from instanceof String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        long j = index < 0 ? bytes.length + index : index;
        if (j < 0 || j >= bytes.length) throw panic("index out of range: " + j + " (array length is " + bytes.length + ")");
        return (long) (bytes[(int) j] & 0xff);
      }
      List<?> l = (List<?>) from;
      long j = index < 0 ? l.size() + index : index;
      if (j < 0 || j >= l.size()) throw panic("index out of range: " + j + " (array length is " + l.size() + ")");
      return l.get((int) j);
    }
    if (from instanceof Map<?, ?> m) {
      if (i == null) return m.get("");
      if (!(i instanceof String)) {
        throw panic("reflect.Value.MapIndex: value of type " + typeName(i) + " is not assignable to type string");
      }
      return m.get(i);
    }
    throw panic("cannot fetch " + show(i) + " from " + typeName(from));
  }

  static Object slice(Object array, Object fromV, Object toV) {
    if (array instanceof GoNamed n) return new GoNamed(n.type(), (String) slice(n.value(), fromV, toV));
    if (array instanceof List<?> || array instanceof String) {
      byte[] bytes = array instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : null;
      int length = bytes != null ? bytes.length : ((List<?>) array).size();
      long a = toInt(fromV);
      long b = toInt(toV);
      if (a < 0) a = length + a;
      if (a < 0) a = 0;
      if (b < 0) b = length + b;
      if (b < 0) b = 0;
      if (b > length) b = length;
      if (a > b) a = b;
      if (bytes != null) return new String(bytes, (int) a, (int) (b - a), StandardCharsets.UTF_8);
      if (array instanceof StructSlice ss) return ss.slice((int) a, (int) b);
      return new ArrayList<Object>(((List<?>) array).subList((int) a, (int) b));
    }
    throw panic("cannot slice " + show(fromV));
  }

  static Object len(Object v) {
    if (v instanceof List<?> l) return (long) l.size();
    if (v instanceof Map<?, ?> m) return (long) m.size();
    if (v instanceof String s) return (long) s.codePointCount(0, s.length());
    if (v instanceof GoNamed n) return (long) n.value().codePointCount(0, n.value().length());
    throw panic("invalid argument for len (type " + typeName(v) + ")");
  }

  /** runtime.Len (OpLen, the default end of a slice): bytes of a string. */
  static Object lenForSlice(Object v) {
    if (v instanceof GoNamed n) return lenForSlice(n.value());
    if (v instanceof String s) return (long) s.getBytes(StandardCharsets.UTF_8).length;
    if (v instanceof List<?> || v instanceof Map<?, ?>) return len(v);
    throw panic("invalid argument for len (type " + typeName(v) + ")");
  }

  static boolean in(Object needle, Object array) {
    if (array == null) return false;
    if (array instanceof List<?> l) {
      for (Object o : l) if (equal(o, needle)) return true;
      return false;
    }
    if (array instanceof GoSet s) {
      if (needle == null) return s.keys().contains(s.intKeys() ? (Object) 0L : "");
      if (s.intKeys() ? !(needle instanceof Long) : !(needle instanceof String)) {
        throw panic("reflect.Value.MapIndex: value of type " + typeName(needle) + " is not assignable to type "
            + (s.intKeys() ? "int" : "string"));
      }
      return s.keys().contains(needle);
    }
    if (array instanceof Map<?, ?> m) {
      if (needle == null) return m.containsKey("");
      if (!(needle instanceof String)) {
        throw panic("reflect.Value.MapIndex: value of type " + typeName(needle) + " is not assignable to type string");
      }
      return m.containsKey(needle);
    }
    throw panic("operator \"in\" not defined on " + typeName(array));
  }

  /** A short rendering for messages: Go's %v. */
  static String show(Object v) {
    return Builtins.sprintV(v);
  }
}
