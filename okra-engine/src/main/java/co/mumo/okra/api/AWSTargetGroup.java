package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One existing AWS target group, its version carried in a label such as okra.mumo.co/version. Not
 * validated by the API server: a Cell ignores a bad one and says why, next to the good ones.
 */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
@JsonClassDescription("One existing AWS target group (usually one per cluster), with its version in a label such as"
    + " `okra.mumo.co/version`. Written by hand, by a pipeline, or by an AWSTargetGroupSet.")
public class AWSTargetGroup extends CustomResource<AWSTargetGroup.Spec, AWSTargetGroup.Status> implements Namespaced {

  @Override
  @JsonPropertyDescription("The target group.")
  public Spec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Reserved; Okra does not write it yet.")
  public Status getStatus() {
    return super.getStatus();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    @JsonPropertyDescription("The target group's ARN.")
    public String arn;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    @JsonPropertyDescription("Reserved.")
    public String phase;
    @JsonPropertyDescription("Reserved.")
    public String message;
    @JsonPropertyDescription("Reserved.")
    public String lastSyncTime;
  }
}
