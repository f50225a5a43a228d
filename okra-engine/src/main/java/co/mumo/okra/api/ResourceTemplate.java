package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** {@code template.metadata}: labels and annotations stamped on every generated object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourceTemplate {
  @JsonPropertyDescription("Metadata for every object the set writes.")
  public Metadata metadata;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Metadata {
    @JsonPropertyDescription("Labels for every object the set writes (e.g. `service: demo` on a ClusterSet's Secrets, for an"
        + " AWSTargetGroupSet's clusterSelector).")
    public Map<String, String> labels;
    @JsonPropertyDescription("Annotations for every object the set writes.")
    public Map<String, String> annotations;
  }
}
