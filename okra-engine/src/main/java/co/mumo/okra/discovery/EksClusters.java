package co.mumo.okra.discovery;

import java.util.List;
import java.util.Optional;

/** The port to EKS: the clusters of the account and region, described. */
public interface EksClusters {
  /** Every cluster (all pages of ListClusters), each described; clusters deleted in between are left out. */
  List<EksCluster> clusters();

  Optional<EksCluster> cluster(String name);
}
