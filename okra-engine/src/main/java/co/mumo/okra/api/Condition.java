package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A Kubernetes-style condition; {@code lastTransitionTime} only moves when {@code status} flips. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
  static final String LIST = "Kubernetes-style conditions; lastTransitionTime moves only when a condition's status flips.";

  @JsonPropertyDescription("The condition's type (e.g. Ready, Progressing).")
  public String type;
  /** True, False or Unknown. */
  @JsonPropertyDescription("True, False or Unknown.")
  public String status;
  @JsonPropertyDescription("A CamelCase reason.")
  public String reason;
  @JsonPropertyDescription("The reason in words.")
  public String message;
  @JsonPropertyDescription("When status last changed.")
  public String lastTransitionTime;
  @JsonPropertyDescription("The generation the condition was computed from.")
  public Long observedGeneration;

  public Condition() {}

  public Condition(String type, String status, String reason, String message, String lastTransitionTime, Long observedGeneration) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
    this.lastTransitionTime = lastTransitionTime;
    this.observedGeneration = observedGeneration;
  }
}
