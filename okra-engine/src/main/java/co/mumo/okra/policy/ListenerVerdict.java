package co.mumo.okra.policy;

import java.util.Optional;

/**
 * The owner policy's answer for one rule: refused (with the field at fault and why), or allowed with
 * what the owner lets it do beyond holding its own rule.
 */
public record ListenerVerdict(Optional<Refusal> refusal, boolean adoptRules, boolean allowShadowing) {
  /** {@code field} is one of {@link #LISTENER} or {@link #PRIORITY}. */
  public record Refusal(String field, String message) {}

  public static final String LISTENER = "listener";
  public static final String PRIORITY = "priority";

  static ListenerVerdict refused(String field, String message) {
    return new ListenerVerdict(Optional.of(new Refusal(field, message)), false, false);
  }

  static ListenerVerdict allowed(ListenerGrant grant) {
    return new ListenerVerdict(Optional.empty(), grant.adoptRules(), grant.allowShadowing());
  }
}
