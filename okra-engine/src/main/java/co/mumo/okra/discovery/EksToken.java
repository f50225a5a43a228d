package co.mumo.okra.discovery;

import java.time.Instant;

/** A bearer token for an EKS API server and when clients should stop using it. Never printed by toString. */
public record EksToken(String value, Instant expiresAt) {
  public static final String PREFIX = "k8s-aws-v1.";

  public boolean usableAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "EksToken[(redacted), expiresAt=" + expiresAt + "]";
  }
}
