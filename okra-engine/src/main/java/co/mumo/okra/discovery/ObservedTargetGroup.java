package co.mumo.okra.discovery;

import java.util.Map;
import java.util.Optional;

/** An AWSTargetGroup in the set's namespace, with the name of the AWSTargetGroupSet in its ownerReferences, if any. */
public record ObservedTargetGroup(String name, Map<String, String> labels, Map<String, String> annotations, String arn,
                                  Optional<String> ownerSet) {
  public ObservedTargetGroup {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }

  public boolean ownedBy(String set) {
    return ownerSet.filter(set::equals).isPresent();
  }

  /** The source cluster, from the exact annotation, else the label. */
  public Optional<String> sourceCluster() {
    return BindingSource.parse(annotations.get(DiscoveryKeys.BINDING_SOURCE)).map(BindingSource::cluster)
        .or(() -> Optional.ofNullable(labels.get(DiscoveryKeys.BINDING_CLUSTER)));
  }
}
