package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** The desired listener rule and weights; a Cell owns the one named after it. */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
public class AWSApplicationLoadBalancerConfig
    extends CustomResource<AWSApplicationLoadBalancerConfig.Spec, AWSApplicationLoadBalancerConfig.Status>
    implements Namespaced {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    public String listenerARN;
    public Listener listener;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    public Long observedGeneration;
    /** Applied or Error. */
    @PrinterColumn(name = "Phase")
    public String phase;
    public String message;
    public String ruleARN;
    /** The forward weights as last written to (or found on) the ALB. */
    public List<ListenerRule.ForwardTargetGroup> appliedTargetGroups;
    public String lastAppliedTime;
    public String lastSyncTime;
  }
}
