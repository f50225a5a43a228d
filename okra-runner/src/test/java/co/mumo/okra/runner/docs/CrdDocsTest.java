package co.mumo.okra.runner.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/crd.md is what the build's CRDs generate; -Dokra.docs.write=true rewrites it. */
class CrdDocsTest {
  @Test
  void crdMdIsUpToDate() {
    DocsFiles.checkOrWrite("docs/crd.md", CrdDocs.generate());
  }

  @Test
  void everyFieldAndKindIsDescribedInTheGeneratedCrds() {
    assertThat(CrdDocs.problems()).as("describe these in the model classes under " + CrdDocs.MODEL + ", then run "
        + DocsFiles.REGENERATE).isEmpty();
  }

  @Test
  void everyKindTheBuildGeneratesIsDocumentedWithItsRules() {
    String md = CrdDocs.generate();

    for (var crd : CrdSchemas.all()) assertThat(md).contains("## " + crd.getSpec().getNames().getKind() + "\n");
    assertThat(md).contains("| `spec.updateStrategy.canary.steps[].pause.duration` | integer or string | duration must not be negative"
        + " | Seconds as a number");
    assertThat(md).contains("| `spec.ingress.awsApplicationLoadBalancer.listener.rule.priority` | integer | required; 1..50000 |");
    assertThat(md).contains("| `spec.updateStrategy.canary.steps[].setWeight` | integer | 0..100 |");
    assertThat(md).contains("| `spec.ingress.type` | string | one of: AWSApplicationLoadBalancer |");
    assertThat(md).contains("| `spec.ingress.awsApplicationLoadBalancer.listener.rule.headers` | map of string to list of string |");
  }
}
