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
 * EKS clusters selected by tag, written as ArgoCD cluster Secrets in the ClusterSet's namespace
 * (which is therefore ArgoCD's). See docs/discovery.md.
 */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
public class ClusterSet extends CustomResource<ClusterSet.Spec, ClusterSet.Status> implements Namespaced {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    /** Every generator is honoured: a cluster matching any of them gets a Secret. */
    public List<Generator> generators;
    public ResourceTemplate template;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Generator {
    public AwsEks awseks;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AwsEks {
    public Selector selector;
    /** IAM role the Secret's awsAuthConfig assumes to reach the cluster (optional). */
    public String roleARN;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Selector {
    /** A cluster matches when every tag here is present with an equal value. */
    public Map<String, String> matchTags;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status {
    public Long observedGeneration;
    /** Synced, PartiallySynced or Invalid. */
    @PrinterColumn(name = "Phase")
    public String phase;
    public String message;
    /** EKS clusters that matched, by name. */
    public List<String> clusters;
    @PrinterColumn(name = "Clusters")
    public Integer matchedClusters;
    /** Secrets this ClusterSet owns after the pass. */
    @PrinterColumn(name = "Secrets")
    public Integer secrets;
    /** Matched clusters that are not ACTIVE yet (CREATING, PENDING): picked up by a later pass. */
    public List<String> pendingClusters;
    public List<Condition> conditions;
    public String lastSyncTime;
  }
}
