package co.mumo.okra.analysis.eval.expr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * expr-lang's builtin functions (package {@code builtin}): every name parses as in expr; the ones in
 * {@link #SUPPORTED} (and the predicate builtins the interpreter runs) are type-checked and run as expr
 * does, the others are refused when the condition is read (docs/analysis.md lists them).
 */
final class Builtins {
  private Builtins() {}

  /** Every builtin of expr v1.17 (names that parse as builtin calls rather than env functions). */
  static final Set<String> NAMES = Set.of("all", "none", "any", "one", "filter", "map", "find", "findIndex", "findLast",
      "findLastIndex", "count", "sum", "groupBy", "sortBy", "reduce", "len", "type", "abs", "ceil", "floor", "round", "int",
      "float", "string", "trim", "trimPrefix", "trimSuffix", "upper", "lower", "split", "splitAfter", "replace", "repeat",
      "join", "indexOf", "lastIndexOf", "hasPrefix", "hasSuffix", "max", "min", "mean", "median", "toJSON", "fromJSON",
      "toBase64", "fromBase64", "now", "duration", "date", "timezone", "first", "last", "get", "take", "keys", "values",
      "toPairs", "fromPairs", "reverse", "uniq", "concat", "flatten", "sort", "bitand", "bitor", "bitxor", "bitnand",
      "bitshl", "bitshr", "bitushr", "bitnot");

  /** The non-predicate builtins Okra runs. */
  static final Set<String> SUPPORTED = Set.of("len", "type", "abs", "ceil", "floor", "round", "int", "float", "string",
      "trim", "upper", "lower", "hasPrefix", "hasSuffix", "max", "min", "mean", "median", "first", "last");

  private static final GoType STRING_TO_STRING = GoType.func(List.of(GoType.STRING), GoType.STRING, false);
  private static final GoType TWO_STRINGS_TO_BOOL = GoType.func(List.of(GoType.STRING, GoType.STRING), GoType.BOOL, false);

  /** The Go signatures of builtins expr checks by overloads ({@code Types}); empty for those with a Validate. */
  static List<GoType> overloads(String name) {
    return switch (name) {
      case "type", "string" -> List.of(GoType.func(List.of(GoType.ANY), GoType.STRING, false));
      case "upper", "lower" -> List.of(STRING_TO_STRING);
      case "trim" -> List.of(STRING_TO_STRING, GoType.func(List.of(GoType.STRING, GoType.STRING), GoType.STRING, false));
      case "hasPrefix", "hasSuffix" -> List.of(TWO_STRINGS_TO_BOOL);
      default -> List.of();
    };
  }

  private static boolean numeric(GoType t) {
    return switch (t.deref().kind()) {
      case INT, INT64, UINT8, FLOAT64 -> true;
      default -> false;
    };
  }

  /** The builtin's Validate: its result type for these argument types, or an error as expr words it. */
  static GoType validate(String name, List<GoType> args) {
    switch (name) {
      case "len", "abs", "int", "float", "ceil", "floor", "round", "first", "last" -> {
        if (args.size() != 1) throw new IllegalArgumentException("invalid number of arguments (expected 1, got " + args.size() + ")");
        GoType t = args.get(0).deref();
        boolean any = t.kind() == GoType.Kind.INTERFACE;
        return switch (name) {
          case "len" -> {
            if (any || t.isArray() || t.isMap() || t.isString()) yield GoType.INT;
            throw new IllegalArgumentException("invalid argument for len (type " + args.get(0) + ")");
          }
          case "abs" -> {
            if (any || numeric(t)) yield args.get(0);
            throw new IllegalArgumentException("invalid argument for abs (type " + args.get(0) + ")");
          }
          case "int", "float" -> {
            if (any || numeric(t) || t.isString()) yield name.equals("int") ? GoType.INT : GoType.FLOAT64;
            throw new IllegalArgumentException("invalid argument for " + name + " (type " + args.get(0) + ")");
          }
          case "first", "last" -> {
            if (any) yield GoType.ANY;
            if (t.isArray()) yield t.elem();
            throw new IllegalArgumentException("cannot get " + name + " element from " + args.get(0));
          }
          default -> {
            if (any || numeric(t)) yield GoType.FLOAT64;
            throw new IllegalArgumentException("invalid argument for " + name + " (type " + args.get(0) + ")");
          }
        };
      }
      case "max", "min", "mean", "median" -> {
        if (args.isEmpty()) throw new IllegalArgumentException("not enough arguments to call " + name);
        for (GoType a : args) {
          GoType t = a.deref();
          if (t.kind() == GoType.Kind.INTERFACE || t.isArray()) return GoType.ANY;
          if (!numeric(t)) throw new IllegalArgumentException("invalid argument for " + name + " (type " + a + ")");
        }
        return args.get(0);
      }
      default -> throw new IllegalArgumentException("unknown builtin " + name);
    }
  }

  /** Runs a supported builtin on evaluated arguments. */
  static Object call(String name, List<Object> args) {
    Object x = args.isEmpty() ? null : args.get(0);
    switch (name) {
      case "len":
        return Runtime.len(x);
      case "abs":
        if (x instanceof Long l) return l < 0 ? -l : l;
        if (x instanceof Runtime.Int64 i) return i.value() < 0 ? new Runtime.Int64(-i.value()) : i;
        if (x instanceof Double d) return d < 0 ? -d : d;
        throw Runtime.panic("invalid argument for abs (type " + Runtime.typeName(x) + ")");
      case "int":
        if (x instanceof Long) return x;
        if (x instanceof Runtime.Int64 i) return i.value();
        if (x instanceof Double d) return Runtime.floatToInt(d);
        if (x instanceof String s) {
          try {
            return Strings.parseInt(s, 10);
          } catch (NumberFormatException e) {
            throw Runtime.panic("invalid operation: int(" + s + ")");
          }
        }
        throw Runtime.panic("invalid operation: int(" + Runtime.typeName(x) + ")");
      case "float":
        if (x instanceof Long l) return (double) l;
        if (x instanceof Runtime.Int64 i) return (double) i.value();
        if (x instanceof Double) return x;
        if (x instanceof String s) {
          try {
            return Strings.parseFloat(s);
          } catch (NumberFormatException e) {
            throw Runtime.panic("invalid operation: float(" + s + ")");
          }
        }
        throw Runtime.panic("invalid operation: float(" + Runtime.typeName(x) + ")");
      case "ceil", "floor", "round":
        if (x instanceof Long l) return (double) l;
        if (x instanceof Runtime.Int64 i) return (double) i.value();
        if (x instanceof Double d) return name.equals("ceil") ? Math.ceil(d) : name.equals("floor") ? Math.floor(d) : goRound(d);
        throw Runtime.panic("invalid argument for " + name + " (type " + Runtime.typeName(x) + ")");
      case "string":
        return sprintV(x);
      case "type":
        return type(x);
      case "upper", "lower": {
        String s = string(x);
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.appendCodePoint(name.equals("upper") ? Character.toUpperCase(c) : Character.toLowerCase(c)));
        return b.toString();
      }
      case "trim":
        return args.size() == 1 ? trimSpace(string(x)) : trim(string(x), string(args.get(1)));
      case "hasPrefix":
        return string(x).startsWith(string(args.get(1)));
      case "hasSuffix":
        return string(x).endsWith(string(args.get(1)));
      case "first", "last":
        try {
          return Runtime.fetch(x, name.equals("first") ? 0L : -1L);
        } catch (ExprException e) {
          return null;
        }
      case "max", "min":
        return minMax(name, args);
      case "mean": {
        List<Double> values = new ArrayList<>();
        collect(name, args, values);
        if (values.isEmpty()) return 0.0;
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.size();
      }
      case "median": {
        List<Double> values = new ArrayList<>();
        collect(name, args, values);
        if (values.isEmpty()) return 0.0;
        Collections.sort(values, Builtins::goFloatOrder);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
      }
      default:
        throw Runtime.panic("unknown builtin " + name);
    }
  }

  /** sort.Float64s: NaN first, then ascending. */
  private static int goFloatOrder(Double a, Double b) {
    if (a.isNaN()) return b.isNaN() ? 0 : -1;
    if (b.isNaN()) return 1;
    return Double.compare(a, b) == 0 ? 0 : a < b ? -1 : a > b ? 1 : 0;
  }

  private static String string(Object x) {
    if (x instanceof String s) return s;
    throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(x) + ", not string");
  }

  private static Object minMax(String name, List<?> args) {
    Object val = null;
    for (Object arg : args) {
      if (arg instanceof List<?> l) {
        for (Object e : l) {
          Object elem = minMax(name, Collections.singletonList(e));
          if (!Runtime.isNumber(elem)) throw Runtime.panic("invalid argument for " + name + " (type " + Runtime.typeName(elem) + ")");
          if (val == null || better(name, val, elem)) val = elem;
        }
      } else if (Runtime.isNumber(arg)) {
        if (val == null || better(name, val, arg)) val = arg;
      } else {
        if (args.size() == 1) return arg;
        throw Runtime.panic("invalid argument for " + name + " (type " + Runtime.typeName(arg) + ")");
      }
    }
    return val;
  }

  private static boolean better(String name, Object val, Object elem) {
    return Runtime.compare(name.equals("max") ? "<" : ">", val, elem);
  }

  private static void collect(String name, List<?> args, List<Double> out) {
    for (Object arg : args) {
      if (arg instanceof List<?> l) {
        for (Object e : l) collect(name, Collections.singletonList(e), out);
      } else if (Runtime.isNumber(arg)) {
        out.add(Runtime.toFloat64(arg));
      } else {
        throw Runtime.panic("invalid argument for " + name + " (type " + Runtime.typeName(arg) + ")");
      }
    }
  }

  /** math.Round: half away from zero, the sign of zero kept. */
  static double goRound(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) return d;
    double r = new BigDecimal(d).setScale(0, RoundingMode.HALF_UP).doubleValue();
    return r == 0 ? Math.copySign(0.0, d) : r;
  }

  private static String trimSpace(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && Lexer.isSpace(s.codePointAt(a))) a += Character.charCount(s.codePointAt(a));
    while (b > a && Lexer.isSpace(s.codePointBefore(b))) b -= Character.charCount(s.codePointBefore(b));
    return s.substring(a, b);
  }

  private static String trim(String s, String cutset) {
    int a = 0;
    int b = s.length();
    while (a < b && cutset.indexOf(s.codePointAt(a)) >= 0) a += Character.charCount(s.codePointAt(a));
    while (b > a && cutset.indexOf(s.codePointBefore(b)) >= 0) b -= Character.charCount(s.codePointBefore(b));
    return s.substring(a, b);
  }

  static String type(Object v) {
    if (v == null) return "nil";
    if (v instanceof Boolean) return "bool";
    if (v instanceof Long || v instanceof Runtime.Int64) return "int";
    if (v instanceof Double) return "float";
    if (v instanceof String) return "string";
    if (v instanceof List) return "array";
    if (v instanceof Map) return "map";
    if (v instanceof Instant) return "time.Time";
    if (v instanceof Runtime.GoNamed) return "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types.StatusCode";
    return "func";
  }

  /** fmt's %v: {@code [1 2.5 a]}, {@code map[a:1 b:true]}, {@code <nil>}, floats in 'g' format. */
  static String sprintV(Object v) {
    if (v == null) return "<nil>";
    if (v instanceof Double d) return Strings.formatFloatG(d);
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) b.append(' ');
        b.append(sprintV(l.get(i)));
      }
      return b.append(']').toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("map[");
      boolean first = true;
      for (var e : stringKeys(m).entrySet()) {
        if (!first) b.append(' ');
        first = false;
        b.append(e.getKey()).append(':').append(sprintV(e.getValue()));
      }
      return b.append(']').toString();
    }
    return String.valueOf(v);
  }

  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    Map<String, Object> out = new TreeMap<>(Runtime::compareStrings);
    m.forEach((k, x) -> out.put(String.valueOf(k), x));
    return out;
  }
}
