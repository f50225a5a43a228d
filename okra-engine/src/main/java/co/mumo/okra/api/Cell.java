package co.mumo.okra.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An ALB listener rule plus the target groups Okra rolls traffic over, version by version. */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
@ShortNames("cell")
public class Cell extends CustomResource<CellSpec, CellStatus> implements Namespaced {
  public static final String GROUP = "okra.mumo.co";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  @Override
  protected CellStatus initStatus() {
    return new CellStatus();
  }
}
