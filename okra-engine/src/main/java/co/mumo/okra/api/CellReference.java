package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Another Cell, by name; {@code namespace} defaults to the referring Cell's own. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellReference {
  @JsonPropertyDescription("The Cell's name.")
  public String name;
  @JsonPropertyDescription("Its namespace (default: the referring Cell's).")
  public String namespace;

  public CellReference() {}

  public CellReference(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }
}
