package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** The desired listener rule and weights; a Cell owns the one named after it. */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
@JsonClassDescription("The desired listener rule and weights. Each Cell writes the one named after it before changing the ALB, and"
    + " records there what it applied; `okra-runner alb apply NAME` applies one by itself.")
public class AWSApplicationLoadBalancerConfig
    extends CustomResource<AWSApplicationLoadBalancerConfig.Spec, AWSApplicationLoadBalancerConfig.Status>
    implements Namespaced {

  @Override
  @JsonPropertyDescription("The rule to have on the listener.")
  public Spec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What was last applied.")
  public Status getStatus() {
    return super.getStatus();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    @JsonPropertyDescription("ARN of the ALB listener.")
    public String listenerARN;
    @JsonPropertyDescription("The rule on that listener.")
    public Listener listener;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    @JsonPropertyDescription("The metadata.generation the last apply acted on.")
    public Long observedGeneration;
    /** Applied or Error. */
    @PrinterColumn(name = "Phase")
    @JsonPropertyDescription("Applied or Error.")
    public String phase;
    @JsonPropertyDescription("What the last apply found or did, in one sentence.")
    public String message;
    @JsonPropertyDescription("ARN of the listener rule.")
    public String ruleARN;
    /** The forward weights as last written to (or found on) the ALB. */
    @JsonPropertyDescription("The forward weights as last written to (or found on) the ALB.")
    public List<ListenerRule.ForwardTargetGroup> appliedTargetGroups;
    @JsonPropertyDescription("When the rule was last changed on the ALB.")
    public String lastAppliedTime;
    @JsonPropertyDescription("When the status was last written.")
    public String lastSyncTime;
  }
}
