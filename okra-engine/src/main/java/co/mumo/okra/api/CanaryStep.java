package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One canary step: exactly one of the fields is set. Unknown keys (for example {@code stepWeight},
 * which the original docs used) are kept so that Okra can name them in a validation error instead
 * of the API server silently dropping them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
public class CanaryStep {
  public Integer setWeight;
  public Pause pause;
  public AnalysisSpec analysis;
  public Experiment experiment;

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
  public static class Pause {
    /** Seconds as a number, or a duration such as {@code 30s}, {@code 10m}, {@code 1h}. Absent: wait for promote. */
    public IntOrString duration;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Experiment {
    public String duration;
    public List<ExperimentTemplate> templates;
    public List<ExperimentAnalysis> analyses;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ExperimentTemplate {
    public String name;
    /** Name of an apps/v1 ReplicaSet in the Cell's namespace whose pod template is used. */
    public String specRef;
    public Integer replicas;
    public Integer weight;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ExperimentAnalysis {
    public String name;
    public String templateName;
    public Boolean clusterScope;
    public List<AnalysisSpec.Arg> args;
    public Boolean requiredForCompletion;
  }
}
