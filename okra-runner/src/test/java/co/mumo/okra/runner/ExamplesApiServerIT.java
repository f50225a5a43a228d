package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every Okra and Argo manifest under examples/ is accepted by a real kube-apiserver with Okra's
 * generated CRDs installed: the schemas the build generates validate what the docs tell users to
 * apply (ExamplesTest checks the same files through the model classes, without a server).
 */
class ExamplesApiServerIT {
  private static TestKube kube;

  @BeforeAll
  static void server() {
    kube = TestKube.start();
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  @Test
  void theApiServerAcceptsEveryExampleManifest() throws IOException {
    String ns = kube.freshNamespace("examples");
    List<ExamplesTest.Doc> docs = ExamplesTest.manifests().stream()
        .filter(d -> group(d).equals("okra.mumo.co") || group(d).equals("argoproj.io")).toList();
    assertThat(docs).extracting(ExamplesTest.Doc::kind).contains("Cell", "ClusterSet", "AWSTargetGroupSet", "AWSTargetGroup");

    for (ExamplesTest.Doc d : docs) {
      GenericKubernetesResource r = Serialization.jsonMapper().convertValue(d.body(), GenericKubernetesResource.class);
      boolean clusterScoped = d.kind().equals("ClusterAnalysisTemplate");
      r.getMetadata().setNamespace(clusterScoped ? null : ns);
      if (clusterScoped) r.getMetadata().setName(r.getMetadata().getName() + "-" + ns);
      ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(group(d)).withVersion("v1alpha1")
          .withKind(d.kind()).withPlural(d.kind().toLowerCase() + "s").withNamespaced(!clusterScoped).build();
      assertThatCode(() -> {
        var op = kube.client().genericKubernetesResources(ctx);
        (clusterScoped ? op.resource(r) : op.inNamespace(ns).resource(r)).create();
      }).as(d.file() + ": " + d.kind() + " " + r.getMetadata().getName()).doesNotThrowAnyException();
    }
  }

  private static String group(ExamplesTest.Doc d) {
    return String.valueOf(d.body().get("apiVersion")).split("/")[0];
  }
}
