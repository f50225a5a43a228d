package co.mumo.okra.runner;

import co.mumo.okra.core.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/**
 * {@code --timeout} as a hard deadline, whatever the command is waiting on: a command that has one
 * runs on a worker thread, and when the deadline (and a second's grace, for the command's own report)
 * has passed, it is interrupted and the runner exits 4. The command's own loop stops at the deadline
 * and says what it was waiting for; this catches the rest (a call that hangs, retries that outlast it).
 */
final class Deadlines {
  static final Duration GRACE = Duration.ofSeconds(1);

  private Deadlines() {}

  /** A command with a --timeout; empty when it has none or it does not parse (the command reports that). */
  interface Bounded {
    Optional<Duration> timeout();
  }

  /** The deadline passed before the command finished. */
  static final class Exceeded extends RuntimeException {
    private final String limit;

    Exceeded(String limit) {
      super("--timeout " + limit + " reached", null, false, false);
      this.limit = limit;
    }

    String limit() {
      return limit;
    }
  }

  static int execute(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) leaf = leaf.subcommand();
    Object command = leaf.commandSpec().userObject();
    boolean help = leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested();
    Optional<Duration> limit = !help && command instanceof Bounded b ? b.timeout() : Optional.empty();
    if (limit.isEmpty()) return new CommandLine.RunLast().execute(parsed);
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "okra-command");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<Integer> run = worker.submit(() -> new CommandLine.RunLast().execute(parsed));
      try {
        return run.get(limit.get().plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException late) {
        run.cancel(true);
        throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), "timed out",
            new Exceeded(Durations.format(limit.get())));
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof RuntimeException r) throw r;
        throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), String.valueOf(failed.getCause()), failed.getCause());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        run.cancel(true);
        throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), "interrupted", interrupted);
      }
    } finally {
      worker.shutdownNow();
    }
  }
}
