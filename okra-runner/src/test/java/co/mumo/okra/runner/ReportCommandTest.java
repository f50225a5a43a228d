package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.runner.demo.DemoWorld;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `okra-runner report` over JSON lines as `reconcile -o json` prints them (made by real passes over the demo world). */
class ReportCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Passes of the demo's 2.0.0 rollout up to the pass that starts its 20% step, one JSON line each, as Output prints them. */
  private Path canaryAt20() throws IOException {
    DemoWorld world = new DemoWorld();
    world.addVersion("1.0.0");
    List<String> lines = new ArrayList<>();
    CellReconciler.Options write = new CellReconciler.Options(false);
    lines.add(json(world.reconciler().reconcile(DemoWorld.NAMESPACE, DemoWorld.CELL, write)));
    world.addVersion("2.0.0");
    // The demo's steps open with a header route (step 1/6); the pass that starts the 20% step (2/6) is the last line.
    CellReconciler.PassResult pass;
    int passes = 0;
    do {
      world.clock().advance(Duration.ofSeconds(5));
      pass = world.reconciler().reconcile(DemoWorld.NAMESPACE, DemoWorld.CELL, write);
      lines.add(json(pass));
    } while (!Integer.valueOf(1).equals(pass.status().currentStepIndex) && ++passes < 10);
    lines.add("okra-runner: a line that is not JSON");
    Path file = dir.resolve("okra.jsonl");
    Files.write(file, lines);
    return file;
  }

  private static String json(CellReconciler.PassResult r) {
    return Serialization.asJson(Output.passJson(r)).replace("\n", "");
  }

  private int report(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "report";
    System.arraycopy(args, 0, all, 1, args.length);
    return OkraRunner.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  @Test
  void writesTheSummaryAndTheOutputsOfTheLastPass() throws IOException {
    Path input = canaryAt20();
    Path summary = dir.resolve("summary.md");
    Path outputs = dir.resolve("outputs");
    Files.writeString(outputs, "earlier=kept\n");

    assertThat(report("--input", input.toString(), "--exit-code", "0", "--markdown", summary.toString(), "--outputs", outputs.toString()))
        .as(err.toString()).isZero();

    assertThat(Files.readAllLines(outputs)).containsExactly("earlier=kept", "phase=Progressing", "version=2.0.0", "stable-version=1.0.0",
        "desired-version=2.0.0", "step=1", "weights={\"1.0.0\":80,\"2.0.0\":20}", "alb-weights={\"1.0.0\":100,\"2.0.0\":0}", "traffic-synced=false",
        "exit-code=0");
    String md = Files.readString(summary);
    assertThat(md).startsWith("### Okra: demo/web — Progressing\n");
    assertThat(md).contains("| version | 2.0.0 |", "| stable version | 1.0.0 |", "| outcome | done (exit 0) |",
        "| message | step 2/6 (setWeight 20): setting 2.0.0 to 20% |");
    assertThat(md).contains("| 1.0.0 | `████████████████░░░░` 80% | web-1-0-0-a 40, web-1-0-0-b 40 |",
        "| 2.0.0 | `████░░░░░░░░░░░░░░░░` 20% | web-2-0-0-a 10, web-2-0-0-b 10 |");
    assertThat(out.toString()).isEmpty(); // no annotation for a run that ended well
  }

  @Test
  void aDotenvReportForGitLab() throws IOException {
    Path env = dir.resolve("okra.env");

    report("--input", canaryAt20().toString(), "--exit-code", "5", "--dotenv", env.toString());

    assertThat(Files.readAllLines(env)).contains("OKRA_PHASE=Progressing", "OKRA_VERSION=2.0.0", "OKRA_STABLE_VERSION=1.0.0", "OKRA_EXIT_CODE=5");
  }

  @Test
  void aFailedRunGetsAnErrorAnnotationAndAPauseAWarning() throws IOException {
    Path input = canaryAt20();

    report("--input", input.toString(), "--exit-code", "3", "--annotations", "github");
    report("--input", input.toString(), "--exit-code", "5", "--annotations", "github");

    assertThat(out.toString().lines().toList()).containsExactly(
        "::error title=Okra::demo/web: rollout failed and was rolled back: step 2/6 (setWeight 20): setting 2.0.0 to 20%25",
        "::warning title=Okra::demo/web: waiting for a human (cell promote / resume / abort): step 2/6 (setWeight 20): setting 2.0.0 to 20%25");
  }

  @Test
  void anEmptyRunStillSaysWhatHappened() throws IOException {
    Path input = dir.resolve("empty.jsonl");
    Files.writeString(input, "okra-runner: Kubernetes API: connection refused\n");
    Path summary = dir.resolve("summary.md");

    report("--input", input.toString(), "--exit-code", "1", "--markdown", summary.toString(), "--annotations", "github");

    assertThat(Files.readString(summary)).contains("### Okra: okra — no pass", "| outcome | Kubernetes or AWS failed (or an internal error) (exit 1) |");
    assertThat(out.toString()).startsWith("::error title=Okra::okra: Kubernetes or AWS failed (or an internal error): the runner printed no pass");
  }

  @Test
  void aFailedRunsErrorLineIsItsMessage() throws IOException {
    Path input = dir.resolve("error.jsonl");
    Files.writeString(input, "{\"type\":\"error\",\"kind\":\"service\",\"exitCode\":1,\"message\":\"Kubernetes API server "
        + "https://10.0.0.1:6443 (get cells demo/web): connection refused; check that the cluster is up\",\"cause\":\"connection refused\"}\n");
    Path summary = dir.resolve("summary.md");

    report("--input", input.toString(), "--exit-code", "1", "--markdown", summary.toString(), "--annotations", "github");

    assertThat(Files.readString(summary)).contains("| message | Kubernetes API server https://10.0.0.1:6443 (get cells demo/web): connection refused;");
    assertThat(out.toString()).startsWith("::error title=Okra::okra: Kubernetes or AWS failed (or an internal error): Kubernetes API server "
        + "https://10.0.0.1:6443 (get cells demo/web): connection refused");
  }

  @Test
  void whatCellAndTemplateAuthorsWriteCannotFormatTheSummaryOrAddOutputs() throws IOException {
    String hostile = "a|b *bold* _u_ [link](http://e.example) ![img](http://e.example/i.png) <img src=x> &amp; `code` $x$ ~~s~~ # h"
        + "\u001b[31mred\r\n::set-output name=phase::Succeeded\u202eevil";
    String line = "{\"cell\":\"ns/web\",\"phase\":\"Failed\\nphase=Succeeded\",\"message\":" + Serialization.asJson(hostile)
        + ",\"stableVersion\":\"1.0.0\",\"desiredVersion\":\"2.0.0\",\"targetGroups\":[{\"name\":\"tg|<b>\",\"version\":\"1.0.0\","
        + "\"weight\":100}],\"actions\":[\"started run`<x>`\"]}";
    Path input = Files.writeString(dir.resolve("hostile.jsonl"), line + "\n");
    Path summary = dir.resolve("summary.md");
    Path outputs = dir.resolve("outputs");

    report("--input", input.toString(), "--exit-code", "3", "--markdown", summary.toString(), "--outputs", outputs.toString(),
        "--annotations", "github");

    String md = Files.readString(summary);
    assertThat(md).contains("| message | a\\|b \\*bold\\* \\_u\\_ \\[link\\](http://e.example) \\!\\[img\\](http://e.example/i.png) "
        + "&lt;img src=x&gt; &amp;amp; \\`code\\` \\$x\\$ \\~\\~s\\~\\~ \\# h␛\\[31mred␍␊::set-output name=phase::Succeeded\ufffdevil |");
    assertThat(md).startsWith("### Okra: ns/web — Failed␊phase=Succeeded\n");
    assertThat(md).contains("| 1.0.0 | `████████████████████` 100% | tg\\|&lt;b&gt; 100 |", "Analyses started in this run: run\\`&lt;x&gt;\\`");
    assertThat(md.chars().filter(c -> c < 0x20 && c != '\n')).as("no control character but the line ends").isEmpty();
    assertThat(Files.readAllLines(outputs)).as("one line per output; none added").hasSize(9).contains("phase=Failed␊phase=Succeeded");
    assertThat(out.toString().lines().toList()).as("one annotation line").singleElement().asString()
        .startsWith("::error title=Okra::ns/web: rollout failed").contains("%0D%0A::set-output").contains("␛[31m");
  }

  @Test
  void onlyGithubAnnotationsExist() {
    assertThat(report("--annotations", "teamcity")).isEqualTo(ExitCodes.INVALID);
  }
}
