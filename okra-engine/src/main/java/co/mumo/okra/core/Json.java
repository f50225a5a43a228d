package co.mumo.okra.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Plain Jackson for the engine's copies and comparisons of resource beans (the wire format is the adapter's). */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** A deep copy, through JSON. */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T value) {
    return value == null ? null : (T) MAPPER.convertValue(value, value.getClass());
  }
}
