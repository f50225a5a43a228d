package co.mumo.okra.analysis;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code status.desiredVersion}-style paths (dots and [index]) out of a resource. */
final class FieldPaths {
  private FieldPaths() {}

  static Optional<String> read(Object resource, String path) {
    Object node = Serialization.jsonMapper().convertValue(resource, Map.class);
    for (String part : path.replace("[", ".").replace("]", "").split("\\.")) {
      if (part.isEmpty()) continue;
      if (node instanceof Map<?, ?> m) {
        node = m.get(part);
      } else if (node instanceof List<?> l && part.chars().allMatch(Character::isDigit) && Integer.parseInt(part) < l.size()) {
        node = l.get(Integer.parseInt(part));
      } else {
        return Optional.empty();
      }
      if (node == null) return Optional.empty();
    }
    return node instanceof Map || node instanceof List ? Optional.empty() : Optional.of(String.valueOf(node));
  }
}
