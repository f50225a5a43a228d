package co.mumo.okra.policy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the runner's owner lets Cells, templates and cluster Secrets make Okra do. It comes from the
 * runner's command line ({@code --policy FILE}, a CI input), never from a Cell or template: their
 * authors are the ones it limits. {@code source} names where it came from, for messages.
 *
 * <p>{@code listeners} empty (no {@code listeners} key) means the built-in default: any listener, any
 * namespace, any priority, no adoption, no shadowing; a list (even an empty one) allows only what it
 * names.
 */
public record OwnerPolicy(String source, Optional<List<ListenerGrant>> listeners, AnalysisPolicy analysis, DiscoveryPolicy discovery,
                          WavePolicy waves, HostPolicy notifications) {
  public static final String DEFAULT_SOURCE = "the built-in default policy";

  public OwnerPolicy {
    listeners = listeners.map(List::copyOf);
  }

  /** Webhooks at public hosts only. */
  public OwnerPolicy(String source, Optional<List<ListenerGrant>> listeners, AnalysisPolicy analysis, DiscoveryPolicy discovery,
                     WavePolicy waves) {
    this(source, listeners, analysis, discovery, waves, HostPolicy.publicHosts(NOTIFICATIONS));
  }

  /** The policy file's section for the hosts notifications may reach. */
  public static final String NOTIFICATIONS = "notifications";

  /** Waves within each namespace only. */
  public OwnerPolicy(String source, Optional<List<ListenerGrant>> listeners, AnalysisPolicy analysis, DiscoveryPolicy discovery) {
    this(source, listeners, analysis, discovery, WavePolicy.SAME_NAMESPACE_ONLY);
  }

  /**
   * No policy file: safe for one team that owns every Cell and listener the runner can see; waves only
   * within a namespace, so that no Cell's status tells of another namespace's Cells unless the owner says so.
   */
  public static OwnerPolicy defaults() {
    return new OwnerPolicy(DEFAULT_SOURCE, Optional.empty(), AnalysisPolicy.DEFAULT, DiscoveryPolicy.DEFAULT);
  }

  public OwnerPolicy withWaves(WavePolicy w) {
    return new OwnerPolicy(source, listeners, analysis, discovery, w, notifications);
  }

  /** Why a Cell in {@code from} may not wait for a Cell in {@code to}, or empty when it may. */
  public Optional<String> waveRefusal(String from, String to) {
    if (waves.allows(from, to)) return Optional.empty();
    return Optional.of(source + " does not let Cells in namespace " + from + " wait for Cells in namespace " + to
        + " (nothing of that Cell was read); the runner's owner can add it to a waves entry (mayWaitOn)");
  }

  public OwnerPolicy withAnalysis(AnalysisPolicy a) {
    return new OwnerPolicy(source, listeners, a, discovery, waves, notifications);
  }

  public OwnerPolicy withDiscovery(DiscoveryPolicy d) {
    return new OwnerPolicy(source, listeners, analysis, d, waves, notifications);
  }

  public OwnerPolicy withNotifications(HostPolicy n) {
    return new OwnerPolicy(source, listeners, analysis, discovery, waves, n);
  }

  /** May a rule owned by something in {@code namespace} sit at {@code priority} on {@code listenerArn}? */
  public ListenerVerdict listener(String listenerArn, String namespace, int priority) {
    if (listeners.isEmpty()) return ListenerVerdict.allowed(new ListenerGrant("*", List.of("*"), List.of(), false, false));
    List<ListenerGrant> grants = listeners.get().stream().filter(g -> g.covers(listenerArn, namespace)).toList();
    if (grants.isEmpty()) {
      return ListenerVerdict.refused(ListenerVerdict.LISTENER, source + " gives namespace " + namespace + " no rules on listener "
          + listenerArn + "; the runner's owner can add it to a listeners entry for this listener");
    }
    return grants.stream().filter(g -> g.covers(priority)).findFirst().map(ListenerVerdict::allowed)
        .orElseGet(() -> ListenerVerdict.refused(ListenerVerdict.PRIORITY, "priority " + priority + " is outside what " + source
            + " gives namespace " + namespace + " on this listener (" + grants.stream().flatMap(g -> g.priorities().stream())
            .map(PriorityRange::toString).distinct().collect(Collectors.joining(", ")) + ")"));
  }
}
