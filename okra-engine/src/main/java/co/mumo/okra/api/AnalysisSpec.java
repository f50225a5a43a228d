package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** An analysis step: Argo Rollouts templates plus arguments, as in a Rollout's canary steps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisSpec {
  static final String ARGS = "Arguments for the templates; each must be declared by one of them, and each declared argument without"
      + " a default needs one here.";

  /** Far more than a template declares; a bound, so that the API server can price the schema's rules. */
  static final int MAX_ARGS = 50;

  /** The values {@link #evaluator} may take. */
  public enum EvaluatorName { okra, argo }

  @Required
  @Size(min = 1, max = 10)
  @JsonPropertyDescription("Argo Rollouts templates whose metrics are merged into one AnalysisRun.")
  public List<TemplateRef> templates;

  @Size(max = MAX_ARGS)
  @JsonPropertyDescription(ARGS)
  public List<Arg> args;

  /**
   * Who judges this analysis: {@code okra} (Okra measures on each pass) or {@code argo} (Argo Rollouts'
   * controller). Unset: the Cell's annotation okra.mumo.co/analysis-evaluator, else the runner's
   * --analysis-evaluator (default argo).
   */
  @SchemaFrom(type = EvaluatorName.class)
  @JsonPropertyDescription("Who judges this analysis: `okra` (Okra measures on each pass) or `argo` (Argo Rollouts' controller)."
      + " Unset: the Cell's annotation `okra.mumo.co/analysis-evaluator`, else the runner's `--analysis-evaluator` (default `argo`).")
  public String evaluator;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TemplateRef {
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Name of an AnalysisTemplate in the Cell's namespace (or of a ClusterAnalysisTemplate with clusterScope).")
    public String templateName;

    /** Use a ClusterAnalysisTemplate instead of a namespaced AnalysisTemplate. */
    @JsonPropertyDescription("Use the ClusterAnalysisTemplate of that name instead of a namespaced AnalysisTemplate.")
    public Boolean clusterScope;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!(has(self.value) && has(self.valueFrom))", message = "set either value or valueFrom, not both")
  public static class Arg {
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The argument's name, as the template declares it.")
    public String name;

    @JsonPropertyDescription("A literal value.")
    public String value;

    @JsonPropertyDescription("Where the value comes from instead of value; exactly one of fieldRef or secretKeyRef.")
    public ValueFrom valueFrom;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "has(self.fieldRef) != has(self.secretKeyRef)", message = "set exactly one of fieldRef or secretKeyRef")
  public static class ValueFrom {
    @JsonPropertyDescription("A field of the Cell, read when the run is created.")
    public FieldRef fieldRef;

    @JsonPropertyDescription("A key of a Secret in the Cell's namespace; passed to Argo Rollouts as a reference, never read by Okra"
        + " unless Okra's evaluator judges the analysis.")
    public SecretKeyRef secretKeyRef;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class FieldRef {
    /** A dotted path into the Cell, e.g. {@code status.desiredVersion}. */
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("Dotted path into the Cell, e.g. `status.desiredVersion` (the version under test) or `metadata.name`.")
    public String fieldPath;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretKeyRef {
    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The Secret's name.")
    public String name;

    @Required
    @Size(min = 1)
    @JsonPropertyDescription("The key in the Secret.")
    public String key;
  }
}
