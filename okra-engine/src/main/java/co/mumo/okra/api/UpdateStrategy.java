package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdateStrategy {
  /** The values {@link #type} may take. */
  public enum Type { Canary }

  /** {@code Canary} (the default and the only strategy implemented). */
  @SchemaFrom(type = Type.class)
  @JsonPropertyDescription("`Canary` (the default and the only strategy).")
  public String type;

  @JsonPropertyDescription("The canary steps and an optional background analysis.")
  public Canary canary;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "!has(self.analysis) || !has(self.analysis.startingStep) || self.analysis.startingStep == 0"
      + " || (has(self.steps) && self.analysis.startingStep < size(self.steps))",
      message = "must be the index of a step (0 to the number of steps - 1)", fieldPath = ".analysis.startingStep")
  public static class Canary {
    @Size(max = 100)
    @JsonPropertyDescription("The steps, in order; each has exactly one of setWeight, pause, analysis, experiment or"
        + " setHeaderRoute. After the last, the new version gets 100%.")
    public List<CanaryStep> steps;

    /** Background analysis that runs alongside the steps from {@code startingStep}. */
    @JsonPropertyDescription("A background analysis, running alongside the steps from startingStep until the rollout ends; its failure"
        + " rolls back.")
    public BackgroundAnalysis analysis;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BackgroundAnalysis extends AnalysisSpec {
    @Min(0)
    @JsonPropertyDescription("Index of the step from which the background analysis runs (default 0).")
    public Integer startingStep;
  }
}
