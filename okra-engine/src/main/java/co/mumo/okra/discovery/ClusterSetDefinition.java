package co.mumo.okra.discovery;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A validated ClusterSet: what the planner works from. */
public record ClusterSetDefinition(String namespace, String name, List<TagGenerator> generators, Map<String, String> labels,
                                   Map<String, String> annotations) {
  public ClusterSetDefinition {
    if (generators.isEmpty()) throw new IllegalArgumentException("a ClusterSet needs at least one generator");
    generators = List.copyOf(generators);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** One {@code generators[].awseks}: every tag must be equal; the Secret's awsAuthConfig assumes {@code roleArn} when set. */
  public record TagGenerator(Map<String, String> matchTags, Optional<String> roleArn) {
    public TagGenerator {
      if (matchTags.isEmpty()) throw new IllegalArgumentException("matchTags must not be empty");
      matchTags = Map.copyOf(matchTags);
    }

    public boolean matches(Map<String, String> tags) {
      return matchTags.entrySet().stream().allMatch(e -> e.getValue().equals(tags.get(e.getKey())));
    }
  }
}
