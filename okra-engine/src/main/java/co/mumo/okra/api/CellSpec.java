package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;

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
  public java.util.List<CellReference> rolloutAfter;
}
