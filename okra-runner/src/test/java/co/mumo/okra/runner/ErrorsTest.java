package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.cell.SteeringRefusedException;
import co.mumo.okra.failure.Failure;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What a command that throws reads like: a bug is said to be one, bad input is not, and -v adds the trace. */
class ErrorsTest {
  @Command(name = "okra-runner")
  static final class Throwing implements Callable<Integer> {
    static RuntimeException next;

    @Option(names = {"-v", "--verbose"})
    boolean verbose;

    @Option(names = {"-o", "--output"})
    String output;

    @Override
    public Integer call() {
      throw next;
    }
  }

  record Run(int code, String out, String err) {}

  @Test
  void anUnexpectedExceptionIsReportedAsABugWithExitOneAndNoTrace() {
    Run run = run(new NullPointerException("status.targetGroups is null"));

    assertThat(run.code()).isEqualTo(ExitCodes.ERROR);
    assertThat(run.err().strip()).isEqualTo("okra-runner: internal error: java.lang.NullPointerException: status.targetGroups is null; "
        + "this is a bug in okra-runner: run again with -v for the stack trace, and report it");
  }

  @Test
  void anErrorIsABugNamedForItselfNotForPicoclisWrapper() {
    Failure f = Errors.classify(new CommandLine.ExecutionException(new CommandLine(new Throwing()), "x",
        new NoClassDefFoundError("com/google/re2j/PatternSyntaxException")));
    assertThat(f.kind()).isEqualTo(Failure.Kind.BUG);
    assertThat(f.cause()).isEqualTo("java.lang.NoClassDefFoundError: com/google/re2j/PatternSyntaxException");
  }

  @Test
  void illegalStateIsABugNotBadInput() {
    // Exit 2 says "fix your input": a broken invariant must not read that way.
    assertThat(run(new IllegalStateException("weights do not add up")).code()).isEqualTo(ExitCodes.ERROR);
    assertThat(run(new IllegalArgumentException("negative weight")).code()).isEqualTo(ExitCodes.ERROR);
    assertThat(Errors.classify(new IllegalArgumentException("x")).kind()).isEqualTo(Failure.Kind.BUG);
  }

  @Test
  void aCommandThatDoesNotApplyIsBadInput() {
    Run run = run(new SteeringRefusedException("no rollout in progress to promote (phase Succeeded)"));
    assertThat(run.code()).isEqualTo(ExitCodes.INVALID);
    assertThat(run.err().strip()).isEqualTo("okra-runner: no rollout in progress to promote (phase Succeeded)");
  }

  @Test
  void withVerboseTheTraceComesFirst() {
    Run run = run(new NullPointerException("boom"), "-v");
    assertThat(run.err()).contains("java.lang.NullPointerException: boom").contains("\tat ").contains("okra-runner: internal error");
  }

  @Test
  void withJsonTheBugIsAJsonObject() {
    Run run = run(new NullPointerException("boom"), "-o", "json");
    @SuppressWarnings("unchecked")
    Map<String, Object> error = Serialization.unmarshal(run.out().strip(), Map.class);
    assertThat(error).containsEntry("type", "error").containsEntry("kind", "bug").containsEntry("exitCode", 1)
        .containsEntry("where", "internal error");
    OutputSchema.assertValid(run.out());
  }

  private static Run run(RuntimeException thrown, String... args) {
    Throwing.next = thrown;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Throwing());
    cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    Errors errors = new Errors(Output.Format.requested(args), Clock.systemUTC());
    cli.setExecutionExceptionHandler(errors::execution);
    cli.setParameterExceptionHandler(errors::parameters);
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
