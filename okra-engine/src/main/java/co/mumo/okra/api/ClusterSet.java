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
 * EKS clusters selected by tag, written as ArgoCD cluster Secrets in the ClusterSet's namespace
 * (which is therefore ArgoCD's). See docs/discovery.md.
 */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
@JsonClassDescription("EKS clusters selected by tag, written as ArgoCD cluster Secrets in the ClusterSet's namespace (ArgoCD's), so"
    + " that an ApplicationSet deploys to new clusters as they appear.")
public class ClusterSet extends CustomResource<ClusterSet.Spec, ClusterSet.Status> implements Namespaced {

  @Override
  @JsonPropertyDescription("Which clusters, and what to stamp on their Secrets.")
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
    /** Every generator is honoured: a cluster matching any of them gets a Secret. */
    @JsonPropertyDescription("Sources of clusters; a cluster matching any of them gets a Secret.")
    public List<Generator> generators;
    @JsonPropertyDescription("What every generated Secret gets.")
    public ResourceTemplate template;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Generator {
    @JsonPropertyDescription("EKS clusters of the runner's AWS account and region.")
    public AwsEks awseks;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AwsEks {
    @JsonPropertyDescription("Which EKS clusters.")
    public Selector selector;
    /** IAM role the Secret's awsAuthConfig assumes to reach the cluster (optional). */
    @JsonPropertyDescription("IAM role the Secret's awsAuthConfig assumes to reach the cluster (optional).")
    public String roleARN;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Selector {
    /** A cluster matches when every tag here is present with an equal value. */
    @JsonPropertyDescription("A cluster matches when it has every tag here with an equal value.")
    public Map<String, String> matchTags;
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
    /** EKS clusters that matched, by name. */
    @JsonPropertyDescription("EKS clusters that matched, by name.")
    public List<String> clusters;
    @PrinterColumn(name = "Clusters")
    @JsonPropertyDescription("How many clusters matched.")
    public Integer matchedClusters;
    /** Secrets this ClusterSet owns after the pass. */
    @PrinterColumn(name = "Secrets")
    @JsonPropertyDescription("Secrets this ClusterSet owns after the pass.")
    public Integer secrets;
    /** Matched clusters that are not ACTIVE yet (CREATING, PENDING): picked up by a later pass. */
    @JsonPropertyDescription("Matched clusters that are not ACTIVE yet (CREATING, PENDING); a later pass picks them up.")
    public List<String> pendingClusters;
    @JsonPropertyDescription(Condition.LIST)
    public List<Condition> conditions;
    @JsonPropertyDescription("When the last pass wrote this status.")
    public String lastSyncTime;
  }
}
