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
import java.util.Map;

/**
 * TargetGroupBindings found in the workload clusters behind ArgoCD cluster Secrets, written as
 * AWSTargetGroups in the set's namespace. See docs/discovery.md for the naming rule.
 */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
@JsonClassDescription("TargetGroupBindings found in the workload clusters behind ArgoCD cluster Secrets, written as AWSTargetGroups in"
    + " the set's namespace, with the binding's labels (role, version).")
public class AWSTargetGroupSet extends CustomResource<AWSTargetGroupSet.Spec, AWSTargetGroupSet.Status> implements Namespaced {

  @Override
  @JsonPropertyDescription("Which clusters and bindings, and what to stamp on the AWSTargetGroups.")
  public Spec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("The last pass.")
  public Status getStatus() {
    return super.getStatus();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    /** Every generator is honoured; a binding selected by several of them yields one AWSTargetGroup. */
    @JsonPropertyDescription("Sources of bindings; a binding selected by several generators yields one AWSTargetGroup.")
    public List<Generator> generators;
    @JsonPropertyDescription("What every generated AWSTargetGroup gets.")
    public ResourceTemplate template;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Generator {
    @JsonPropertyDescription("EKS clusters reached through their ArgoCD cluster Secrets.")
    public AwsEks awseks;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AwsEks {
    /** Labels on ArgoCD cluster Secrets in the set's namespace. */
    @JsonPropertyDescription("Which ArgoCD cluster Secrets (in the set's namespace).")
    public LabelSelector clusterSelector;
    /** Labels on elbv2.k8s.aws/v1beta1 TargetGroupBindings in the selected clusters (empty: all). */
    @JsonPropertyDescription("Which elbv2.k8s.aws/v1beta1 TargetGroupBindings in those clusters (empty: all).")
    public LabelSelector bindingSelector;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LabelSelector {
    @JsonPropertyDescription("Labels the object must all carry.")
    public Map<String, String> matchLabels;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    @JsonPropertyDescription("The metadata.generation the last pass acted on.")
    public Long observedGeneration;
    /** Synced, PartiallySynced or Invalid. */
    @PrinterColumn(name = "Phase")
    @JsonPropertyDescription("Synced, PartiallySynced or Invalid.")
    public String phase;
    @JsonPropertyDescription("What the last pass found or did, in one sentence.")
    public String message;
    @JsonPropertyDescription("One entry per selected cluster.")
    public List<ClusterStatus> clusters;
    @PrinterColumn(name = "TargetGroups")
    @JsonPropertyDescription("AWSTargetGroups this set owns after the pass.")
    public Integer targetGroups;
    @PrinterColumn(name = "Unreachable")
    @JsonPropertyDescription("Selected clusters whose API did not answer.")
    public Integer unreachableClusters;
    @JsonPropertyDescription(Condition.LIST)
    public List<Condition> conditions;
    @JsonPropertyDescription("When the last pass wrote this status.")
    public String lastSyncTime;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClusterStatus {
    /** The ArgoCD cluster Secret's name. */
    @JsonPropertyDescription("The ArgoCD cluster Secret's name.")
    public String name;
    @JsonPropertyDescription("Whether the cluster's API answered.")
    public Boolean reachable;
    @JsonPropertyDescription("TargetGroupBindings selected there.")
    public Integer bindings;
    @JsonPropertyDescription("What went wrong, when something did.")
    public String message;
  }
}
