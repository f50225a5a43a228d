package co.mumo.okra.discovery;

/** Label and annotation keys that discovery reads and writes, in one place so that code, docs and tests agree. */
public final class DiscoveryKeys {
  private DiscoveryKeys() {}

  /** ArgoCD reads Secrets with this label (value {@code cluster}) as cluster definitions. */
  public static final String ARGOCD_SECRET_TYPE = "argocd.argoproj.io/secret-type";
  public static final String ARGOCD_SECRET_TYPE_CLUSTER = "cluster";

  /** On Secrets a ClusterSet wrote: the ClusterSet's name. Used to list them; ownership is the ownerReference. */
  public static final String CLUSTER_SET = "okra.mumo.co/clusterset";
  /** On AWSTargetGroups an AWSTargetGroupSet wrote: the set's name. */
  public static final String TARGET_GROUP_SET = "okra.mumo.co/targetgroupset";

  /** Where a generated AWSTargetGroup came from, as labels (values fitted to 63 characters) ... */
  public static final String BINDING_CLUSTER = "okra.mumo.co/target-group-binding-cluster";
  public static final String BINDING_NAMESPACE = "okra.mumo.co/target-group-binding-namespace";
  public static final String BINDING_NAME = "okra.mumo.co/target-group-binding-name";
  /** ... and exactly, as {@code cluster/namespace/name}: what the planner reads back. */
  public static final String BINDING_SOURCE = "okra.mumo.co/target-group-binding";

  /** On Secrets a ClusterSet wrote: the EKS cluster's ARN. */
  public static final String EKS_CLUSTER_ARN = "okra.mumo.co/eks-cluster-arn";

  public static final String VERSION = "okra.mumo.co/version";
}
