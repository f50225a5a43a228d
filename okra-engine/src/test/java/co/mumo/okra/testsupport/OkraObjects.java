package co.mumo.okra.testsupport;

import co.mumo.okra.api.AWSTargetGroup;
import co.mumo.okra.api.Cell;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates Okra and Argo objects in a test API server, and plays the Argo Rollouts controller. */
public final class OkraObjects {
  public static final ResourceDefinitionContext ANALYSIS_RUN = argo("AnalysisRun", "analysisruns");
  public static final ResourceDefinitionContext ANALYSIS_TEMPLATE = argo("AnalysisTemplate", "analysistemplates");
  public static final ResourceDefinitionContext EXPERIMENT = argo("Experiment", "experiments");

  private final KubernetesClient client;

  public OkraObjects(KubernetesClient client) {
    this.client = client;
  }

  /** A Cell from YAML; {@code %s} placeholders are filled from {@code args}. */
  public Cell cell(String namespace, String yaml, Object... args) {
    Cell cell = Serialization.unmarshal(yaml.formatted(args), Cell.class);
    cell.getMetadata().setNamespace(namespace);
    return client.resources(Cell.class).inNamespace(namespace).resource(cell).create();
  }

  /** The standard web Cell of the tests: host example.com, selector role=web, the given steps (YAML list items). */
  public Cell webCell(String namespace, String listenerArn, int priority, String stepsYaml) {
    return cell(namespace, "%s", webCellYaml(listenerArn, priority, "example.com", "", stepsYaml));
  }

  /**
   * The web Cell (selector role=web) on {@code host} that declares the header route {@code tester} at
   * {@code routePriority}; {@code stepsYaml} are its canary steps as YAML list items (see {@link #previewStep}).
   */
  public static String webCellWithRouteYaml(String listenerArn, int priority, String host, int routePriority, String stepsYaml) {
    return webCellYaml(listenerArn, priority, host, """
        managedRoutes:
        - name: tester
          priority: %d
        """.formatted(routePriority), stepsYaml);
  }

  /** The web Cell's manifest; {@code moreIngress} (YAML) goes beside its listener and selector. */
  private static String webCellYaml(String listenerArn, int priority, String host, String moreIngress, String stepsYaml) {
    return """
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: web
        spec:
          ingress:
            type: AWSApplicationLoadBalancer
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule:
                  priority: %d
                  hosts: ["%s"]
                  forward: {}
              targetGroupSelector:
                matchLabels:
                  role: web
        %s
          updateStrategy:
            type: Canary
            canary:
              steps:
        %s
        """.formatted(listenerArn, priority, host, moreIngress.indent(6), stepsYaml.indent(8));
  }

  /** {@link #webCellWithRouteYaml}, created. */
  public Cell webCellWithRoute(String namespace, String listenerArn, int priority, String host, int routePriority, String stepsYaml) {
    return cell(namespace, "%s", webCellWithRouteYaml(listenerArn, priority, host, routePriority, stepsYaml));
  }

  /**
   * The step (a YAML list item) that sends the requests whose X-Okra-Preview header matches
   * {@code headerValue} (e.g. {@code exact: "yes"}) to the new version through the route {@code tester}.
   */
  public static String previewStep(String headerValue) {
    return """
        - setHeaderRoute:
            name: tester
            match:
            - headerName: X-Okra-Preview
              headerValue: {%s}
        """.formatted(headerValue);
  }

