package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A Kubernetes-style condition; {@code lastTransitionTime} only moves when {@code status} flips. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
  public String type;
  /** True, False or Unknown. */
  public String status;
  public String reason;
  public String message;
  public String lastTransitionTime;
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
