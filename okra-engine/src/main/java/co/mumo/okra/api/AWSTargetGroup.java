package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** One existing AWS target group, its version carried in a label such as okra.mumo.co/version. */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
public class AWSTargetGroup extends CustomResource<AWSTargetGroup.Spec, AWSTargetGroup.Status> implements Namespaced {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    public String arn;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    public String phase;
    public String message;
    public String lastSyncTime;
  }
}
