package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.Cell;
import co.mumo.okra.policy.OwnerPolicy;
import co.mumo.okra.rule.ObservedRule;
import co.mumo.okra.rule.TargetWeight;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The steps hash is a contract between releases: a rollout in flight restarts its steps when the hash
 * recorded in its status differs from its steps' hash. It is the hash of what the user wrote, pinned
 * here; and a status the previous release wrote (with its own kind of hash) carries on.
 */
class StepsHashTest {
  /** The hash of mid-rollout.yaml's steps. Changing it restarts every rollout in flight: don't, unless on purpose. */
  static final String PINNED = "ac3cea0904";
  /** What the release of 2026-12-01 recorded for the same steps. */
  static final String PREVIOUS_RELEASE = "36d0f60740";

  @Test
  void theHashOfTheStepsAsWrittenIsPinned() throws IOException {
    assertThat(CellValidator.validate(cell(fixture())).stepsHash()).isEqualTo(PINNED);
  }

  @Test
  void keyOrderAndMapOrderDoNotChangeIt() throws IOException {
    String original = String.join("\n", "          templates:", "          - templateName: success-rate", "          args:",
        "          - name: version", "            valueFrom:", "              fieldRef:", "                fieldPath: status.desiredVersion");
    String reordered = fixture().replace(original, String.join("\n", "          args:", "          - valueFrom:",
        "              fieldRef:", "                fieldPath: status.desiredVersion", "            name: version", "          templates:",
        "          - templateName: success-rate"));
    assertThat(reordered).isNotEqualTo(fixture());
    assertThat(CellValidator.validate(cell(reordered)).stepsHash()).isEqualTo(PINNED);
  }

  @Test
  void anotherStepIsAnotherHash() throws IOException {
    assertThat(CellValidator.validate(cell(fixture().replace("setWeight: 40", "setWeight: 50"))).stepsHash()).isNotEqualTo(PINNED);
  }

  @Test
  void aRolloutRecordedByThePreviousReleaseCarriesOnAtItsStep() throws IOException {
    Cell cell = cell(fixture().replace("LEGACY", PREVIOUS_RELEASE));
    CellDefinition def = CellValidator.validate(cell);
    assertThat(def.legacyStepsHash()).isEqualTo(PREVIOUS_RELEASE);
    String s1 = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-1/1";
    String s2 = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-2/2";
    List<TargetGroup> groups = List.of(new TargetGroup("web-1", s1, Map.of("okra.mumo.co/version", "1.0.0")),
        new TargetGroup("web-2", s2, Map.of("okra.mumo.co/version", "2.0.0")));
    ObservedRule rule = new ObservedRule("arn:rule", def.listenerArn(), 10, false, Optional.of("shop/web"), def.conditions(),
        List.of(new TargetWeight(s1, 80), new TargetWeight(s2, 20)));
    RolloutState state = CellStatusMapping.toState(cell.getStatus());
    Observed o = new Observed(def, state, groups, Map.of(), Optional.of(rule), Map.of(), List.of(), List.of(), List.of(rule),
        OwnerPolicy.defaults().listener(def.listenerArn(), "shop", 10));

    Plan plan = CellDecider.decide(o, Instant.parse("2026-12-01T10:02:00Z"));

    assertThat(plan.state().stepIndex()).contains(2);
    assertThat(plan.state().rolloutId()).contains("4f3a2b1c");
    assertThat(plan.message()).doesNotContain("steps changed").endsWith("waiting until 2026-12-01T10:05:00Z");
    assertThat(plan.actions()).isEmpty();
  }

  private static Cell cell(String yaml) {
    return Serialization.unmarshal(yaml, Cell.class);
  }

  private static String fixture() throws IOException {
    try (InputStream in = StepsHashTest.class.getResourceAsStream("StepsHashTest/mid-rollout.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
