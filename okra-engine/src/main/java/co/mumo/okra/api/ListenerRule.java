package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** One non-default ALB listener rule: a priority, its conditions and a weighted forward action. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ListenerRule {
  public Integer priority;
  public List<String> hosts;
  public List<String> pathPatterns;
  public List<String> methods;
  public List<String> sourceIPs;
  public Map<String, List<String>> headers;
  public Map<String, String> queryStrings;
  public Forward forward;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Forward {
    public List<ForwardTargetGroup> targetGroups;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ForwardTargetGroup {
    public String name;
    public String arn;
    public Integer weight;

    public ForwardTargetGroup() {}

    public ForwardTargetGroup(String name, String arn, int weight) {
      this.name = name;
      this.arn = arn;
      this.weight = weight;
    }
  }
}
