package co.mumo.okra.cell;

import co.mumo.okra.alb.RuleConditions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Cell as the engine sees it: validated, defaulted, free of Kubernetes and AWS types. */
public record CellDefinition(
    String namespace,
    String name,
    long generation,
    String listenerArn,
    int priority,
    RuleConditions conditions,
    Map<String, String> matchLabels,
    List<String> versionLabels,
    int replicas,
    Optional<Version> pinnedVersion,
    List<Step> steps,
    Optional<Step.Background> background,
    boolean adoptUnownedRule) {

  public static final String DEFAULT_VERSION_LABEL = "okra.mumo.co/version";

  public CellDefinition {
    matchLabels = Map.copyOf(matchLabels);
    versionLabels = List.copyOf(versionLabels);
    steps = List.copyOf(steps);
  }

  /** {@code namespace/name}, the key used in logs, tags and messages. */
  public String key() {
    return namespace + "/" + name;
  }

  /** Changes whenever the step list changes, so that a rollout restarts its steps (as Argo does). */
  public String stepsHash() {
    return sha256(steps.toString() + background.map(Object::toString).orElse("")).substring(0, 10);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
