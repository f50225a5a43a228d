package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellSpec {
  public CellIngress ingress;
  /** How many target groups of a version must exist before it is rolled out. Default 1. */
  public Integer replicas;
  /** Pins the desired version; lower than the stable version means an immediate rollback. */
  public String version;
  public UpdateStrategy updateStrategy;
  /**
   * Waves: Cells that must have a version as their stable version before this Cell starts rolling it
   * out; a failure of that version there stops it here. Within the owner policy's {@code waves}.
   */
  @JsonPropertyDescription("Waves: Cells that must have a version as their stable version (or a newer one) before this Cell starts"
      + " rolling it out; a failure of that version in any of them stops it here. Other namespaces as the runner's owner policy allows.")
  public java.util.List<CellReference> rolloutAfter;
}
