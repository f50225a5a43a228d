package co.mumo.okra.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An ALB listener rule plus the target groups Okra rolls traffic over, version by version. */
@Group(Cell.GROUP)
@Version(Cell.VERSION)
@ShortNames("cell")
// kubectl get cells: what is decided (phase, versions, step) and whether it is true (Synced). The CRD
// generator orders the columns by jsonPath.
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", getDescription = "The rollout's phase.")
@AdditionalPrinterColumn(name = "Synced", jsonPath = ".status.conditions[?(@.type==\"TrafficSynced\")].status",
    getDescription = "Whether the listener rule was last seen carrying the weights the Cell wants (condition TrafficSynced).")
@AdditionalPrinterColumn(name = "Stable", jsonPath = ".status.stableVersion", getDescription = "The version that had all the traffic.")
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.desiredVersion", getDescription = "The version being rolled out.")
@AdditionalPrinterColumn(name = "Step", jsonPath = ".status.currentStepIndex", type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Index of the step being worked on.")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE,
    getDescription = "When the Cell was created.")
@JsonClassDescription("An ALB listener rule plus the target groups Okra rolls traffic over, version by version, with canary steps."
    + " Every runner pass reads it and records the rollout in its status.")
public class Cell extends CustomResource<CellSpec, CellStatus> implements Namespaced {
  public static final String GROUP = "okra.mumo.co";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  // Overridden only to describe (and require) the field in the generated CRD, for `kubectl explain cell.spec`.
  @Override
  @Required
  @JsonPropertyDescription("What to roll out and how.")
  public CellSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("The rollout as recorded by the last pass; everything a pass needs to carry on lives here.")
  public CellStatus getStatus() {
    return super.getStatus();
  }

  @Override
  protected CellStatus initStatus() {
    return new CellStatus();
  }
}
