package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellIngress {
  /** The values {@link #type} may take (the schema's enum; the field stays a string so that an old Cell still reads). */
  public enum Type { AWSApplicationLoadBalancer }

  @SchemaFrom(type = Type.class)
  @JsonPropertyDescription("`AWSApplicationLoadBalancer` (the default and the only type).")
  public String type;

  @Required
  @JsonPropertyDescription("The listener and the rule Okra manages on it.")
  public AwsApplicationLoadBalancer awsApplicationLoadBalancer;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!has(self.managedRoutes) || self.managedRoutes.all(r, self.managedRoutes.exists_one(o, o.name == r.name))",
      message = "each route's name appears once", fieldPath = ".managedRoutes")
  @ValidationRule(value = "!has(self.managedRoutes) || self.managedRoutes.all(r, self.managedRoutes.exists_one(o, o.priority == r.priority))",
      message = "each route needs a priority of its own", fieldPath = ".managedRoutes")
  @ValidationRule(value = "!has(self.managedRoutes) || self.managedRoutes.all(r, r.priority < self.listener.rule.priority)",
      message = "a route's priority must be a number below the Cell's own rule's (listener.rule.priority), so that ALB evaluates"
          + " the route's rule first", fieldPath = ".managedRoutes")
  public static class AwsApplicationLoadBalancer {
    @Required
    @Pattern("^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:listener/\\S+$")
    @JsonPropertyDescription("ARN of the ALB listener (`arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener/app/...`).")
    public String listenerARN;

    @Required
    @JsonPropertyDescription("The rule on that listener.")
    public Listener listener;

    @Required
    @JsonPropertyDescription("Which AWSTargetGroups in the Cell's namespace belong to the Cell.")
    public TargetGroupSelector targetGroupSelector;

    @Size(max = 10)
    @JsonPropertyDescription("Header routes the steps may set (setHeaderRoute), each a rule of its own on this listener at the priority"
        + " given here, which Okra creates, tags and removes (as Argo Rollouts' trafficRouting.managedRoutes, with a priority).")
    public List<ManagedRoute> managedRoutes;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TargetGroupSelector {
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Labels a target group must all carry (required, at least one, so that the Cell does not take every"
        + " target group in the namespace).")
    public Map<String, String> matchLabels;

    @Size(max = 10)
    @JsonPropertyDescription("Label keys to read a target group's version from, the first non-empty wins (default"
        + " `okra.mumo.co/version`). Versions are semver; a leading `v` is fine.")
    public List<@Size(min = 1, max = 317) String> versionLabels;
  }
}
