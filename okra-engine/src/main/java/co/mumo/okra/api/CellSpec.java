package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The Cell's spec. The schema annotations make the API server refuse what {@code CellValidator}
 * would refuse, at apply time; the validator still checks everything (a cluster may carry an older
 * CRD, and the demo has no API server).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.updateStrategy) || !has(self.updateStrategy.canary) || !has(self.updateStrategy.canary.steps)"
    + " || size(self.updateStrategy.canary.steps) == 0 || 2 * (has(self.replicas) ? self.replicas : 1) <= 5",
    message = "a canary step puts the stable and the canary target groups in one forward action, and ALB allows 5:"
        + " at most 2 replicas with canary steps", fieldPath = ".replicas", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.updateStrategy) || !has(self.updateStrategy.canary) || !has(self.updateStrategy.canary.steps)"
    + " || self.updateStrategy.canary.steps.all(s, !has(s.setHeaderRoute)"
    + " || (has(self.ingress.awsApplicationLoadBalancer.managedRoutes)"
    + " && self.ingress.awsApplicationLoadBalancer.managedRoutes.exists(r, r.name == s.setHeaderRoute.name)))",
    message = "a setHeaderRoute step names a route that spec.ingress.awsApplicationLoadBalancer.managedRoutes does not declare:"
        + " add it there with a priority", fieldPath = ".updateStrategy.canary.steps", reason = "FieldValueInvalid")
public class CellSpec {
  /** Semantic versions as {@code core.Version} reads them (empty: not pinned). */
  static final String SEMVER = "^$|^[vV]?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
      + "(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
      + "(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$";

  @Required
  @JsonPropertyDescription("Where traffic enters; only an ALB listener rule is supported.")
  public CellIngress ingress;

  @Min(1)
  @Max(5)
  @JsonPropertyDescription("How many target groups (one per cluster) of a version must exist before it is rolled out (default 1;"
      + " at most 2 with canary steps, since stable and canary share one forward action of at most 5).")
  public Integer replicas;

  @Pattern(SEMVER)
  @JsonPropertyDescription("Pins the version to roll out; lower than the stable version means an immediate rollback (100% at once).")
  public String version;

  @JsonPropertyDescription("How a new version is rolled out.")
  public UpdateStrategy updateStrategy;
  /**
   * Waves: Cells that must have a version as their stable version before this Cell starts rolling it
   * out; a failure of that version there stops it here. Within the owner policy's {@code waves}.
   */
  @JsonPropertyDescription("Waves: Cells that must have a version as their stable version (or a newer one) before this Cell starts"
      + " rolling it out; a failure of that version in any of them stops it here. Other namespaces as the runner's owner policy allows.")
  public List<CellReference> rolloutAfter;
}
