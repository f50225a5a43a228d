package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.ClusterSet;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiscoveryValidatorTest {

  @Test
  void readmeClusterSetLoadsUnchanged() {
    ClusterSet set = load("readme-clusterset.yaml", ClusterSet.class);
    set.getMetadata().setNamespace("argocd");
    ClusterSetDefinition def = DiscoveryValidator.clusterSet(set);
    assertThat(def.generators()).singleElement().satisfies(g -> {
      assertThat(g.matchTags()).isEqualTo(Map.of("Service", "demo"));
      assertThat(g.roleArn()).isEmpty();
    });
    assertThat(def.labels()).isEqualTo(Map.of("service", "demo"));
    assertThat(def.annotations()).isEmpty();
  }

  @Test
  void readmeTargetGroupSetLoadsUnchanged() {
    AWSTargetGroupSet set = load("readme-awstargetgroupset.yaml", AWSTargetGroupSet.class);
    TargetGroupSetDefinition def = DiscoveryValidator.targetGroupSet(set);
    assertThat(def.namespace()).isEqualTo("default");
    assertThat(def.generators()).singleElement().satisfies(g -> {
      assertThat(g.clusterSelector()).isEqualTo(Map.of("service", "demo"));
      assertThat(g.bindingSelector()).isEqualTo(Map.of("role", "web"));
    });
    assertThat(def.labels()).isEmpty();
  }

  @Test
  void everyProblemOfAClusterSetIsNamedByField() {
    ClusterSet set = load("bad-clusterset.yaml", ClusterSet.class);
    assertThatThrownBy(() -> DiscoveryValidator.clusterSet(set))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.resource()).isEqualTo("ClusterSet argocd/bad");
          assertThat(e.errors()).extracting(FieldError::path).containsExactlyInAnyOrder(
              "spec.generators[0].awseks.selector.matchTags",
              "spec.generators[1].awseks.roleARN",
              "spec.generators[2].awseks",
              "spec.template.metadata.labels",
              "spec.template.metadata.labels.service");
        });
  }

  @Test
  void everyProblemOfATargetGroupSetIsNamedByField() {
    AWSTargetGroupSet set = load("bad-awstargetgroupset.yaml", AWSTargetGroupSet.class);
    assertThatThrownBy(() -> DiscoveryValidator.targetGroupSet(set))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.getMessage()).startsWith("AWSTargetGroupSet argocd/bad is invalid: ");
          assertThat(e.errors()).extracting(FieldError::path).containsExactlyInAnyOrder(
              "spec.generators[0].awseks.clusterSelector.matchLabels",
              "spec.generators[0].awseks.bindingSelector.matchLabels.role",
              "spec.generators[1].awseks.clusterSelector.matchLabels");
        });
  }

  @Test
  void missingGeneratorsAreAnError() {
    ClusterSet set = Serialization.unmarshal("""
        apiVersion: okra.mumo.co/v1alpha1
        kind: ClusterSet
        metadata: {name: empty, namespace: argocd}
        spec: {}
        """, ClusterSet.class);
    assertThatThrownBy(() -> DiscoveryValidator.clusterSet(set)).hasMessageContaining("spec.generators: at least one generator is required");
  }

  @Test
  void roleArnAndAnnotationsAreKept() {
    ClusterSet set = Serialization.unmarshal("""
        apiVersion: okra.mumo.co/v1alpha1
        kind: ClusterSet
        metadata: {name: c, namespace: argocd}
        spec:
          generators:
          - awseks:
              selector: {matchTags: {Service: demo}}
              roleARN: arn:aws:iam::123456789012:role/okra-reader
          - awseks:
              selector: {matchTags: {Service: other, Env: prod}}
          template:
            metadata:
              annotations: {team.example.com/owner: web}
        """, ClusterSet.class);
    ClusterSetDefinition def = DiscoveryValidator.clusterSet(set);
    assertThat(def.generators()).extracting(ClusterSetDefinition.TagGenerator::roleArn)
        .containsExactly(Optional.of("arn:aws:iam::123456789012:role/okra-reader"), Optional.empty());
    assertThat(def.annotations()).containsEntry("team.example.com/owner", "web");
  }

  private static <T> T load(String name, Class<T> type) {
    try (InputStream in = DiscoveryValidatorTest.class.getResourceAsStream("DiscoveryValidatorTest/" + name)) {
      return Serialization.unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
