package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import java.util.List;

/** Everything a rollout needs to resume lives here: the engine keeps nothing between passes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellStatus {
  public Long observedGeneration;
  /** Idle, Progressing, Paused, Succeeded, Failed or Invalid. */
  @PrinterColumn(name = "Phase", priority = 0)
  public String phase;
  public String message;
  @PrinterColumn(name = "Stable")
  public String stableVersion;
  @PrinterColumn(name = "Desired")
  public String desiredVersion;
  /** Index of the step being worked on; equal to the number of steps once all passed. */
  @PrinterColumn(name = "Step")
  public Integer currentStepIndex;
  public String currentStepStartedAt;
  /** Hash of the step list the rollout started with: a changed list restarts the steps. */
  public String stepsHash;
  /** Distinguishes attempts at the same version; part of the names of analysis runs. */
  public String rolloutId;
  public String pauseEndsAt;
  /** Set by {@code okra-runner cell pause}: no step advances until resumed. */
  public Boolean pausedByUser;
  /** Set by {@code okra-runner cell abort}: the next pass rolls back and blocks the version. */
  public String abortRequested;
  /** Set by {@code cell promote} while the background analysis is Inconclusive: go on despite it. */
  public Boolean backgroundAnalysisAccepted;
  public Failure failure;
  /** The forward weights this Cell wants on the rule now. */
  public List<TargetGroupWeight> targetGroups;
  /** Matching target groups that were ignored, with the reason. */
  public List<InvalidTargetGroup> invalidTargetGroups;
  public List<Condition> conditions;
  public String lastSyncTime;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TargetGroupWeight {
    public String name;
    public String arn;
    public String version;
    /** stable or canary. */
    public String role;
    public Integer weight;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class InvalidTargetGroup {
    public String name;
    public String reason;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Failure {
    public String version;
    public String cause;
    public String at;
    /** True once the VersionBlocklist entry is known to be written. */
    public Boolean blocklisted;
  }
}
