package co.mumo.okra.rule;

/** One target group of a weighted forward action. */
public record TargetWeight(String arn, int weight) {
  public TargetWeight {
    if (arn == null || arn.isBlank()) throw new IllegalArgumentException("target group ARN is empty");
    if (weight < 0 || weight > 999) throw new IllegalArgumentException("ALB weights are 0..999, got " + weight);
  }
}
