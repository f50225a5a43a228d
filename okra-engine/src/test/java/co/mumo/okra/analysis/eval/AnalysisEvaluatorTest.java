package co.mumo.okra.analysis.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.analysis.eval.AnalysisDefinition.Mode;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.RunPhase;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Argo's verdict rules, driven pass by pass on a fake clock with scripted observations. */
class AnalysisEvaluatorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Runs passes at every due time, feeding the scripted results in order, until the run completes. */
  private static final class Driver {
    final AnalysisDefinition def;
    final Map<String, Deque<Observation>> script = new LinkedHashMap<>();
    final boolean roundTrip;
    RunStatus status = RunStatus.initial();
    Instant now = T0;
    int passes;

    Driver(String metricsYaml, Mode mode, boolean roundTrip) {
      this.def = AnalysisDefinition.of("spec", spec(metricsYaml), ArgSource.NONE, mode);
      this.roundTrip = roundTrip;
    }

    Driver(String metricsYaml) {
      this(metricsYaml, Mode.STEP, true);
    }

    Driver values(String metric, Object... results) {
      Deque<Observation> q = script.computeIfAbsent(metric, k -> new ArrayDeque<>());
      for (Object r : results) q.add(r instanceof Observation o ? o : Observation.Value.json(r));
      return this;
    }

    Evaluation pass(boolean terminate) {
      Evaluation e = AnalysisEvaluator.pass(def, status, now, terminate, m -> {
        Observation o = script.get(m.name()).poll();
        if (o == null) throw new AssertionError("no scripted value left for " + m.name() + " at " + now);
        return o;
      });
      // What the next pass reads back from the AnalysisRun: through Argo's JSON layout.
      status = roundTrip ? RunStatus.fromMap(Serialization.unmarshal(Serialization.asJson(e.status().toMap()), Map.class)) : e.status();
      passes++;
      return e;
    }

    RunStatus run() {
      for (int i = 0; i < 100; i++) {
        Evaluation e = pass(false);
        if (e.nextMeasurementAt().isEmpty()) {
          assertThat(status.completed()).as("a run with nothing due must be complete").isTrue();
          return status;
        }
        assertThat(e.nextMeasurementAt().get()).isAfterOrEqualTo(now);
        now = e.nextMeasurementAt().get();
      }
      throw new AssertionError("the run did not end");
    }

    MetricResult result(String metric) {
      return status.result(metric).orElseThrow();
    }
  }

  static Map<String, Object> spec(String yaml) {
    return Serialization.unmarshal(yaml, Map.class);
  }

  private static final String RATE = """
      metrics:
      - name: rate
        interval: 1m
        count: %d
        failureLimit: %d
        successCondition: result[0] >= 0.95
        provider: {prometheus: {address: http://p, query: q}}
      """;

  @Test
  void countMeasurementsOneIntervalApartThenSuccessful() {
    Driver d = new Driver(RATE.formatted(3, 0)).values("rate", List.of(0.99), List.of(0.97), List.of(0.96));
    RunStatus s = d.run();
    assertThat(s.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(d.now).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    MetricResult r = d.result("rate");
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.successful()).isEqualTo(3);
    assertThat(r.measurements()).extracting(Measurement::value).containsExactly("[0.99]", "[0.97]", "[0.96]");
    assertThat(r.measurements().get(0).message()).isEqualTo("result [0.99]: successCondition \"result[0] >= 0.95\" is true");
    assertThat(r.message()).isEqualTo("3 of 3 measurements successful");
  }

  @Test
  void failureLimitDefaultsToZeroSoOneFailureFailsTheRun() {
    Driver d = new Driver(RATE.formatted(3, 0)).values("rate", List.of(0.99), List.of(0.5));
    RunStatus s = d.run();
    assertThat(s.phase()).isEqualTo(RunPhase.FAILED);
    assertThat(s.message()).isEqualTo("Metric \"rate\" assessed Failed due to failed (1) > failureLimit (0): "
        + "result [0.5]: successCondition \"result[0] >= 0.95\" is false");
    assertThat(d.passes).isEqualTo(2);
  }

  @Test
  void failuresUpToTheLimitStillSucceed() {
    Driver d = new Driver(RATE.formatted(4, 2)).values("rate", List.of(0.5), List.of(0.99), List.of(0.5), List.of(0.99));
    assertThat(d.run().phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(d.result("rate").message()).isEqualTo("2 of 4 measurements successful, 2 failed (failureLimit 2)");

    Driver over = new Driver(RATE.formatted(4, 2)).values("rate", List.of(0.5), List.of(0.5), List.of(0.5));
    assertThat(over.run().phase()).isEqualTo(RunPhase.FAILED);
    assertThat(over.result("rate").failed()).isEqualTo(3);
  }

  @Test
  void failureLimitMinusOneNeverFails() {
    Driver d = new Driver(RATE.formatted(2, -1)).values("rate", List.of(0.1), List.of(0.1));
    assertThat(d.run().phase()).isEqualTo(RunPhase.SUCCESSFUL);
  }

  @Test
  void neitherConditionTrueIsInconclusive() {
    Driver d = new Driver("""
        metrics:
        - name: latency
          successCondition: result < 100
          failureCondition: result > 500
          provider: {web: {url: http://x}}
        """).values("latency", 300L);
    RunStatus s = d.run();
    assertThat(s.phase()).isEqualTo(RunPhase.INCONCLUSIVE);
    assertThat(s.message()).startsWith("Metric \"latency\" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)")
        .contains("successCondition \"result < 100\" is false and failureCondition \"result > 500\" is false");
  }

  @Test
  void onlyAFailureConditionMeansSuccessUnlessItHolds() {
    String yaml = """
        metrics:
        - name: errors
          failureCondition: result > 5
          provider: {web: {url: http://x}}
        """;
    assertThat(new Driver(yaml).values("errors", 1L).run().phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(new Driver(yaml).values("errors", 9L).run().phase()).isEqualTo(RunPhase.FAILED);
  }

  @Test
  void errorsDoNotCountAndMoreThanFourInARowErrorTheRun() {
    Driver d = new Driver(RATE.formatted(2, 0)).values("rate",
        new Observation.Error("connection refused"), List.of(0.99),
        new Observation.Error("timeout"), new Observation.Error("timeout"), new Observation.Error("timeout"),
        new Observation.Error("timeout"), new Observation.Error("timeout"));
    RunStatus s = d.run();
    assertThat(s.phase()).isEqualTo(RunPhase.ERROR);
    MetricResult r = d.result("rate");
    assertThat(r.count()).isEqualTo(1);
    assertThat(r.error()).isEqualTo(6);
    assertThat(r.consecutiveError()).isEqualTo(5);
    assertThat(s.message()).isEqualTo("Metric \"rate\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): timeout");
  }

  @Test
  void aSuccessResetsTheErrorStreakAndTheErrorRetryIntervalIsTenSecondsWithoutAnInterval() {
    Driver d = new Driver("""
        metrics:
        - name: up
          consecutiveErrorLimit: 1
          provider: {web: {url: http://x}}
        """).values("up", new Observation.Error("refused"), "ok");
    assertThat(d.run().phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(d.now).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void aRateLimitedMeasurementIsTakenAgainAtResumeAtAndNotCounted() {
    Driver d = new Driver(RATE.formatted(2, 0)).values("rate",
        new Observation.Later(T0.plusSeconds(25), "datadog: rate limited until 00:00:25"), List.of(0.99), List.of(0.99));
    Evaluation first = d.pass(false);
    assertThat(first.nextMeasurementAt()).contains(T0.plusSeconds(25));
    MetricResult r = d.result("rate");
    assertThat(r.count()).isZero();
    assertThat(r.error()).isZero();
    assertThat(r.measurements()).singleElement().satisfies(m -> {
      assertThat(m.phase()).isEqualTo(RunPhase.RUNNING);
      assertThat(m.resumeAt()).contains(T0.plusSeconds(25));
    });
    assertThat(d.run().phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(d.result("rate").measurements()).hasSize(2);
    assertThat(d.result("rate").measurements().get(0).startedAt()).isEqualTo(T0);
    assertThat(d.result("rate").measurements().get(0).finishedAt()).contains(T0.plusSeconds(25));
    assertThat(d.now).isEqualTo(T0.plusSeconds(85));
  }

  @Test
  void aConditionThatCannotBeEvaluatedIsAnErrorMeasurement() {
    Driver d = new Driver(RATE.formatted(1, 0).replace("  interval: 1m\n", "")).values("rate", List.of());
    d.pass(false);
    Measurement m = d.result("rate").last().orElseThrow();
    assertThat(m.phase()).isEqualTo(RunPhase.ERROR);
    // Argo's wording for an empty result; no value is stored for an Error measurement, as Argo stores none
    assertThat(m.message()).isEqualTo("result []: could not evaluate successCondition \"result[0] >= 0.95\": "
        + "metric result is nil or empty: no data returned from the metric provider");
    assertThat(m.value()).isNull();
  }

  @Test
  void dryRunMetricsAreRecordedButNeverDecide() {
    Driver d = new Driver("""
        dryRun:
        - metricName: exp.*
        metrics:
        - name: rate
          successCondition: result >= 0.95
          provider: {web: {url: http://x}}
        - name: experimental
          successCondition: result >= 0.95
          provider: {web: {url: http://y}}
        """).values("rate", 0.99).values("experimental", 0.1);
    RunStatus s = d.run();
    assertThat(s.phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(d.result("experimental").phase()).isEqualTo(RunPhase.FAILED);
    assertThat(d.result("experimental").dryRun()).isTrue();
    assertThat(s.toMap().get("dryRunSummary")).isEqualTo(Map.of("count", 1, "successful", 0, "failed", 1, "inconclusive", 0, "error", 0));
  }

  @Test
  void aFailingMetricEndsTheRunAndTheOthersCountAsSuccessful() {
    Driver d = new Driver("""
        metrics:
        - name: fast
          successCondition: result == 'ok'
          provider: {web: {url: http://x}}
        - name: slow
          initialDelay: 5m
          provider: {web: {url: http://y}}
        """).values("fast", "broken");
    RunStatus s = d.run();
    assertThat(s.phase()).isEqualTo(RunPhase.FAILED);
    assertThat(d.result("slow").phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(d.result("slow").message()).isEqualTo("run terminated before the first measurement");
    assertThat(d.passes).isEqualTo(1);
  }

  @Test
  void initialDelayCountsFromTheRunsStart() {
    Driver d = new Driver("""
        metrics:
        - name: slow
          initialDelay: 90s
          provider: {web: {url: http://y}}
        """).values("slow", 1L);
    Evaluation first = d.pass(false);
    assertThat(first.status().phase()).isEqualTo(RunPhase.RUNNING);
    assertThat(first.status().startedAt()).contains(T0);
    assertThat(first.nextMeasurementAt()).contains(T0.plusSeconds(90));
    assertThat(d.run().phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(d.result("slow").last().orElseThrow().startedAt()).isEqualTo(T0.plusSeconds(90));
  }

  @Test
  void aPassBeforeTheDueTimeMeasuresNothing() {
    Driver d = new Driver(RATE.formatted(3, 0)).values("rate", List.of(0.99), List.of(0.99));
    d.pass(false);
    d.now = T0.plusSeconds(59);
    Evaluation early = d.pass(false);
    assertThat(d.result("rate").count()).isEqualTo(1);
    assertThat(early.nextMeasurementAt()).contains(T0.plusSeconds(60));
    d.now = T0.plusSeconds(600); // a late pass (the CI job was queued) takes one measurement, not the missed ones
    d.pass(false);
    assertThat(d.result("rate").count()).isEqualTo(2);
  }

  @Test
  void withoutCountABackgroundMetricRunsUntilTerminated() {
    Driver d = new Driver("""
        metrics:
        - name: rate
          interval: 1m
          successCondition: result >= 0.95
          provider: {web: {url: http://x}}
        """, Mode.BACKGROUND, true).values("rate", 0.99, 0.98, 0.97);
    for (int i = 0; i < 3; i++) {
      Evaluation e = d.pass(false);
      assertThat(e.status().phase()).isEqualTo(RunPhase.RUNNING);
      d.now = e.nextMeasurementAt().orElseThrow();
    }
    Evaluation end = d.pass(true);
    assertThat(end.status().phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(end.status().message()).isEqualTo("Run Terminated");
    assertThat(end.nextMeasurementAt()).isEmpty();
    assertThat(d.result("rate").message()).isEqualTo("run terminated after 3 measurements, 3 successful");
  }

  @Test
  void measurementRetentionKeepsTheNewestButCountsAll() {
    Driver d = new Driver("""
        measurementRetention:
        - metricName: rate
          limit: 2
        metrics:
        - name: rate
          interval: 1s
          count: 5
          provider: {web: {url: http://x}}
        """).values("rate", 1L, 2L, 3L, 4L, 5L);
    d.run();
    assertThat(d.result("rate").measurements()).extracting(Measurement::value).containsExactly("4", "5");
    assertThat(d.result("rate").count()).isEqualTo(5);
  }

  @Test
  void theDefaultRetentionIsTen() {
    Driver d = new Driver(RATE.formatted(12, 0).replace("1m", "1s"));
    for (int i = 0; i < 12; i++) d.values("rate", List.of(1.0));
    d.run();
    assertThat(d.result("rate").measurements()).hasSize(10);
  }

  @Test
  void theStateSurvivesArgosJsonLayoutUnchanged() {
    Driver direct = new Driver(RATE.formatted(3, 1), Mode.STEP, false).values("rate", List.of(0.5), List.of(0.99), List.of(0.99));
    Driver viaJson = new Driver(RATE.formatted(3, 1), Mode.STEP, true).values("rate", List.of(0.5), List.of(0.99), List.of(0.99));
    assertThat(viaJson.run()).isEqualTo(direct.run());
  }

  @Test
  void theStatusIsInArgosLayout() {
    Driver d = new Driver(RATE.formatted(1, 0).replace("  interval: 1m\n", "")).values("rate", List.of(0.99));
    d.run();
    Map<String, Object> m = d.status.toMap();
    assertThat(m).containsEntry("phase", "Successful").containsKey("startedAt");
    @SuppressWarnings("unchecked")
    Map<String, Object> result = ((List<Map<String, Object>>) m.get("metricResults")).get(0);
    assertThat(result).containsEntry("name", "rate").containsEntry("phase", "Successful").containsEntry("count", 1)
        .containsEntry("successful", 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> measurement = ((List<Map<String, Object>>) result.get("measurements")).get(0);
    assertThat(measurement).containsEntry("phase", "Successful").containsEntry("value", "[0.99]")
        .containsEntry("startedAt", "2026-01-01T00:00:00Z").containsEntry("finishedAt", "2026-01-01T00:00:00Z");
  }

  @Test
  void aCompletedRunStaysAsItIs() {
    Driver d = new Driver(RATE.formatted(1, 0).replace("  interval: 1m\n", "")).values("rate", List.of(0.99));
    RunStatus done = d.run();
    assertThat(AnalysisEvaluator.due(d.def, done, T0.plusSeconds(3600), false)).isEmpty();
    assertThat(AnalysisEvaluator.next(d.def, done, T0.plusSeconds(3600), true, Map.of()).status()).isEqualTo(done);
  }

  // ---------------------------------------------------------------- definition and validation

  @Test
  void intervalWithoutCountInAStepIsRejected() {
    String yaml = """
        metrics:
        - name: rate
          interval: 5m
          provider: {web: {url: http://x}}
        """;
    assertThat(AnalysisDefinition.validate("spec.steps[2].analysis", spec(yaml), ArgSource.NONE, Mode.STEP))
        .containsExactly(new FieldError("spec.steps[2].analysis.metrics[0].count", "metric \"rate\" has an interval but no count:"
            + " in a step it would never end (add count, or run it as background analysis: canary.analysis)"));
    assertThat(AnalysisDefinition.validate("bg", spec(yaml), ArgSource.NONE, Mode.BACKGROUND)).isEmpty();
  }

  @Test
  void everyInvalidFieldIsNamed() {
    String yaml = """
        dryRun:
        - metricName: nothing-matches
        metrics:
        - name: a
          interval: soon
          count: 2
          failureLimit: 3
          successCondition: result >=
          provider: {web: {url: http://x}}
        - name: b
          count: 3
          provider: {}
        - name: a
          provider: {carrierPigeon: {}}
        """;
    assertThat(AnalysisDefinition.validate("s", spec(yaml), ArgSource.NONE, Mode.STEP)).extracting(FieldError::path)
        .containsExactly("s.dryRun[0].metricName", "s.metrics[0].interval", "s.metrics[0].successCondition",
            "s.metrics[0].count", "s.metrics[1].interval", "s.metrics[1].provider", "s.metrics[2].name",
            "s.metrics[2].provider.carrierPigeon");
  }

  @Test
  void argumentsAreSubstitutedAndSecretsMaskedInMessages() {
    Map<String, Object> runSpec = spec("""
        args:
        - name: service
        - name: version
          valueFrom: {fieldRef: {fieldPath: status.desiredVersion}}
        - name: token
          valueFrom: {secretKeyRef: {name: creds, key: token}}
        metrics:
        - name: "up-{{args.service}}"
          successCondition: "result == '{{ args.version }}'"
          provider: {web: {url: "http://x/{{args.service}}?token={{args.token}}"}}
        """);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> args = (List<Map<String, Object>>) runSpec.get("args");
    args.get(0).put("value", "checkout");
    ArgSource source = new ArgSource() {
      public Optional<String> secret(String name, String key) {
        return name.equals("creds") && key.equals("token") ? Optional.of("s3cr3t") : Optional.empty();
      }

      public Optional<String> field(String path) {
        return path.equals("status.desiredVersion") ? Optional.of("2.0.0") : Optional.empty();
      }
    };
    AnalysisDefinition def = AnalysisDefinition.of("spec", runSpec, source, Mode.STEP);
    Metric m = def.metrics().get(0);
    assertThat(m.name()).isEqualTo("up-checkout");
    assertThat(m.provider()).containsEntry("url", "http://x/checkout?token=s3cr3t");
    assertThat(m.successCondition().orElseThrow().text()).isEqualTo("result == '2.0.0'");
    Measurement failed = AnalysisEvaluator.measure(def, m, new Observation.Error("GET http://x/checkout?token=s3cr3t: 500"), T0);
    assertThat(failed.message()).isEqualTo("GET http://x/checkout?token=*****: 500");
  }

  @Test
  void argumentsWithoutValuesAndMissingSecretsAreNamed() {
    Map<String, Object> runSpec = spec("""
        args:
        - name: service
        - name: token
          valueFrom: {secretKeyRef: {name: creds, key: token}}
        metrics:
        - name: up
          provider: {web: {url: "http://x/{{args.service}}?t={{args.token}}"}}
        """);
    assertThatThrownBy(() -> AnalysisDefinition.of("spec", runSpec, ArgSource.NONE, Mode.STEP))
        .isInstanceOfSatisfying(InvalidAnalysisException.class, e -> assertThat(e.errors()).extracting(FieldError::toString)
            .containsExactly("spec.args[1].valueFrom.secretKeyRef: argument \"token\": Secret creds has no key \"token\" (or does not exist)",
                "spec.metrics[0]: {{args.service}} has no value (declare the argument and give it a value)",
                "spec.metrics[0]: {{args.token}} has no value (declare the argument and give it a value)"));
  }

  @Test
  void templatesMergeTheirMetricsAndArgs() {
    Map<String, Object> merged = AnalysisSpecs.merge("step", List.of(
        new AnalysisSpecs.Template("success-rate", spec("""
            args: [{name: service}]
            metrics: [{name: rate, provider: {web: {url: "http://x/{{args.service}}"}}}]
            """)),
        new AnalysisSpecs.Template("latency", spec("""
            args: [{name: service}, {name: threshold, value: "100"}]
            dryRun: [{metricName: latency}]
            metrics: [{name: latency, successCondition: "result < {{args.threshold}}", provider: {web: {url: http://y}}}]
            """))), List.of(Map.of("name", "service", "value", "web")));
    AnalysisDefinition def = AnalysisDefinition.of("step", merged, ArgSource.NONE, Mode.STEP);
    assertThat(def.metrics()).extracting(Metric::name).containsExactly("rate", "latency");
    assertThat(def.metric("latency").orElseThrow().dryRun()).isTrue();
    assertThat(def.args()).containsEntry("service", "web").containsEntry("threshold", "100");
  }

  @Test
  void mergingRejectsDuplicateMetricsConflictingArgsAndUnknownStepArgs() {
    var a = new AnalysisSpecs.Template("a", spec("""
        args: [{name: x, value: "1"}]
        metrics: [{name: rate, provider: {web: {url: http://x}}}]
        """));
    var b = new AnalysisSpecs.Template("b", spec("""
        args: [{name: x, value: "2"}]
        metrics: [{name: rate, provider: {web: {url: http://y}}}]
        """));
    assertThatThrownBy(() -> AnalysisSpecs.merge("step", List.of(a, b), List.of(Map.of("name", "nope", "value", "1"))))
        .isInstanceOfSatisfying(InvalidAnalysisException.class, e -> assertThat(e.errors()).extracting(FieldError::toString)
            .containsExactly(
                "step.templates[1]: metric \"rate\" is defined by both a and b (metric names must be unique across a step's templates)",
                "step.templates[1]: argument \"x\" has different values in the step's templates",
                "step.args[0].name: \"nope\" is not an argument of a, b (declared: x)"));
  }
}
