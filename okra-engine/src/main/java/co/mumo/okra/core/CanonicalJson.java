package co.mumo.okra.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * One JSON text per value, whatever the field or map order and however a release lays out its classes:
 * object keys sorted at every level, nulls and empty lists left out (they mean "not given"), empty
 * objects kept ({@code pause: {}} means something). What Okra hashes into status (a Cell's steps, an
 * analysis's templates and arguments) is hashed from this form of what the user wrote, so a new release
 * reads the same hash (Argo Rollouts hashes the pod template the same way).
 */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CanonicalJson() {}

  public static String of(Object value) {
    try {
      return MAPPER.writeValueAsString(normalize(MAPPER.valueToTree(value)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot write " + (value == null ? "null" : value.getClass().getSimpleName()) + " as JSON", e);
    }
  }

  /** The first {@code length} hex digits of the SHA-256 of {@link #of}. */
  public static String hash(Object value, int length) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(of(value).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode normalize(JsonNode n) {
    if (n.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
        String k = names.next();
        JsonNode v = n.get(k);
        if (v == null || v.isNull() || (v.isArray() && v.isEmpty())) continue;
        sorted.put(k, normalize(v));
      }
      ObjectNode out = MAPPER.createObjectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (n.isArray()) {
      ArrayNode out = MAPPER.createArrayNode();
      n.forEach(e -> out.add(normalize(e)));
      return out;
    }
    return n;
  }
}
