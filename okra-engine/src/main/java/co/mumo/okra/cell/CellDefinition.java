package co.mumo.okra.cell;

import co.mumo.okra.core.Version;
import co.mumo.okra.rule.RuleConditions;
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
    boolean adoptUnownedRule,
    String stepsHash,
    List<ManagedRoute> managedRoutes) {

  public static final String DEFAULT_VERSION_LABEL = "okra.mumo.co/version";

  /** A header route the steps may set, and the priority of its rule (spec.ingress.awsApplicationLoadBalancer.managedRoutes). */
  public record ManagedRoute(String name, int priority) {}

  public CellDefinition {
    matchLabels = Map.copyOf(matchLabels);
    versionLabels = List.copyOf(versionLabels);
    steps = List.copyOf(steps);
    managedRoutes = List.copyOf(managedRoutes);
  }

  /** A Cell that declares no header route. */
  public CellDefinition(String namespace, String name, long generation, String listenerArn, int priority, RuleConditions conditions,
                        Map<String, String> matchLabels, List<String> versionLabels, int replicas, Optional<Version> pinnedVersion,
                        List<Step> steps, Optional<Step.Background> background, boolean adoptUnownedRule, String stepsHash) {
    this(namespace, name, generation, listenerArn, priority, conditions, matchLabels, versionLabels, replicas, pinnedVersion, steps,
        background, adoptUnownedRule, stepsHash, List.of());
  }

  /** For tests that build a definition without a Cell: the steps hash from Java's text of the step records. */
  public CellDefinition(String namespace, String name, long generation, String listenerArn, int priority, RuleConditions conditions,
                        Map<String, String> matchLabels, List<String> versionLabels, int replicas, Optional<Version> pinnedVersion,
                        List<Step> steps, Optional<Step.Background> background, boolean adoptUnownedRule) {
    this(namespace, name, generation, listenerArn, priority, conditions, matchLabels, versionLabels, replicas, pinnedVersion, steps,
        background, adoptUnownedRule, sha256(steps.toString() + background.map(Object::toString).orElse("")).substring(0, STEPS_HASH_LENGTH));
  }

  /** The declared route called {@code name}. */
  public Optional<ManagedRoute> route(String name) {
    return managedRoutes.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** This definition with {@code routes} declared, for tests that build one without a Cell. */
  public CellDefinition withManagedRoutes(List<ManagedRoute> routes) {
    return new CellDefinition(namespace, name, generation, listenerArn, priority, conditions, matchLabels, versionLabels, replicas,
        pinnedVersion, steps, background, adoptUnownedRule, stepsHash, routes);
  }

  /** Hex digits of the steps hash. */
  public static final int STEPS_HASH_LENGTH = 10;

  /** {@code namespace/name}, the key used in logs, tags and messages. */
  public String key() {
    return namespace + "/" + name;
  }

  /**
   * Whether {@code recorded} (the status's stepsHash) is the hash of these steps. {@link #stepsHash} is
   * the canonical JSON of the steps and background analysis as the user wrote them (see
   * {@code CellValidator}); releases before it recorded a hash of Okra's own step records, which is
   * accepted too, so that an upgrade does not restart the rollouts in flight.
   */
  public boolean sameSteps(Optional<String> recorded) {
    return recorded.isPresent() && (recorded.get().equals(stepsHash) || recorded.get().equals(legacyStepsHash()));
  }

  /** The hash releases up to 2026-12 recorded: Java's text of the step records (it moved when a record gained a field). */
  String legacyStepsHash() {
    return sha256(steps.toString() + background.map(Object::toString).orElse("")).substring(0, STEPS_HASH_LENGTH);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
