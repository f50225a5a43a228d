package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Another Cell, by name; {@code namespace} defaults to the referring Cell's own. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellReference {
  public String name;
  public String namespace;

  public CellReference() {}

  public CellReference(String name, String namespace) {
    this.name = name;
    this.namespace = namespace;
  }
}
