package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** {@code template.metadata}: labels and annotations stamped on every generated object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourceTemplate {
  public Metadata metadata;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Metadata {
    public Map<String, String> labels;
    public Map<String, String> annotations;
  }
}
