package co.mumo.okra.runner;

import co.mumo.okra.testsupport.AwsFixture;
import co.mumo.okra.testsupport.MotoServer;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the shaded jar, once, against the real API server and moto. The jar leaves out
 * the fabric8 model groups the runner does not use (okra-runner/pom.xml); a command that reached one
 * would fail here with a NoClassDefFoundError rather than in a user's pipeline.
 */
class RunnerJarIT {
  private static final List<String> LINKAGE = List.of("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError",
      "LinkageError", "ExceptionInInitializerError");
  private static TestKube kube;
  private static MotoServer moto;
  private static AwsFixture aws;
  private static String ns;

  @BeforeAll
  static void aCellOnAnAlb() {
    kube = TestKube.start();
    moto = MotoServer.shared();
    moto.reset();
    aws = new AwsFixture(moto.endpoint());
    ns = kube.freshNamespace("jar");
    AwsFixture.Alb alb = aws.createAlb(2);
    OkraObjects objects = new OkraObjects(kube.client());
    objects.webCell(ns, alb.listenerArn(), 10, "- setWeight: 50\n- pause: {}\n");
    objects.targetGroup(ns, "web-1", alb.targetGroupArns().get(0), "1.0.0");
    objects.analysisTemplate(ns, "success-rate", "version");
  }

  @AfterAll
  static void close() {
    aws.close();
    kube.close();
  }

  /** Runs the shaded jar with the test servers' connection options; the exit code it must give. */
  private String run(int exitCode, String... args) {
    return check(RunnerProcess.start(kube, moto, args), exitCode, String.join(" ", args));
  }

  private String runExactly(int exitCode, String... args) {
    return check(RunnerProcess.startExactly(List.of(args)), exitCode, String.join(" ", args));
  }

  /** Every command runs, and every problem is reported at the end, not only the first. */
  private final SoftAssertions softly = new SoftAssertions();

  private String check(RunnerProcess process, int exitCode, String what) {
    int code = process.waitFor(120);
    String output = process.output();
    softly.assertThat(output).as(what).doesNotContain(LINKAGE);
    softly.assertThat(code).as(what + "\n" + output).isEqualTo(exitCode);
    return output;
  }

  @TempDir
  Path dir;

  @Test
  void everyCommandRunsFromTheShadedJar() throws Exception {
    softly.assertThat(runExactly(ExitCodes.OK, "version")).startsWith("okra-runner ");
    softly.assertThat(runExactly(ExitCodes.OK, "crds", "print")).contains("CustomResourceDefinition", "cells.okra.mumo.co");
    run(ExitCodes.OK, "crds", "apply");
    softly.assertThat(runExactly(ExitCodes.OK, "demo", "--fast")).contains("3.0.0");

    // A rollout: the first version at once, then 2.0.0 to 50% and a pause for a human.
    run(ExitCodes.OK, "reconcile", "--cell", "web", "-n", ns);
    new OkraObjects(kube.client()).targetGroup(ns, "web-2", aws.createAlb(1).targetGroupArns().get(0), "2.0.0");
    String json = run(ExitCodes.NEEDS_HUMAN, "reconcile", "--cell", "web", "-n", ns, "--wait", "--timeout", "1m", "-o", "json");
    run(ExitCodes.OK, "reconcile", "--all", "-n", ns, "--analysis-evaluator", "okra", "--dry-run");
    softly.assertThat(run(ExitCodes.OK, "cell", "get", "-n", ns)).contains("web");
    softly.assertThat(run(ExitCodes.OK, "cell", "describe", "web", "-n", ns)).contains("2.0.0");
    run(ExitCodes.OK, "cell", "pause", "web", "-n", ns);
    run(ExitCodes.OK, "cell", "resume", "web", "-n", ns);
    run(ExitCodes.OK, "cell", "promote", "web", "-n", ns);
    run(ExitCodes.OK, "cell", "abort", "web", "-n", ns);
    run(ExitCodes.INVALID, "cell", "retry", "web", "-n", ns); // nothing failed: refused, after reading the Cell
    run(ExitCodes.OK, "alb", "apply", "web", "-n", ns);

    Path log = Files.writeString(dir.resolve("okra.jsonl"), json);
    Path summary = dir.resolve("summary.md");
    runExactly(ExitCodes.OK, "report", "--input", log.toString(), "--exit-code", "5", "--markdown", summary.toString());
    softly.assertThat(Files.readString(summary)).contains(ns + "/web");

    // Discovery, ArgoCD cluster Secrets, EKS tokens and Okra's own analysis run.
    run(ExitCodes.OK, "discover", "-n", ns, "--dry-run");
    run(ExitCodes.OK, "cluster", "create", "--eks-cluster", "blue", "--endpoint", "https://127.0.0.1:1", "--ca-data", "Y2E=", "-n", ns);
    softly.assertThat(run(ExitCodes.OK, "cluster", "list", "-n", ns)).contains("blue");
    // Would read the workload cluster's TargetGroupBindings with an EKS token, but EKS knows no cluster blue with
    // that endpoint: no token is sent (exit 1, as documented).
    softly.assertThat(run(ExitCodes.ERROR, "cluster", "bindings", "blue", "-n", ns)).contains("no token is sent to another server");
    run(ExitCodes.OK, "cluster", "delete", "blue", "-n", ns);
    softly.assertThat(run(ExitCodes.OK, "eks", "token", "--cluster-name", "blue")).contains("ExecCredential");
    // One measurement (the template's Prometheus is not there): still running without --wait, so exit 4.
    softly.assertThat(run(ExitCodes.TIMED_OUT, "analysis", "run", "--template", "success-rate", "--arg", "version=2.0.0", "-n", ns,
        "--name", "smoke")).contains("/smoke] Running");
    softly.assertAll();
  }
}
