package co.mumo.okra.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --scenarios cells,discovery,runner --cells 1,10,100,1000 --listeners 1,10,50 --clusters 1,10,50
 * --bindings 3 --cluster-latency 100 --slow-cluster-latency 500 --aws-latency 0 --repeat 5 --parallel 4 --json FILE --runner-jar JAR --jdk HOME --runner-env NAME=VALUE}.
 * Latencies are in milliseconds; {@code --aws-latency} puts one in front of moto for discovery's EKS calls. The runner scenario needs {@code --runner-jar} (repeatable: each jar, e.g. one built without a start-up change, in
 * {@code DIR/target/} beside its launcher in {@code DIR/bin/}, is run in turn with the others); it compares this JVM with the newest JDK 24+ under /usr/lib/jvm or /opt, or with each {@code --jdk HOME} given (repeatable); {@code --runner-env} sets a variable for the runner processes (e.g. JAVA_TOOL_OPTIONS for an experiment).
 */
record BenchArgs(Set<String> scenarios, int[] cells, int[] listeners, int[] clusters, int bindings, long clusterLatencyMs,
                 long slowClusterLatencyMs, long awsLatencyMs, int repeat, int parallel, Path json, List<Path> runnerJars, List<Path> jdks,
                 Map<String, String> runnerEnv) {
  static final Set<String> ALL_SCENARIOS = Set.of("cells", "discovery", "runner");

  static BenchArgs parse(String[] args) {
    Set<String> scenarios = new LinkedHashSet<>(List.of("cells", "discovery", "runner"));
    int[] cells = {1, 10, 100, 1000};
    int[] listeners = {1, 10, 50};
    int[] clusters = {1, 10, 50};
    int bindings = 3;
    long latency = 100;
    long slowLatency = 500;
    long awsLatency = 0;
    int repeat = 5;
    int parallel = 4; // the runner's default for reconcile --all
    Path json = Path.of("target", "bench.json");
    List<Path> jars = new ArrayList<>();
    List<Path> jdks = new ArrayList<>();
    Map<String, String> runnerEnv = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--scenarios" -> { scenarios = scenarios(value); i++; }
        case "--cells" -> { cells = ints(value); i++; }
        case "--listeners" -> { listeners = ints(value); i++; }
        case "--clusters" -> { clusters = ints(value); i++; }
        case "--bindings" -> { bindings = Integer.parseInt(value); i++; }
        case "--cluster-latency" -> { latency = Long.parseLong(value); i++; }
        case "--slow-cluster-latency" -> { slowLatency = Long.parseLong(value); i++; }
        case "--aws-latency" -> { awsLatency = Long.parseLong(value); i++; }
        case "--repeat" -> { repeat = Integer.parseInt(value); i++; }
        case "--parallel" -> { parallel = Integer.parseInt(value); i++; }
        case "--json" -> { json = Path.of(value); i++; }
        case "--runner-jar" -> { jars.add(Path.of(value)); i++; }
        case "--jdk" -> { jdks.add(Path.of(value)); i++; }
        case "--runner-env" -> { runnerEnv.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1)); i++; }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (use --scenarios cells,discovery,runner --cells 1,10 --listeners 1,10 --clusters 1,10,50 --bindings N"
            + " --cluster-latency MS --slow-cluster-latency MS --aws-latency MS --repeat N --parallel N --json FILE --runner-jar JAR --jdk HOME --runner-env NAME=VALUE)");
      }
    }
    return new BenchArgs(scenarios, cells, listeners, clusters, bindings, latency, slowLatency, awsLatency, repeat, parallel, json, List.copyOf(jars),
        jdks.isEmpty() ? RunnerStartup.defaultJdks() : List.copyOf(jdks), runnerEnv);
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }

  /** Every combination with at least as many Cells as listeners. */
  List<int[]> cellScenarios() {
    List<int[]> out = new ArrayList<>();
    for (int c : cells) for (int l : listeners) if (c >= l) out.add(new int[] {c, l});
    return out;
  }

  private static Set<String> scenarios(String csv) {
    Set<String> out = new LinkedHashSet<>();
    for (String s : csv.split(",")) {
      String name = s.trim();
      if (!ALL_SCENARIOS.contains(name)) throw new IllegalArgumentException("unknown scenario " + name + " (cells, discovery, runner)");
      out.add(name);
    }
    return out;
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }
}
