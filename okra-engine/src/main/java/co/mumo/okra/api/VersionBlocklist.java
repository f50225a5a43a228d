package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.List;

/** Versions a Cell must not roll out again; named after the Cell it applies to. */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
@JsonClassDescription("Versions a Cell must not roll out again, named after the Cell. A failed rollout adds its version;"
    + " `okra-runner cell retry` removes it; you can add and remove entries by hand.")
public class VersionBlocklist extends CustomResource<VersionBlocklist.Spec, VersionBlocklist.Status> implements Namespaced {

  @Override
  @JsonPropertyDescription("The blocked versions.")
  public Spec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Reserved.")
  public Status getStatus() {
    return super.getStatus();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    @JsonPropertyDescription("One entry per blocked version.")
    public List<Item> items = new ArrayList<>();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Item {
    @JsonPropertyDescription("The version (semver, a leading `v` is fine).")
    public String version;
    @JsonPropertyDescription("Why it was blocked.")
    public String cause;

    public Item() {}

    public Item(String version, String cause) {
      this.version = version;
      this.cause = cause;
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    @JsonPropertyDescription("Reserved.")
    public String lastSyncTime;
  }
}
