package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An analysis step: Argo Rollouts templates plus arguments, as in a Rollout's canary steps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisSpec {
  public List<TemplateRef> templates;
  public List<Arg> args;
  /**
   * Who judges this analysis: {@code okra} (Okra measures on each pass) or {@code argo} (Argo Rollouts'
   * controller). Unset: the Cell's annotation okra.mumo.co/analysis-evaluator, else the runner's
   * --analysis-evaluator (default argo).
   */
  public String evaluator;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TemplateRef {
    public String templateName;
    /** Use a ClusterAnalysisTemplate instead of a namespaced AnalysisTemplate. */
    public Boolean clusterScope;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Arg {
    public String name;
    public String value;
    public ValueFrom valueFrom;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ValueFrom {
    public FieldRef fieldRef;
    public SecretKeyRef secretKeyRef;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class FieldRef {
    /** A dotted path into the Cell, e.g. {@code status.desiredVersion}. */
    public String fieldPath;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretKeyRef {
    public String name;
    public String key;
  }
}
