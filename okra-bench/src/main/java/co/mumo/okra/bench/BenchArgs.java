package co.mumo.okra.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code --cells 1,10,100,1000 --listeners 1,10,50 --repeat 5 --json FILE --runner-jar JAR}. */
record BenchArgs(int[] cells, int[] listeners, int repeat, Path json, Path runnerJar) {

  static BenchArgs parse(String[] args) {
    int[] cells = {1, 10, 100, 1000};
    int[] listeners = {1, 10, 50};
    int repeat = 5;
    Path json = Path.of("target", "bench.json");
    Path jar = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--cells" -> { cells = ints(value); i++; }
        case "--listeners" -> { listeners = ints(value); i++; }
        case "--repeat" -> { repeat = Integer.parseInt(value); i++; }
        case "--json" -> { json = Path.of(value); i++; }
        case "--runner-jar" -> { jar = Path.of(value); i++; }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (use --cells 1,10 --listeners 1,10 --repeat N --json FILE --runner-jar JAR)");
      }
    }
    return new BenchArgs(cells, listeners, repeat, json, jar);
  }

  /** Every combination with at least as many Cells as listeners. */
  List<int[]> scenarios() {
    List<int[]> out = new ArrayList<>();
    for (int c : cells) for (int l : listeners) if (c >= l) out.add(new int[] {c, l});
    return out;
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }
}
