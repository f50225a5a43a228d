package co.mumo.okra.policy;

/**
 * What discovery may do with the ArgoCD cluster Secrets it reads: {@code allowExecPlugins} lets it run
 * the {@code execProviderConfig} commands they name (off by default: whoever can write such a Secret
 * could otherwise run commands with the runner's credentials).
 */
public record DiscoveryPolicy(boolean allowExecPlugins) {
  public static final DiscoveryPolicy DEFAULT = new DiscoveryPolicy(false);

  public DiscoveryPolicy withExecPlugins(boolean allowed) {
    return new DiscoveryPolicy(allowExecPlugins || allowed);
  }
}
