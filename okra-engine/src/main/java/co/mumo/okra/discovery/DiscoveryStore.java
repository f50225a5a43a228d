package co.mumo.okra.discovery;

import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.ClusterSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The port to the management cluster for discovery: the sets, ArgoCD cluster Secrets and AWSTargetGroups. */
public interface DiscoveryStore {
  List<ClusterSet> clusterSets(String namespace);

  Optional<ClusterSet> clusterSet(String namespace, String name);

  List<AWSTargetGroupSet> targetGroupSets(String namespace);

  Optional<AWSTargetGroupSet> targetGroupSet(String namespace, String name);

  /** Secrets labelled as ArgoCD clusters, plus those labelled with {@code clusterSet}: every one a ClusterSet may own or collide with. */
  List<ObservedSecret> clusterSecrets(String namespace, String clusterSet);

  /** Secrets with all of {@code labels}, for AWSTargetGroupSets' cluster selectors. */
  List<ObservedSecret> secrets(String namespace, Map<String, String> labels);

  Optional<ObservedSecret> secret(String namespace, String name);

  void createSecret(ClusterSet owner, DesiredSecret secret);

  /** Sets labels and data as desired, and the desired annotations over the existing ones. */
  void updateSecret(ClusterSet owner, DesiredSecret secret);

  void deleteSecret(String namespace, String name);

  List<ObservedTargetGroup> targetGroups(String namespace);

  void createTargetGroup(AWSTargetGroupSet owner, DesiredTargetGroup targetGroup);

  void updateTargetGroup(AWSTargetGroupSet owner, DesiredTargetGroup targetGroup);

  void deleteTargetGroup(String namespace, String name);

  /** Writes the status over the latest copy (it only reports; nothing is decided from it). */
  void updateStatus(ClusterSet set, ClusterSet.Status status);

  void updateStatus(AWSTargetGroupSet set, AWSTargetGroupSet.Status status);
}
