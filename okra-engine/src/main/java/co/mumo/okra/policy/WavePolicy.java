package co.mumo.okra.policy;

import java.util.List;

/**
 * Which namespaces' Cells may wait for Cells in which other namespaces ({@code spec.rolloutAfter}).
 * Waiting for a Cell lets its author read that Cell's versions, phase and failures (they are named in
 * the waiting Cell's status), so across namespaces it needs the runner owner's word: a Cell in a
 * namespace matching one of a grant's {@code namespaces} may wait for Cells in namespaces matching its
 * {@code mayWaitOn} (wildcard patterns). Within its own namespace a Cell may always wait.
 */
public record WavePolicy(List<Grant> grants) {
  /** No grant: each namespace's Cells wait only for Cells of the same namespace. */
  public static final WavePolicy SAME_NAMESPACE_ONLY = new WavePolicy(List.of());

  public record Grant(List<String> namespaces, List<String> mayWaitOn) {
    public Grant {
      namespaces = List.copyOf(namespaces);
      mayWaitOn = List.copyOf(mayWaitOn);
    }
  }

  public WavePolicy {
    grants = List.copyOf(grants);
  }

  /** May a Cell in {@code from} wait for a Cell in {@code to}? */
  public boolean allows(String from, String to) {
    if (from.equals(to)) return true;
    return grants.stream().anyMatch(g -> g.namespaces().stream().anyMatch(p -> Globs.matches(p, from, false))
        && g.mayWaitOn().stream().anyMatch(p -> Globs.matches(p, to, false)));
  }
}
