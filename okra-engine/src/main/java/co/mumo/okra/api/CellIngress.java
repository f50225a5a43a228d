package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellIngress {
  /** Only {@code AWSApplicationLoadBalancer} is supported. */
  public String type;
  public AwsApplicationLoadBalancer awsApplicationLoadBalancer;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AwsApplicationLoadBalancer {
    public String listenerARN;
    public Listener listener;
    public TargetGroupSelector targetGroupSelector;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TargetGroupSelector {
    public java.util.Map<String, String> matchLabels;
    /** Label keys to read a target group's version from, first non-empty wins. */
    public java.util.List<String> versionLabels;
  }
}
