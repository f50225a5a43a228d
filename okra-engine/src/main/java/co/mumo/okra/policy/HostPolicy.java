package co.mumo.okra.policy;

import java.util.List;
import java.util.Optional;

/**
 * Which hosts and kinds of address one kind of outbound request may reach: analyses (hosts a template
 * author names) and notifications (webhooks the runner's owner names) each have their own, so that
 * allowing one (an in-cluster Prometheus on a private network) does not allow the other. {@code section}
 * is the policy file's section, for messages that say what to change. {@code allowedHosts} empty means any
 * public host; metadata and link-local addresses are never allowed, whatever this says.
 */
public record HostPolicy(String section, Optional<List<String>> allowedHosts, boolean allowLoopback, boolean allowPrivateNetworks) {
  public HostPolicy {
    allowedHosts = allowedHosts.map(List::copyOf);
  }

  /** Any public host, nothing else: the built-in default of every section. */
  public static HostPolicy publicHosts(String section) {
    return new HostPolicy(section, Optional.empty(), false, false);
  }

  /** Whether the host list lets {@code host} be contacted (address checks come on top). */
  public boolean hostListed(String host) {
    return allowedHosts.map(l -> l.stream().anyMatch(p -> Globs.matches(p, host, true))).orElse(true);
  }
}
