package co.mumo.okra.runner;

import co.mumo.okra.redaction.RedactingOutputStream;
import co.mumo.okra.redaction.RedactingWriter;
import co.mumo.okra.redaction.Secrets;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code okra-runner} command: one reconcile pass per call, for CI jobs, cron or a loop. */
@Command(name = "okra-runner", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
    versionProvider = VersionCommand.Provider.class,
    description = "Rolls traffic between Kubernetes clusters behind an AWS ALB, one stateless pass at a time.",
    footer = ExitCodes.HELP)
public final class OkraRunner implements Runnable {
  /**
   * The runner's one clock. Every command gets it through its {@link GlobalOptions} and hands it to
   * everything that needs the time; nothing else reads the system's (the engine's ArchitectureTest checks it).
   */
  static final Clock SYSTEM_CLOCK = Clock.systemUTC();
  static final String PKCS12_KEY_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";
  /** The subcommands, in help order (added by {@link #commandLine()}, not by the annotation: see {@link #commandLine(Clock, String...)}). */
  private static final List<Class<?>> SUBCOMMANDS = List.of(ReconcileCommand.class, CellCommand.class, AlbCommand.class, CrdsCommand.class,
      DemoCommand.class, ReportCommand.class, VersionCommand.class, DiscoverCommand.class, ClusterCommand.class, EksCommand.class,
      AnalysisCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try: okra-runner reconcile --cell NAME)");
  }

  /**
   * The process's own entry: stdout and stderr themselves go through the redaction, so that also what
   * libraries print (slf4j-simple's log lines, an SDK's debug output under -v) never shows a secret.
   */
  public static int execute(String... args) {
    RedactedStream stdout = RedactedStream.install(System.out, System::setOut);
    RedactedStream stderr = RedactedStream.install(System.err, System::setErr);
    try {
      return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    } finally {
      drain(stdout.redacting::drain);
      drain(stderr.redacting::drain);
    }
  }

  /** stdout or stderr behind {@link RedactingOutputStream}, installed once per JVM. */
  private static final class RedactedStream extends PrintStream {
    private final RedactingOutputStream redacting;

    private RedactedStream(RedactingOutputStream redacting) {
      super(redacting, true, StandardCharsets.UTF_8);
      this.redacting = redacting;
    }

    static RedactedStream install(PrintStream current, Consumer<PrintStream> set) {
      if (current instanceof RedactedStream r) return r;
      RedactedStream r = new RedactedStream(new RedactingOutputStream(current));
      set.accept(r);
      return r;
    }
  }

  /** Everything the command prints to {@code out} and {@code err} passes through {@link Secrets#redact}. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(out, err, SYSTEM_CLOCK, args);
  }

  /** As {@link #execute(PrintWriter, PrintWriter, String...)}, with the time read from {@code clock}. */
  static int execute(PrintWriter out, PrintWriter err, Clock clock, String... args) {
    RedactingWriter redactedOut = new RedactingWriter(out);
    RedactingWriter redactedErr = new RedactingWriter(err);
    try {
      return run(new PrintWriter(redactedOut, true), new PrintWriter(redactedErr, true), clock, args);
    } finally {
      drain(redactedOut::drain);
      drain(redactedErr::drain);
    }
  }

  private interface Drain {
    void run() throws IOException;
  }

  private static void drain(Drain d) {
    try {
      d.run();
    } catch (IOException e) {
      // stdout or stderr closed under us: nothing left to tell anyone.
    }
  }

  private static int run(PrintWriter out, PrintWriter err, Clock clock, String... args) {
    if (Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"))) {
      // Read by slf4j-simple when the first logger is made, which has not happened yet.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    }
    if (System.getProperty(PKCS12_KEY_ROUNDS) == null) {
      // fabric8 hands a kubeconfig's client key to TLS through an in-memory PKCS12 key store with a fixed
      // password: the 10,000 key-derivation rounds the JDK spends sealing and unsealing it there protect
      // nothing, and cost 40-90 ms of a cold start. The runner writes no key store; the rounds of a key
      // store that is read are the ones stored in it.
      System.setProperty(PKCS12_KEY_ROUNDS, "1");
    }
    Logging.initialise();
    CommandLine cli = commandLine(clock, args);
    cli.setOut(out).setErr(err);
    Errors errors = new Errors(Output.Format.requested(args), clock);
    cli.setExecutionExceptionHandler(errors::execution);
    cli.setParameterExceptionHandler(errors::parameters);
    cli.setExecutionStrategy(Deadlines::execute);
    return cli.execute(args);
  }

  /** The whole command tree: every subcommand (for help and the generated docs). */
  public static CommandLine commandLine() {
    return withSubcommands(SUBCOMMANDS, SYSTEM_CLOCK);
  }

  /**
   * The tree {@code args} can reach: when the first argument names a subcommand, only that one.
   * picocli reflects over every option of every command it is given, about 0.2 s on a cold JVM for
   * all of them, and a CI pass runs one; anything else (help, -V, a typo) gets the whole tree, so
   * parsing and messages are the same either way.
   */
  static CommandLine commandLine(Clock clock, String... args) {
    if (args.length > 0) {
      for (Class<?> c : SUBCOMMANDS) {
        Command command = c.getAnnotation(Command.class);
        if (c != CommandLine.HelpCommand.class && (command.name().equals(args[0]) || List.of(command.aliases()).contains(args[0]))) {
          return withSubcommands(List.of(c), clock);
        }
      }
    }
    return withSubcommands(SUBCOMMANDS, clock);
  }

  private static CommandLine withSubcommands(List<Class<?>> subcommands, Clock clock) {
    CommandLine cli = new CommandLine(new OkraRunner(), new WithClock(clock));
    for (Class<?> c : subcommands) cli.addSubcommand(c);
    CommandOptions.apply(cli);
    HelpLayout.install(cli);
    return cli;
  }

  /** picocli's factory, except that every command's {@link GlobalOptions} carries the runner's clock. */
  private record WithClock(Clock clock) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == GlobalOptions.class) return type.cast(new GlobalOptions(clock));
      return CommandLine.defaultFactory().create(type);
    }
  }

}
