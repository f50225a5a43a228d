package co.mumo.okra.analysis;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** Argo Rollouts' kinds, named explicitly so that no API discovery call is needed. */
final class ArgoResources {
  private ArgoResources() {}

  static final String GROUP = "argoproj.io";
  static final ResourceDefinitionContext ANALYSIS_TEMPLATE = context("AnalysisTemplate", "analysistemplates", true);
  static final ResourceDefinitionContext CLUSTER_ANALYSIS_TEMPLATE = context("ClusterAnalysisTemplate", "clusteranalysistemplates", false);
  static final ResourceDefinitionContext ANALYSIS_RUN = context("AnalysisRun", "analysisruns", true);
  static final ResourceDefinitionContext EXPERIMENT = context("Experiment", "experiments", true);

  private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
    return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion("v1alpha1").withKind(kind)
        .withPlural(plural).withNamespaced(namespaced).build();
  }
}
