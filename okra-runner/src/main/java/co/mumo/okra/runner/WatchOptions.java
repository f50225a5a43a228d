package co.mumo.okra.runner;

import picocli.CommandLine.Option;

/** The continuous mode's options, shared by {@code reconcile --all --watch} and {@code discover --watch}. */
final class WatchOptions {
  @Option(names = "--watch", description = {"Keep running passes until stopped (SIGTERM: the pass in progress finishes, the",
      "Lease is released): on watched changes, when a pass is due, and every --resync; one process at a",
      "time works, the one holding the Lease (README.md: Running Okra continuously)."})
  boolean watch;

  @Option(names = "--lease-name", paramLabel = "NAME", description = "With --watch: the coordination.k8s.io Lease that elects the one loop that works "
      + "(default: okra-runner for reconcile, okra-discover for discover).")
  String leaseName;

  @Option(names = "--lease-namespace", paramLabel = "NS", description = "With --watch: the Lease's namespace (default: -n, else the context's or the pod's namespace).")
  String leaseNamespace;

  @Option(names = "--lease-duration", paramLabel = "DURATION", defaultValue = "15s", description = {"With --watch: how long a standby waits",
      "for a silent holder before taking over (default: ${DEFAULT-VALUE}; the holder renews every 2/15 of it and",
      "stops working when 2/3 of it pass without a renewal)."})
  String leaseDuration;

  @Option(names = "--health-port", paramLabel = "PORT", description = {"With --watch: serve /healthz (the loop runs) and /readyz (it",
      "holds the Lease and its last pass succeeded) on this port, on every interface."})
  Integer healthPort;

  @Option(names = "--resync", paramLabel = "DURATION", description = {"With --watch: the longest time between passes, for what no",
      "watch sees (the ALB, EKS, workload clusters). Default: 5m for reconcile, 2m for discover."})
  String resync;

  @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "1s", hidden = true,
      description = "With --watch: after a change, wait this long for more before the pass (default: ${DEFAULT-VALUE}).")
  String settle;
}
