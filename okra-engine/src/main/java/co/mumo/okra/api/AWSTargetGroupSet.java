package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * TargetGroupBindings found in the workload clusters behind ArgoCD cluster Secrets, written as
 * AWSTargetGroups in the set's namespace. See docs/discovery.md for the naming rule.
 */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
public class AWSTargetGroupSet extends CustomResource<AWSTargetGroupSet.Spec, AWSTargetGroupSet.Status> implements Namespaced {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    /** Every generator is honoured; a binding selected by several of them yields one AWSTargetGroup. */
    public List<Generator> generators;
    public ResourceTemplate template;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Generator {
    public AwsEks awseks;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AwsEks {
    /** Labels on ArgoCD cluster Secrets in the set's namespace. */
    public LabelSelector clusterSelector;
    /** Labels on elbv2.k8s.aws/v1beta1 TargetGroupBindings in the selected clusters (empty: all). */
    public LabelSelector bindingSelector;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LabelSelector {
    public Map<String, String> matchLabels;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    public Long observedGeneration;
    /** Synced, PartiallySynced or Invalid. */
    @PrinterColumn(name = "Phase")
    public String phase;
    public String message;
    public List<ClusterStatus> clusters;
    @PrinterColumn(name = "TargetGroups")
    public Integer targetGroups;
    @PrinterColumn(name = "Unreachable")
    public Integer unreachableClusters;
    public List<Condition> conditions;
    public String lastSyncTime;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClusterStatus {
    /** The ArgoCD cluster Secret's name. */
    public String name;
    public Boolean reachable;
    public Integer bindings;
    public String message;
  }
}
