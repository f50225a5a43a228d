package co.mumo.okra.runner.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/crd.md is what the build's CRDs and the descriptions generate; -Dokra.docs.write=true rewrites it. */
class CrdDocsTest {
  @Test
  void crdMdIsUpToDate() {
    DocsFiles.checkOrWrite("docs/crd.md", CrdDocs.generate());
  }

  @Test
  void everyFieldIsDescribedAndNoDescriptionIsStale() {
    assertThat(CrdDocs.problems()).as("fix these in " + CrdDocs.DESCRIPTIONS + ", then run " + DocsFiles.REGENERATE).isEmpty();
  }

  @Test
  void everyKindTheBuildGeneratesIsDocumented() {
    String md = CrdDocs.generate();

    for (var crd : CrdSchemas.all()) assertThat(md).contains("## " + crd.getSpec().getNames().getKind() + "\n");
    assertThat(md).contains("| `spec.updateStrategy.canary.steps[].pause.duration` | integer or string | Seconds as a number");
    assertThat(md).contains("| `spec.ingress.awsApplicationLoadBalancer.listener.rule.headers` | map of string to list of string |");
  }
}
