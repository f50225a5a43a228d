package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One canary step: exactly one of the fields is set. The schema has no room for other keys, so the
 * API server refuses an unknown step such as {@code stepWeight} (which the original docs used) under
 * kubectl's strict field validation, and otherwise prunes it and then refuses the empty step. Keys
 * that still arrive (a cluster with an older CRD) are kept so that Okra names them in its error.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.setWeight), has(self.pause), has(self.analysis), has(self.experiment), has(self.setHeaderRoute)]"
    + ".filter(k, k).size() == 1",
    message = "a step has exactly one of setWeight, pause, analysis, experiment or setHeaderRoute")
public class CanaryStep {
  /** A Go-style duration as Okra and Argo Rollouts read it: seconds, or numbers with h, m and s. */
  static final String DURATION = "^([0-9]+|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$";

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("The new version's share in percent (absolute, 0..100), split evenly over its target groups.")
  public Integer setWeight;

  @JsonPropertyDescription("Wait; without duration, until `okra-runner cell promote`.")
  public Pause pause;

  @JsonPropertyDescription("Create an Argo Rollouts AnalysisRun (or let Okra's evaluator judge it) and wait for its verdict; Failed or"
      + " Error rolls back, Inconclusive waits for a human.")
  public AnalysisSpec analysis;

  @JsonPropertyDescription("Create an Argo Rollouts Experiment and wait for its verdict.")
  public Experiment experiment;

  @JsonPropertyDescription("Send the requests that carry the given headers (and match the Cell's rule) to the new version alone, through"
      + " a second listener rule at the priority the route declares in `spec.ingress.awsApplicationLoadBalancer.managedRoutes`;"
      + " without `match`, remove that rule. Every header route is removed when the rollout ends, however it ends.")
  public SetHeaderRoute setHeaderRoute;

  private final Map<String, Object> unknownFields = new LinkedHashMap<>();

  @JsonAnySetter
  public void setUnknownField(String name, Object value) {
    unknownFields.put(name, value);
  }

  /** Keys that are not a known step kind, written back as they came so that nothing is lost. */
  @JsonAnyGetter
  @JsonIgnore
  public Map<String, Object> unknownFields() {
    return unknownFields;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!has(self.duration) || type(self.duration) != int || self.duration >= 0",
      message = "duration must not be negative", fieldPath = ".duration")
  public static class Pause {
    /** Seconds as a number, or a duration such as {@code 30s}, {@code 10m}, {@code 1h}. Absent: wait for promote. */
    // No pattern for the text form: the generator gives an int-or-string field no length bound, and without
    // one the API server prices a CEL regex over it above its budget. Okra's pass names a bad duration.
    @JsonPropertyDescription("Seconds as a number, or a duration such as `30s`, `10m`, `1h`.")
    public IntOrString duration;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Experiment {
    @Pattern(DURATION)
    @JsonPropertyDescription("How long the Experiment runs (e.g. `5m`); empty runs until its analyses finish.")
    public String duration;

    @Required
    @Size(min = 1, max = 10)
    @JsonPropertyDescription("The ReplicaSets the Experiment runs.")
    public List<ExperimentTemplate> templates;

    @Size(max = 10)
    @JsonPropertyDescription("Analyses run inside the Experiment.")
    public List<ExperimentAnalysis> analyses;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ExperimentTemplate {
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The template's name within the Experiment.")
    public String name;

    /** Name of an apps/v1 ReplicaSet in the Cell's namespace whose pod template is used. */
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Name of an apps/v1 ReplicaSet in the Cell's namespace whose selector and pod template are used.")
    public String specRef;

    @Min(0)
    @JsonPropertyDescription("Pods to run (default 1).")
    public Integer replicas;

    @JsonPropertyDescription("Passed to Argo Rollouts as the template's traffic weight.")
    public Integer weight;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ExperimentAnalysis {
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The analysis's name within the Experiment.")
    public String name;

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The AnalysisTemplate (or ClusterAnalysisTemplate) to run.")
    public String templateName;

    @JsonPropertyDescription("Use a ClusterAnalysisTemplate.")
    public Boolean clusterScope;

    @Size(max = AnalysisSpec.MAX_ARGS)
    @JsonPropertyDescription(AnalysisSpec.ARGS)
    public List<AnalysisSpec.Arg> args;

    @JsonPropertyDescription("The Experiment ends when this analysis ends.")
    public Boolean requiredForCompletion;
  }

  /** Argo Rollouts' {@code setHeaderRoute}: a route named in {@code managedRoutes}, and the headers that select it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SetHeaderRoute {
    @Required
    @Size(min = 1, max = ManagedRoute.MAX_NAME)
    @JsonPropertyDescription("The route's name, as declared in `spec.ingress.awsApplicationLoadBalancer.managedRoutes`.")
    public String name;

    @Size(max = 5)
    @JsonPropertyDescription("Headers a request must all carry (one http-header condition each, on top of the Cell's own conditions);"
        + " absent or empty removes the route.")
    public List<HeaderRoutingMatch> match;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.headerName.lowerAscii() != 'host'", message = "ALB matches the Host header with a host condition,"
      + " not an http-header one: put it in the Cell's listener.rule.hosts", fieldPath = ".headerName")
  public static class HeaderRoutingMatch {
    @Required
    @Size(min = 1, max = 40)
    @Pattern(HeaderRoutingMatch.TOKEN)
    @JsonPropertyDescription("The header's name (at most 40 characters of RFC 7230's token, no wildcards, not `Host`; ALB compares it"
        + " case-insensitively).")
    public String headerName;

    @Required
    @JsonPropertyDescription("The value to match: exactly one of `exact` or `prefix` (ALB compares case-insensitively).")
    public StringMatch headerValue;

    /** RFC 7230's token characters without {@code *}: ALB takes no wildcard in a header's name. */
    static final String TOKEN = "^[-!#$%&'+.^_`|~0-9A-Za-z]+$";
  }

  /** Argo's StringMatch. ALB matches header values with {@code *} and {@code ?} wildcards, so a regex cannot be expressed. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!has(self.regex)", message = "ALB header conditions take wildcards, not regular expressions: write"
      + " `exact: VALUE`, or `prefix: VALUE` (matched as VALUE*)", fieldPath = ".regex")
  @ValidationRule(value = "[has(self.exact), has(self.prefix), has(self.regex)].filter(k, k).size() == 1",
      message = "set exactly one of exact or prefix")
  @ValidationRule(value = "!has(self.exact) || !(self.exact.contains('*') || self.exact.contains('?'))", message = "ALB reads * and ?"
      + " in a header value as wildcards and has no escape for them: an exact value cannot contain them", fieldPath = ".exact")
  @ValidationRule(value = "!has(self.prefix) || !(self.prefix.contains('*') || self.prefix.contains('?'))", message = "ALB reads * and"
      + " ? in a header value as wildcards and has no escape for them: a prefix cannot contain them", fieldPath = ".prefix")
  public static class StringMatch {
    @Size(min = 1, max = 128)
    @JsonPropertyDescription("The whole value (at most 128 characters, no `*` or `?`).")
    public String exact;

    @Size(max = 127)
    @JsonPropertyDescription("The value's beginning (at most 127 characters, no `*` or `?`); sent to ALB as `PREFIX*`.")
    public String prefix;

    @Size(max = 128)
    @JsonPropertyDescription("Not supported with an ALB (it matches wildcards, not regular expressions): refused.")
    public String regex;
  }
}
