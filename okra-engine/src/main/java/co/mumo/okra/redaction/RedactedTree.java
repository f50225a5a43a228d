package co.mumo.okra.redaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Secrets#redact} over every string of an object that is about to be written to Kubernetes
 * (a status, an event): a copy with each text value and key redacted, of the same class.
 */
public final class RedactedTree {
  private static final ObjectMapper JSON = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private RedactedTree() {}

  /** {@code value} itself when nothing in it needs masking, else a redacted copy. */
  @SuppressWarnings("unchecked")
  public static <T> T of(T value) {
    if (value == null) return null;
    JsonNode tree = JSON.valueToTree(value);
    JsonNode redacted = redact(tree);
    if (redacted.equals(tree)) return value;
    try {
      return (T) JSON.treeToValue(redacted, value.getClass());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot copy " + value.getClass().getSimpleName() + " for redaction", e);
    }
  }

  /** For maps of plain values (generic resources): redacted in place. */
  @SuppressWarnings("unchecked")
  public static void inPlace(Map<String, Object> map) {
    for (Map.Entry<String, Object> e : map.entrySet()) e.setValue(plain(e.getValue()));
  }

  @SuppressWarnings("unchecked")
  private static Object plain(Object v) {
    if (v instanceof String s) return Secrets.redact(s);
    if (v instanceof Map<?, ?> m) {
      inPlace((Map<String, Object>) m);
      return m;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) out.add(plain(o));
      return out;
    }
    return v;
  }

  private static JsonNode redact(JsonNode n) {
    if (n.isTextual()) {
      String r = Secrets.redact(n.textValue());
      return r.equals(n.textValue()) ? n : TextNode.valueOf(r);
    }
    if (n.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      n.forEach(c -> out.add(redact(c)));
      return out;
    }
    if (n.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      n.fields().forEachRemaining(e -> out.set(Secrets.redact(e.getKey()), redact(e.getValue())));
      return out;
    }
    return n;
  }
}
