package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.List;

/** Versions a Cell must not roll out again; named after the Cell it applies to. */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
public class VersionBlocklist extends CustomResource<VersionBlocklist.Spec, VersionBlocklist.Status> implements Namespaced {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    public List<Item> items = new ArrayList<>();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Item {
    public String version;
    public String cause;

    public Item() {}

    public Item(String version, String cause) {
      this.version = version;
      this.cause = cause;
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    public String lastSyncTime;
  }
}
