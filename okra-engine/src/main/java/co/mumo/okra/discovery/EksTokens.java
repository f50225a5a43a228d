package co.mumo.okra.discovery;

import java.util.Optional;

/** Makes EKS tokens: what {@code aws eks get-token} does, in-process. */
public interface EksTokens {
  EksToken token(String clusterName, Optional<String> roleArn);
}
