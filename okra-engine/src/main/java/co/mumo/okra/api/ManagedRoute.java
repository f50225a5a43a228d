package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A header route the Cell's steps may set ({@code setHeaderRoute}), and where its rule goes on the
 * listener: Argo Rollouts declares routes in {@code trafficRouting.managedRoutes}; with an ALB a route
 * is a rule of its own, so it needs a priority too.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ManagedRoute {
  static final int MAX_NAME = 63;

  @Required
  @Size(min = 1, max = MAX_NAME)
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("The route's name, as setHeaderRoute steps give it (letters, digits, `-`, `_`, `.`; at most 63).")
  public String name;

  @Required
  @Min(1)
  @Max(50_000)
  @JsonPropertyDescription("The priority of the route's rule on the Cell's listener: a number below the Cell's own rule's (so that ALB"
      + " evaluates it first), not used by another rule, inside what the runner's owner policy gives the namespace.")
  public Integer priority;

  public ManagedRoute() {}

  public ManagedRoute(String name, int priority) {
    this.name = name;
    this.priority = priority;
  }
}
