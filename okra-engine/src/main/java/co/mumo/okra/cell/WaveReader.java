package co.mumo.okra.cell;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.VersionBlocklist;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.Version;
import co.mumo.okra.policy.OwnerPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a Cell's waves need ({@link EarlierWaves}): the Cells it names in {@code spec.rolloutAfter}
 * that the owner policy lets it wait for (a refused one is not read at all), their blocklists, and the
 * waits among the Cells reached from it, for the decider to find a cycle. Cells are read as a list per
 * namespace (once per pass over many Cells, through {@link co.mumo.okra.cell.PassCachingClusterStore}).
 */
final class WaveReader {
  /** How many Cells the search for a cycle visits at most: a hostile chain of waits costs no more. */
  static final int MAX_VISITED = 256;

  private final ClusterStore store;
  private final OwnerPolicy policy;
  private final Map<String, Map<String, Cell>> byNamespace = new HashMap<>();

  WaveReader(ClusterStore store, OwnerPolicy policy) {
    this.store = store;
    this.policy = policy;
  }

  EarlierWaves read(Cell cell, CellDefinition def) {
    List<WaveReference> refs = WaveReference.of(cell);
    if (refs.isEmpty()) return EarlierWaves.NONE;
    List<FieldError> refused = new ArrayList<>();
    List<EarlierWaves.Earlier> earlier = new ArrayList<>();
    for (WaveReference ref : refs) {
      Optional<String> refusal = policy.waveRefusal(def.namespace(), ref.namespace());
      if (refusal.isPresent()) {
        refused.add(new FieldError(ref.field() + ".namespace", refusal.get()));
        continue;
      }
      earlier.add(new EarlierWaves.Earlier(ref, find(ref.namespace(), ref.name()).map(this::state)));
    }
    return new EarlierWaves(earlier, refused, refused.isEmpty() ? graph(def.key(), refs) : Map.of());
  }

  private EarlierWaves.State state(Cell earlier) {
    Set<Version> blocked = new HashSet<>();
    store.blocklist(earlier.getMetadata().getNamespace(), earlier.getMetadata().getName()).map(VersionBlocklist::getSpec)
        .ifPresent(spec -> spec.items.forEach(i -> Version.tryParse(i.version).ifPresent(blocked::add)));
    return new EarlierWaves.State(CellStatusMapping.toState(earlier.getStatus()), blocked);
  }

  /** Who waits for whom, from {@code self} along the waits the owner policy allows, as far as they lead. */
  private Map<String, List<String>> graph(String self, List<WaveReference> selfRefs) {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    graph.put(self, selfRefs.stream().map(WaveReference::key).toList());
    Deque<String> todo = new ArrayDeque<>(graph.get(self));
    while (!todo.isEmpty() && graph.size() < MAX_VISITED) {
      String key = todo.poll();
      if (graph.containsKey(key)) continue;
      String[] nsName = key.split("/", 2);
      Optional<Cell> next = find(nsName[0], nsName[1]);
      List<String> waits = next.map(c -> WaveReference.of(c).stream()
          .filter(r -> policy.waves().allows(nsName[0], r.namespace())).map(WaveReference::key).toList()).orElse(List.of());
      graph.put(key, waits);
      todo.addAll(waits);
    }
    return graph;
  }

  private Optional<Cell> find(String namespace, String name) {
    return Optional.ofNullable(byNamespace.computeIfAbsent(namespace, ns -> {
      Map<String, Cell> byName = new HashMap<>();
      for (Cell c : store.cells(ns)) byName.put(c.getMetadata().getName(), c);
      return byName;
    }).get(name));
  }
}
