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
  /**
   * The forward weights the listener rule had on the ALB when this status was written, as the pass read
   * them (the condition TrafficSynced says whether they are what the Cell wants).
   */
  public List<TargetGroupWeight> albTargetGroups;
  /** Matching target groups that were ignored, with the reason. */
  public List<InvalidTargetGroup> invalidTargetGroups;
  public List<Condition> conditions;
  /** The analysis runs and experiments this rollout waits on, with each metric's verdict so far. */
  public List<AnalysisRunSummary> analysisRuns;
  public String lastSyncTime;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AnalysisRunSummary {
    public String name;
    /** AnalysisRun or Experiment. */
    public String kind;
    /** Argo's phase: Pending, Running, Successful, Failed, Error or Inconclusive. */
    public String phase;
    public String message;
    /** When Okra's evaluator takes the next measurement (absent when Argo Rollouts' controller judges the run). */
    public String nextMeasurementAt;
    public List<MetricSummary> metrics;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MetricSummary {
    public String name;
    public String phase;
    /** Measurements counted (errors are not), and how they came out. */
    public Integer count;
    public Integer successful;
    public Integer failed;
    public Integer inconclusive;
    public Integer error;
    /** The latest measurement's value. */
    public String lastValue;
    /** Why the latest measurement came out as it did: the value, the condition, its result. */
    public String lastReason;
    /** The metric's assessment, e.g. why it failed. */
    public String message;
  }

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
    /** {@code okra-runner cell retry} was recorded: the next pass removes the blocklist entry and forgets the failure. */
    public Boolean retryRequested;
  }
}
