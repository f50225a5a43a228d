package co.mumo.okra.analysis.eval.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A body decoded as Go's {@code json.Unmarshal} into {@code any} decodes it (what Argo's web provider
 * does): one JSON value and nothing after it, numbers as float64 (a number beyond float64 makes the body
 * not JSON), objects as maps, arrays as lists. Empty when Go would refuse it.
 */
final class GoJson {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private GoJson() {}

  /** A decoded document (its value may be a JSON null). */
  record Decoded(Object value) {}

  static Optional<Decoded> decode(String body) {
    Object doc;
    try {
      doc = JSON.readValue(body, Object.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Decoded(float64s(doc)));
    } catch (NumberFormatException outOfRange) {
      return Optional.empty();
    }
  }

  private static Object float64s(Object v) {
    if (v instanceof BigDecimal d) return finite(d.doubleValue());
    if (v instanceof BigInteger i) return finite(i.doubleValue());
    if (v instanceof Number n) return finite(n.doubleValue());
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) out.add(float64s(o));
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), float64s(x)));
      return out;
    }
    return v;
  }

  private static double finite(double d) {
    if (Double.isInfinite(d)) throw new NumberFormatException("out of range for float64");
    return d;
  }
}
