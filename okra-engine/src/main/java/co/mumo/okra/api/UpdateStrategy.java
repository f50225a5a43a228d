package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdateStrategy {
  /** {@code Canary} (the default and the only strategy implemented). */
  public String type;
  public Canary canary;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Canary {
    public List<CanaryStep> steps;
    /** Background analysis that runs alongside the steps from {@code startingStep}. */
    public BackgroundAnalysis analysis;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BackgroundAnalysis extends AnalysisSpec {
    public Integer startingStep;
  }
}
