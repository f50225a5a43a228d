package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Everything a rollout needs to resume lives here: the engine keeps nothing between passes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellStatus {
  @JsonPropertyDescription("The metadata.generation the last pass acted on.")
  public Long observedGeneration;
  @JsonPropertyDescription("Idle, Progressing, Paused, Promoting, Succeeded, RollingBack, Failed or Invalid."
      + " Succeeded and Failed only once the listener rule was seen carrying the final weights.")
  public String phase;
  @JsonPropertyDescription("What the last pass found or did, in one sentence.")
  public String message;
  @JsonPropertyDescription("The version that had all the traffic before the rollout.")
  public String stableVersion;
  @JsonPropertyDescription("The version being rolled out (the target of `fieldPath: status.desiredVersion`).")
  public String desiredVersion;
  /** Index of the step being worked on; equal to the number of steps once all passed. */
  @JsonPropertyDescription("Index of the step being worked on; equal to the number of steps once all passed.")
  public Integer currentStepIndex;
  @JsonPropertyDescription("When the current step began (pauses count from here).")
  public String currentStepStartedAt;
  /** Hash of the step list the rollout started with: a changed list restarts the steps. */
  @JsonPropertyDescription("Hash of the step list the rollout started with; a changed list restarts the steps.")
  public String stepsHash;
  /** Distinguishes attempts at the same version; part of the names of analysis runs. */
  @JsonPropertyDescription("Tells attempts at the same version apart; part of the names of AnalysisRuns and Experiments.")
  public String rolloutId;
  @JsonPropertyDescription("When the current timed pause ends.")
  public String pauseEndsAt;
  /** Set by {@code okra-runner cell pause}: no step advances until resumed. */
  @JsonPropertyDescription("Set by `okra-runner cell pause`; no step advances until `cell resume`.")
  public Boolean pausedByUser;
  /** Set by {@code okra-runner cell abort}: the next pass rolls back and blocks the version. */
  @JsonPropertyDescription("Set by `okra-runner cell abort` (the reason); the next pass rolls back and blocks the version.")
  public String abortRequested;
  /** Set by {@code cell promote} while the background analysis is Inconclusive: go on despite it. */
  @JsonPropertyDescription("Set by `okra-runner cell promote` on an Inconclusive background analysis, so the rollout goes on without it.")
  public Boolean backgroundAnalysisAccepted;
  @JsonPropertyDescription("The last failed rollout.")
  public Failure failure;
  /** The forward weights this Cell wants on the rule now. */
  @JsonPropertyDescription("The forward weights the Cell wants on the rule now.")
  public List<TargetGroupWeight> targetGroups;
  /**
   * The forward weights the listener rule had on the ALB when this status was written, as the pass read
   * them (the condition TrafficSynced says whether they are what the Cell wants).
   */
  @JsonPropertyDescription("The forward weights the listener rule had on the ALB when this status was written, as the pass read them"
      + " (TrafficSynced says whether they are what the Cell wants).")
  public List<TargetGroupWeight> albTargetGroups;
  /** The header routes (setHeaderRoute) the rollout wants on the listener now, each a rule of its own. */
  @JsonPropertyDescription("The header routes (setHeaderRoute) the rollout wants on the listener now, each a rule of its own forwarding"
      + " to the new version alone (TrafficSynced says whether the ALB has them); absent when none.")
  public List<HeaderRoute> headerRoutes;
  /** Matching target groups that were ignored, with the reason. */
  @JsonPropertyDescription("Target groups that match the selector but were ignored, with the reason (e.g. no version label, no ARN).")
  public List<InvalidTargetGroup> invalidTargetGroups;
  @JsonPropertyDescription(Condition.LIST)
  public List<Condition> conditions;
  /** The analysis runs and experiments this rollout waits on, with each metric's verdict so far. */
  @JsonPropertyDescription("The analysis runs and experiments the rollout waits on (the current step's and the background one), with"
      + " each metric's verdict so far.")
  public List<AnalysisRunSummary> analysisRuns;
  /** The latest rollouts, oldest first, written with the pass that starts or ends one: what `cell history` shows. */
  @JsonPropertyDescription("The latest rollouts (at most 10, oldest first), recorded by the pass that started or ended each: what"
      + " `okra-runner cell history` shows.")
  public List<RolloutRecord> history;
  /** The moments people are told of (Paused, Failed, Succeeded), and how far telling them got: see docs/architecture.md. */
  @JsonPropertyDescription("Notifications of the moments a human is needed or a rollout ended (Paused, Failed, Succeeded), newest last"
      + " (at most 5): recorded by the status write that made the transition, sent by a runner started with --notify.")
  public List<Notification> notifications;
  @JsonPropertyDescription("When the last pass wrote this status.")
  public String lastSyncTime;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AnalysisRunSummary {
    @JsonPropertyDescription("The AnalysisRun's or Experiment's name.")
    public String name;
    /** AnalysisRun or Experiment. */
    @JsonPropertyDescription("AnalysisRun or Experiment.")
    public String kind;
    /** Argo's phase: Pending, Running, Successful, Failed, Error or Inconclusive. */
    @JsonPropertyDescription("Argo's phase: Pending, Running, Successful, Failed, Error or Inconclusive.")
    public String phase;
    @JsonPropertyDescription("The run's verdict in words (e.g. which metric failed and why).")
    public String message;
    /** When Okra's evaluator takes the next measurement (absent when Argo Rollouts' controller judges the run). */
    @JsonPropertyDescription("When Okra's evaluator takes the next measurement (absent when Argo Rollouts' controller judges the run).")
    public String nextMeasurementAt;
    @JsonPropertyDescription("One entry per metric.")
    public List<MetricSummary> metrics;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MetricSummary {
    @JsonPropertyDescription("The metric's name in the template.")
    public String name;
    @JsonPropertyDescription("The metric's verdict so far.")
    public String phase;
    /** Measurements counted (errors are not), and how they came out. */
    @JsonPropertyDescription("Measurements counted (errors are not).")
    public Integer count;
    @JsonPropertyDescription("Measurements that met the success condition.")
    public Integer successful;
    @JsonPropertyDescription("Measurements that failed.")
    public Integer failed;
    @JsonPropertyDescription("Measurements that were inconclusive.")
    public Integer inconclusive;
    @JsonPropertyDescription("Measurements that could not be taken.")
    public Integer error;
    /** The latest measurement's value. */
    @JsonPropertyDescription("The latest measurement's value.")
    public String lastValue;
    /** Why the latest measurement came out as it did: the value, the condition, its result. */
    @JsonPropertyDescription("Why the latest measurement came out as it did, e.g. `result 0.07: successCondition \"result[0] < 0.05\" is false`.")
    public String lastReason;
    /** The metric's assessment, e.g. why it failed. */
    @JsonPropertyDescription("The metric's assessment, e.g. `failed (2) > failureLimit (1)`.")
    public String message;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TargetGroupWeight {
    @JsonPropertyDescription("The AWSTargetGroup's name.")
    public String name;
    @JsonPropertyDescription("Its ARN.")
    public String arn;
    @JsonPropertyDescription("Its version.")
    public String version;
    /** stable or canary. */
    @JsonPropertyDescription("`stable` or `canary`.")
    public String role;
    @JsonPropertyDescription("Its weight, 0..100.")
    public Integer weight;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HeaderRoute {
    @JsonPropertyDescription("The route's name (managedRoutes).")
    public String name;
    @JsonPropertyDescription("The priority of its rule.")
    public Integer priority;
    @JsonPropertyDescription("The http-header conditions added to the Cell's own, as ALB matches them (`*` and `?` are wildcards).")
    public List<HeaderValue> match;
    @JsonPropertyDescription("Where its rule forwards: the new version's target groups.")
    public List<TargetGroupWeight> targetGroups;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HeaderValue {
    @JsonPropertyDescription("The header's name.")
    public String headerName;
    @JsonPropertyDescription("The value ALB matches (an exact value, or a prefix followed by `*`).")
    public String value;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class InvalidTargetGroup {
    @JsonPropertyDescription("The AWSTargetGroup's name.")
    public String name;
    @JsonPropertyDescription("Why it was ignored.")
    public String reason;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Failure {
    @JsonPropertyDescription("The version that failed.")
    public String version;
    @JsonPropertyDescription("Why (e.g. the failed AnalysisRun and its message).")
    public String cause;
    @JsonPropertyDescription("When.")
    public String at;
    /** True once the VersionBlocklist entry is known to be written. */
    @JsonPropertyDescription("True once the VersionBlocklist entry is known to be written.")
    public Boolean blocklisted;
    /** {@code okra-runner cell retry} was recorded: the next pass removes the blocklist entry and forgets the failure. */
    @JsonPropertyDescription("`okra-runner cell retry` was recorded: the version counts as unblocked, and the next pass removes its"
        + " blocklist entry, then forgets the failure.")
    public Boolean retryRequested;
  }

  /** One rollout as `cell history` lists it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RolloutRecord {
    @JsonPropertyDescription("The version rolled out.")
    public String version;
    @JsonPropertyDescription("The version that had the traffic before (absent for the first version).")
    public String from;
    @JsonPropertyDescription("The rollout's id (absent when the version took the traffic at once, without steps).")
    public String rolloutId;
    @JsonPropertyDescription("When the rollout started.")
    public String startedAt;
    @JsonPropertyDescription("When it ended (absent while it runs).")
    public String endedAt;
    @JsonPropertyDescription("Progressing, Succeeded, Failed, Aborted, Superseded (a newer version or changed steps replaced it),"
        + " FirstVersion, FellBack or ManualRollback.")
    public String outcome;
    @JsonPropertyDescription("How it ended, in words (e.g. the failed analysis).")
    public String message;
  }

  /** One transition to tell people of, and who has been told (webhooks by id, never by URL: a URL can hold a secret). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Notification {
    @JsonPropertyDescription("Names the notification (sent along as its id, so a receiver can drop a repeat).")
    public String id;
    @JsonPropertyDescription("Paused (waiting for `cell promote` or `cell abort`), Failed (rolled back) or Succeeded.")
    public String event;
    @JsonPropertyDescription("The version it is about: the one rolled out (Paused, Failed) or now stable (Succeeded).")
    public String version;
    @JsonPropertyDescription("The stable version at the time.")
    public String stableVersion;
    @JsonPropertyDescription("The Cell's status message at the time.")
    public String message;
    @JsonPropertyDescription("When the transition was recorded.")
    public String at;
    @JsonPropertyDescription("A runner is sending it until then (its claim, written before sending); once past, another runner may.")
    public String claimedUntil;
    @JsonPropertyDescription("How many times a runner claimed it to send it (at most 3).")
    public Integer attempts;
    @JsonPropertyDescription("The webhooks (by the first hex digits of the SHA-256 of their URL) that accepted it.")
    public List<String> sentTo;
  }
}
