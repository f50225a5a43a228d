package co.mumo.okra.analysis.eval;

import java.util.Optional;

/** Where {@code valueFrom} arguments come from: a Secret in the run's namespace, a field of the Cell. */
public interface ArgSource {
  Optional<String> secret(String name, String key);

  Optional<String> field(String fieldPath);

  /** For validation and tests: no Secrets, no fields. */
  ArgSource NONE = new ArgSource() {
    @Override
    public Optional<String> secret(String name, String key) {
      return Optional.empty();
    }

    @Override
    public Optional<String> field(String fieldPath) {
      return Optional.empty();
    }
  };
}
