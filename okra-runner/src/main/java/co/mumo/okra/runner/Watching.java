package co.mumo.okra.runner;

import co.mumo.okra.core.Durations;
import co.mumo.okra.runner.watch.ChangeWatches;
import co.mumo.okra.runner.watch.ContinuousLoop;
import co.mumo.okra.runner.watch.HealthServer;
import co.mumo.okra.runner.watch.LeaseElection;
import co.mumo.okra.runner.watch.Wakeups;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * The continuous mode of a command: its watches, the Lease, the loop, the health endpoints, and a
 * shutdown hook that lets the pass in progress finish and releases the Lease before the JVM exits.
 */
final class Watching {
  /** How long SIGTERM waits for the pass in progress (Kubernetes' grace period usually ends it first). */
  private static final Duration STOP_WITHIN = Duration.ofMinutes(5);

  private Watching() {}

  /** What the command brings: its default Lease name and resync, its watches, and its pass. */
  record Mode(String what, String defaultLease, Duration defaultResync, Function<Wakeups, ChangeWatches> watches, ContinuousLoop.Pass pass) {}

  static int run(CommandLine cli, Clients clients, WatchOptions options, Mode mode, Output out) throws InterruptedException {
    Duration leaseDuration = duration(cli, "--lease-duration", options.leaseDuration);
    Duration resync = options.resync == null ? mode.defaultResync() : duration(cli, "--resync", options.resync);
    Duration settle = duration(cli, "--settle", options.settle);
    if (options.healthPort != null && (options.healthPort < 0 || options.healthPort > 65535)) {
      throw new CommandLine.ParameterException(cli, "--health-port: must be 0..65535, got " + options.healthPort);
    }
    LeaseElection.Settings leaseSettings;
    ContinuousLoop.Settings loopSettings;
    try {
      leaseSettings = LeaseElection.Settings.of(options.leaseNamespace != null ? options.leaseNamespace : clients.namespace(),
          options.leaseName != null ? options.leaseName : mode.defaultLease(), LeaseElection.Settings.newIdentity(), leaseDuration);
      loopSettings = new ContinuousLoop.Settings(resync, settle);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, e.getMessage());
    }
    Wakeups wakeups = new Wakeups();
    try (ChangeWatches watches = mode.watches().apply(wakeups);
         LeaseElection lease = new LeaseElection(clients.kube(), leaseSettings, clients.clock(), wakeups::poke)) {
      ContinuousLoop loop = new ContinuousLoop(lease, wakeups, mode.pass(), loopSettings, new ContinuousLoop.Listener() {
        @Override
        public void leading(boolean leading, Optional<String> holder) {
          out.event("lease", leading
              ? "holding the Lease " + leaseSettings.key() + " as " + leaseSettings.identity() + ": " + mode.what()
              : "standing by (" + leaseSettings.identity() + "): the Lease " + leaseSettings.key() + " is held by "
                  + holder.filter(h -> !h.equals(leaseSettings.identity())).orElse("another runner, or no one yet"));
        }

        @Override
        public void passed(ContinuousLoop.Trigger trigger, ContinuousLoop.Result result) {
          String next = result.nextIn().filter(d -> d.compareTo(resync) < 0).map(d -> "next pass in " + Durations.format(d))
              .orElse("next pass on a change or in " + Durations.format(resync));
          out.event("pass", "pass (" + trigger + ")" + (result.failed() ? " failed for some objects" : " done") + "; " + next);
        }
      });
      HealthServer health = options.healthPort == null ? null
          : HealthServer.start(options.healthPort, () -> loop.alive() && watches.running(), loop::ready, loop::readiness);
      // The JVM exits when its shutdown hooks return: this one returns once the command has said it stopped.
      CountDownLatch done = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        loop.stop();
        try {
          done.await(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "okra-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      out.event("watch", "watching " + mode.what() + "; standing by for the Lease " + leaseSettings.key()
          + (health == null ? "" : "; health endpoints on port " + health.port()));
      try {
        loop.run();
        out.event("stopped", "stopped; the Lease " + leaseSettings.key() + " is released");
      } finally {
        if (health != null) health.close();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // The JVM is shutting down: the hook is what stopped the loop.
        }
        done.countDown();
      }
    }
    return ExitCodes.OK;
  }

  private static Duration duration(CommandLine cli, String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, option + ": " + e.getMessage());
    }
  }
}