  /**
   * A Cell named web whose steps refer to every kind Okra reads: a namespaced and a cluster-scoped
   * template, a Secret key, a ReplicaSet; the permissions tests run a rollout of it.
   */
  public void cellReferencingEverything(String ns, String listenerArn, int priority) {
    analysisTemplate(ns, "success-rate", "version", "api-key");
    GenericKubernetesResource clusterTemplate = new GenericKubernetesResource();
    clusterTemplate.setApiVersion("argoproj.io/v1alpha1");
    clusterTemplate.setKind("ClusterAnalysisTemplate");
    clusterTemplate.setMetadata(new ObjectMetaBuilder().withName("probe-ok-" + ns).build());
    clusterTemplate.setAdditionalProperty("spec", Map.of("metrics", List.of(Map.of("name", "ok",
        "provider", Map.of("job", Map.of("spec", Map.of()))))));
    client.genericKubernetesResources("argoproj.io/v1alpha1", "ClusterAnalysisTemplate").resource(clusterTemplate).create();
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("metrics").endMetadata()
        .addToStringData("api-key", "not-a-real-key").build()).create();
    client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName("probe").endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "probe").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "probe").endMetadata()
        .withNewSpec().addNewContainer().withName("probe").withImage("example.invalid/probe:1").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    cell(ns, """
        apiVersion: okra.mumo.co/v1alpha1
        kind: Cell
        metadata:
          name: web
        spec:
          ingress:
            type: AWSApplicationLoadBalancer
            awsApplicationLoadBalancer:
              listenerARN: %s
              listener:
                rule:
                  priority: %d
                  hosts: [example.com]
              targetGroupSelector:
                matchLabels:
                  role: web
          updateStrategy:
            type: Canary
            canary:
              steps:
              - setWeight: 20
              - analysis:
                  templates:
                  - templateName: success-rate
                  args:
                  - name: version
                    valueFrom: {fieldRef: {fieldPath: status.desiredVersion}}
                  - name: api-key
                    valueFrom: {secretKeyRef: {name: metrics, key: api-key}}
              - experiment:
                  duration: 1m
                  templates:
                  - name: probe
                    specRef: probe
                  analyses:
                  - name: probe-ok
                    templateName: %s
                    clusterScope: true
              - pause: {}
        """, listenerArn, priority, "probe-ok-" + ns);
  }

  public AWSTargetGroup targetGroup(String namespace, String name, String arn, String version) {
    Map<String, String> labels = new HashMap<>();
    labels.put("role", "web");
    if (version != null) labels.put("okra.mumo.co/version", version);
    AWSTargetGroup tg = new AWSTargetGroup();
    tg.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels).build());
    tg.setSpec(new AWSTargetGroup.Spec());
    tg.getSpec().arn = arn;
    return client.resources(AWSTargetGroup.class).inNamespace(namespace).resource(tg).create();
  }

  public void deleteTargetGroup(String namespace, String name) {
    client.resources(AWSTargetGroup.class).inNamespace(namespace).withName(name).delete();
  }

  /** An AnalysisTemplate with one Prometheus metric and the given argument names (no defaults). */
  public void analysisTemplate(String namespace, String name, String... args) {
    GenericKubernetesResource t = new GenericKubernetesResource();
    t.setApiVersion("argoproj.io/v1alpha1");
    t.setKind("AnalysisTemplate");
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("args", List.of(args).stream().map(a -> Map.of("name", a)).toList());
    spec.put("metrics", List.of(Map.of("name", "success-rate", "successCondition", "result[0] >= 0.95",
        "provider", Map.of("prometheus", Map.of("address", "http://prometheus:9090", "query", "up")))));
    t.setAdditionalProperty("spec", spec);
    client.genericKubernetesResources(ANALYSIS_TEMPLATE).inNamespace(namespace).resource(t).create();
  }

  /**
   * The AnalysisTemplate {@code errors}: the Sum of CloudWatch metric {@code Errors} in {@code metricNamespace}
   * for dimension Version = the argument {@code version}, measured {@code count} times every {@code interval}
   * over the last {@code window}; successful while no point is above 5.
   */
  public void cloudWatchErrorsTemplate(String namespace, String metricNamespace, String interval, int count, String window) {
    GenericKubernetesResource template = new GenericKubernetesResource();
    template.setApiVersion("argoproj.io/v1alpha1");
    template.setKind("AnalysisTemplate");
    template.setMetadata(new ObjectMetaBuilder().withName("errors").withNamespace(namespace).build());
    template.setAdditionalProperty("spec", Serialization.unmarshal("""
        args: [{name: version}]
        metrics:
        - name: errors
          interval: %s
          count: %d
          successCondition: "all(result[0].Values, {# <= 5})"
          provider:
            cloudWatch:
              interval: %s
              metricDataQueries:
              - id: errors
                metricStat:
                  metric:
                    namespace: %s
                    metricName: Errors
                    dimensions: [{name: Version, value: "{{args.version}}"}]
                  period: 60
                  stat: Sum
        """.formatted(interval, count, window, metricNamespace), Map.class));
    client.genericKubernetesResources(ANALYSIS_TEMPLATE).inNamespace(namespace).resource(template).create();
  }

  public List<GenericKubernetesResource> analysisRuns(String namespace) {
    return list(ANALYSIS_RUN, namespace);
  }

  /** Argo Rollouts' objects of one kind (AnalysisRuns, Experiments) in a namespace. */
  public List<GenericKubernetesResource> list(ResourceDefinitionContext kind, String namespace) {
    return client.genericKubernetesResources(kind).inNamespace(namespace).list().getItems();
  }

  /** Plays Argo Rollouts' controller: sets the phase of a run. */
  public void setPhase(ResourceDefinitionContext kind, String namespace, String name, String phase) {
    GenericKubernetesResource r = client.genericKubernetesResources(kind).inNamespace(namespace).withName(name).get();
    r.setAdditionalProperty("status", Map.of("phase", phase, "message", "set by the test"));
    client.genericKubernetesResources(kind).inNamespace(namespace).resource(r).update();
  }

  private static ResourceDefinitionContext argo(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("argoproj.io").withVersion("v1alpha1").withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }
}
