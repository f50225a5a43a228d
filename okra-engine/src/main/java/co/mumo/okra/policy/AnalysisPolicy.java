package co.mumo.okra.policy;

import java.util.List;
import java.util.Optional;

/**
 * What analyses may reach on the runner's behalf. {@code allowedHosts} (wildcard patterns; empty
 * means any public host) names the hosts metric providers may contact; loopback and private
 * addresses need their own switch; metadata and link-local addresses are never allowed, whatever this
 * says. {@code allowJobProvider} lets job metrics run commands on the runner's machine.
 */
public record AnalysisPolicy(Optional<List<String>> allowedHosts, boolean allowLoopback, boolean allowPrivateNetworks,
                             boolean allowJobProvider) {
  public static final AnalysisPolicy DEFAULT = new AnalysisPolicy(Optional.empty(), false, false, false);

  public AnalysisPolicy {
    allowedHosts = allowedHosts.map(List::copyOf);
  }

  /** Whether the policy's host list lets {@code host} be contacted (address checks come on top). */
  public boolean hostListed(String host) {
    return hosts().hostListed(host);
  }

  /** The host rules of the {@code analysis} section, as the outbound client applies them. */
  public HostPolicy hosts() {
    return new HostPolicy("analysis", allowedHosts, allowLoopback, allowPrivateNetworks);
  }

  public AnalysisPolicy withJobProvider(boolean allowed) {
    return new AnalysisPolicy(allowedHosts, allowLoopback, allowPrivateNetworks, allowJobProvider || allowed);
  }
}
