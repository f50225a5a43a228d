package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.analysis.eval.expr.Strings;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A body decoded as Go's {@code json.Unmarshal} into {@code any} decodes it (what Argo's web provider
 * does): one JSON value and nothing after it, each number's text read by strconv.ParseFloat (so
 * {@code -0} stays negative zero, and a number beyond float64 makes the body not JSON), objects as maps
 * (a repeated key keeps its last value), arrays as lists. Empty when Go would refuse the body.
 */
final class GoJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private GoJson() {}

  /** A decoded document (its value may be a JSON null). */
  record Decoded(Object value) {}

  static Optional<Decoded> decode(String body) {
    try (JsonParser p = FACTORY.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) return Optional.empty();
      Object value = value(p, first);
      if (p.nextToken() != null) return Optional.empty();
      return Optional.of(new Decoded(value));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String key = p.currentName();
          m.remove(key);
          m.put(key, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) l.add(value(p, e));
        return l;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT:
        return Strings.parseFloat(p.getText());
      case VALUE_TRUE:
        return true;
      case VALUE_FALSE:
        return false;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected " + t);
    }
  }
}
