package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** One non-default ALB listener rule: a priority, its conditions and a weighted forward action. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = ListenerRule.CONDITION_VALUES + " >= 1",
    message = "needs at least one condition (hosts, pathPatterns, methods, sourceIPs, headers or queryStrings)")
@ValidationRule(value = ListenerRule.CONDITION_VALUES + " <= 5",
    message = "ALB allows at most 5 condition values per rule (each host, path, method, source IP, header value and query pair counts)")
public class ListenerRule {
  /** ALB's count of condition values, in CEL: what {@code rule.RuleConditions.valueCount()} counts. */
  static final String CONDITION_VALUES = "(has(self.hosts) ? size(self.hosts) : 0) + (has(self.pathPatterns) ? size(self.pathPatterns) : 0)"
      + " + (has(self.methods) ? size(self.methods) : 0) + (has(self.sourceIPs) ? size(self.sourceIPs) : 0)"
      + " + (has(self.headers) ? self.headers.map(h, size(self.headers[h])).sum() : 0)"
      + " + (has(self.queryStrings) ? size(self.queryStrings) : 0)";

  @Required
  @Min(1)
  @Max(50_000)
  @JsonPropertyDescription("The rule's priority on the listener (1..50000); together with the listener it identifies the rule.")
  public Integer priority;

  @Size(max = 5)
  @JsonPropertyDescription("Host-header condition values (e.g. `example.com`, `*.example.com`).")
  public List<String> hosts;

  @Size(max = 5)
  @JsonPropertyDescription("Path-pattern condition values (e.g. `/api/*`).")
  public List<String> pathPatterns;

  @Size(max = 5)
  @JsonPropertyDescription("HTTP request method condition values (e.g. `GET`).")
  public List<String> methods;

  @Size(max = 5)
  @JsonPropertyDescription("Source-IP condition values, in CIDR notation.")
  public List<String> sourceIPs;

  @Size(max = 5)
  @JsonPropertyDescription("HTTP header conditions, header name to the values that match.")
  public Map<String, List<String>> headers;

  @Size(max = 5)
  @JsonPropertyDescription("Query-string conditions, key to value.")
  public Map<String, String> queryStrings;

  @JsonPropertyDescription("The weighted forward action. On a Cell it is ignored (the Cell computes it; the original Okra's"
      + " manifests wrote `forward: {}`).")
  public Forward forward;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Forward {
    @Size(max = 5)
    @JsonPropertyDescription("The target groups and their weights (at most 5; weights total 100).")
    public List<ForwardTargetGroup> targetGroups;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ForwardTargetGroup {
    @JsonPropertyDescription("Name of the AWSTargetGroup, for people; ALB only sees the ARN.")
    public String name;

    @Required
    @JsonPropertyDescription("The target group's ARN.")
    public String arn;

    @Required
    @Min(0)
    @Max(100)
    @JsonPropertyDescription("The target group's weight, 0..100.")
    public Integer weight;

    public ForwardTargetGroup() {}

    public ForwardTargetGroup(String name, String arn, int weight) {
      this.name = name;
      this.arn = arn;
      this.weight = weight;
    }
  }
}
