package co.mumo.okra.runner;

import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.failure.Failure;
import co.mumo.okra.failure.Failures;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine;

/**
 * How a failed command reads: one line on stderr naming what failed (the API server or AWS endpoint,
 * the call, the resource), the cause and what to do; with {@code -o json} also one JSON object on
 * stdout. The exit code follows the kind: bad input or configuration 2, Kubernetes or AWS 1, a bug 1
 * (said to be one), --timeout 4. Stack traces only with -v.
 */
final class Errors {
  private final Output.Format format;
  private final Clock clock;

  Errors(Output.Format format, Clock clock) {
    this.format = format;
    this.clock = clock;
  }

  int execution(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
    if (verbose(parsed)) ex.printStackTrace(cli.getErr());
    if (ex instanceof Deadlines.Exceeded d) {
      Failure f = new Failure(Failure.Kind.SERVICE, "--timeout " + d.limit(), "reached; the command was stopped",
          "what the last pass recorded stays in the Cell's status, and the next run goes on from there");
      report(cli, "timeout", f, ExitCodes.TIMED_OUT);
      return ExitCodes.TIMED_OUT;
    }
    Failure f = classify(ex);
    int code = f.kind() == Failure.Kind.INPUT ? ExitCodes.INVALID : ExitCodes.ERROR;
    report(cli, f.kind().name().toLowerCase(), f, code);
    return code;
  }

  int parameters(CommandLine.ParameterException ex, String[] args) {
    CommandLine cli = ex.getCommandLine();
    String hint = "";
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      hint = "did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3)
          .map(s -> s.startsWith("-") ? s : cli.getCommandSpec().qualifiedName() + " " + s).toList()) + "?";
    }
    report(cli, "input", new Failure(Failure.Kind.INPUT, "", ex.getMessage(), hint), ExitCodes.INVALID);
    cli.getErr().println("Try '" + cli.getCommandSpec().qualifiedName() + " --help'.");
    cli.getErr().flush();
    return ExitCodes.INVALID;
  }

  static Failure classify(Throwable thrown) {
    // picocli hands over its own wrapper when the command threw an Error (a class missing from the jar, say).
    Throwable ex = thrown instanceof CommandLine.ExecutionException && thrown.getCause() != null ? thrown.getCause() : thrown;
    if (ex instanceof CellReconciler.CellNotFoundException || ex instanceof CommandLine.ParameterException) {
      return new Failure(Failure.Kind.INPUT, "", ex.getMessage(), "");
    }
    return Failures.of(ex);
  }

  private void report(CommandLine cli, String kind, Failure f, int code) {
    PrintWriter err = cli.getErr();
    err.println("okra-runner: " + f.line());
    err.flush();
    if (format == Output.Format.json) new Output(format, cli.getOut(), clock).error(kind, f, code);
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose") || p.hasMatchedOption("-v")) return true;
    }
    return false;
  }
}
