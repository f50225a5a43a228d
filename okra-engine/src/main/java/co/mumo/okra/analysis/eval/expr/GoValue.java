package co.mumo.okra.analysis.eval.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A measurement's value as Argo hands it to the conditions: the value and its Go type. The type matters:
 * expr checks the condition against it ({@code result == "1"} on a float64 is a compile error).
 *
 * @param value {@code null}, Boolean, Long, Double, String, List, Map (see {@link Runtime})
 */
public record GoValue(Object value, GoType type) {
  /**
   * A JSON document as Go's encoding/json decodes it into {@code any}: numbers are float64, arrays
   * {@code []interface {}}, objects {@code map[string]interface {}} (the web and job providers).
   */
  public static GoValue json(Object decoded) {
    Object v = jsonValue(decoded);
    return new GoValue(v, typeOf(v));
  }

  /** A float64 (a Prometheus scalar, a Datadog point). */
  public static GoValue float64(double v) {
    return new GoValue(v, GoType.FLOAT64);
  }

  /** A []float64 (a Prometheus vector or matrix, flattened as Argo does). */
  public static GoValue float64s(List<Double> values) {
    return new GoValue(new ArrayList<Object>(values), GoType.FLOAT64_SLICE);
  }

  /** A nil *float64 (Datadog without data): nil for {@code result}, and for {@code isNil} and {@code default}. */
  public static GoValue nilFloat64() {
    return new GoValue(null, GoType.NIL);
  }

  /** A value of a given Go type, already in the runtime's carriers (e.g. CloudWatch's typed results). */
  public static GoValue of(Object value, GoType type) {
    return new GoValue(value, value == null ? GoType.NIL : type);
  }

  public boolean isNil() {
    return value == null;
  }

  /** reflect.TypeOf of a decoded JSON value. */
  static GoType typeOf(Object v) {
    if (v == null) return GoType.NIL;
    if (v instanceof Boolean) return GoType.BOOL;
    if (v instanceof Long) return GoType.INT;
    if (v instanceof Double) return GoType.FLOAT64;
    if (v instanceof String) return GoType.STRING;
    if (v instanceof List) return GoType.ANY_SLICE;
    if (v instanceof Map) return GoType.ANY_MAP;
    return GoType.ANY;
  }

  /** Numbers to Double (float64), collections to List/Map of the same, keys to strings. */
  static Object jsonValue(Object v) {
    if (v == null || v instanceof Boolean || v instanceof String || v instanceof Double) return v;
    if (v instanceof BigDecimal d) return d.doubleValue();
    if (v instanceof BigInteger i) return i.doubleValue();
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof Character c) return String.valueOf(c);
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      for (Object o : c) out.add(jsonValue(o));
      return out;
    }
    if (v instanceof Object[] a) return jsonValue(Arrays.asList(a));
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), jsonValue(x)));
      return out;
    }
    return String.valueOf(v);
  }
}
