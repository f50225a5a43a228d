package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import co.mumo.okra.analysis.ArgoAnalyses;
import co.mumo.okra.analysis.OkraAnalyses;
import co.mumo.okra.analysis.eval.Metric;
import co.mumo.okra.analysis.eval.Observation;
import co.mumo.okra.analysis.eval.expr.GoValue;
import co.mumo.okra.analysis.eval.provider.MetricProvider;
import co.mumo.okra.analysis.eval.provider.Providers;
import co.mumo.okra.api.Cell;
import co.mumo.okra.cell.CellControl;
import co.mumo.okra.cell.CellReconciler;
import co.mumo.okra.cell.CellStatusMapping;
import co.mumo.okra.cell.Evaluator;
import co.mumo.okra.cell.Phase;
import co.mumo.okra.cell.Step;
import co.mumo.okra.core.RunPhase;
import co.mumo.okra.kube.Fabric8ClusterStore;
import co.mumo.okra.runner.demo.SimulatedLoadBalancer;
import co.mumo.okra.runner.docs.DocsFiles;
import co.mumo.okra.testsupport.ArgoStandIn;
import co.mumo.okra.testsupport.MutableClock;
import co.mumo.okra.testsupport.OkraObjects;
import co.mumo.okra.testsupport.TestKube;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/rbac.yaml against a real kube-apiserver (RBAC authorizer): a user bound to nothing but the
 * okra-runner ClusterRole drives a whole rollout — first version, canary with an analysis (template,
 * Secret argument) and an experiment (ReplicaSet, cluster-scoped template), a pause, an abort with
 * its blocklist entry, a retry — and every request it makes is recorded. The role must be enough
 * (no request is forbidden) and exact (every verb it grants was used).
 */
class RbacIT {
  private static final String USER = "okra-rbac-it";
  private static final String ROLE = "okra-runner-rbac-it";
  /** Bound to both okra-runner and okra-analysis-evaluator, as a runner using Okra's evaluator is. */
  private static final String EVALUATOR_USER = "okra-rbac-it-evaluator";
  private static final String EVALUATOR_ROLE = "okra-analysis-evaluator-rbac-it";
  private static final String SECRET_READER = "okra-secret-reader";
  private static final CellReconciler.Options WRITE = new CellReconciler.Options(false);
  private static final String LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/rbac/0123456789abcdef/fedcba9876543210";

  private static TestKube kube;
  private static KubernetesClient okra;
  private static KubernetesClient evaluator;
  private static final Set<String> requests = new ConcurrentSkipListSet<>();

  @BeforeAll
  static void start() throws Exception {
    kube = TestKube.start();
    install("okra-runner", ROLE);
    install("okra-analysis-evaluator", EVALUATOR_ROLE);
    bind(ROLE, USER);
    bind(ROLE, EVALUATOR_USER);
    bind(EVALUATOR_ROLE, EVALUATOR_USER);
    okra = client(USER);
    evaluator = client(EVALUATOR_USER);
  }

  /** docs/rbac.yaml's ClusterRole {@code name}, created as {@code as}. */
  private static void install(String name, String as) throws Exception {
    ClusterRole role = rbacYaml().stream().filter(o -> o instanceof ClusterRole && o.getMetadata().getName().equals(name))
        .map(ClusterRole.class::cast).findFirst().orElseThrow(() -> new AssertionError("docs/rbac.yaml has no ClusterRole " + name));
    role.getMetadata().setName(as);
    kube.client().rbac().clusterRoles().resource(role).createOr(r -> r.update());
  }

  /** docs/rbac.yaml's per-namespace Role okra-secret-reader, created in {@code ns} and bound to both users. */
  private static void secretReaderIn(String ns) throws Exception {
    Role role = rbacYaml().stream().filter(o -> o instanceof Role && o.getMetadata().getName().equals(SECRET_READER))
        .map(Role.class::cast).findFirst().orElseThrow(() -> new AssertionError("docs/rbac.yaml has no Role " + SECRET_READER));
    role.getMetadata().setNamespace(ns);
    kube.client().rbac().roles().inNamespace(ns).resource(role).create();
    kube.client().rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName(SECRET_READER)
        .withNamespace(ns).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", SECRET_READER)
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(USER).endSubject()
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(EVALUATOR_USER).endSubject().build()).create();
  }

  private static void bind(String role, String user) {
    kube.client().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role + "-" + user)
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject().build())
        .createOr(r -> r.update());
  }

  private static KubernetesClient client(String user) throws Exception {
    Config config = Config.fromKubeconfig(Files.readString(kube.kubeconfig()));
    config.setImpersonateUsername(user);
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("rbac-it", new Recorder())).build();
  }

  @AfterAll
  static void stop() {
    if (okra != null) okra.close();
    if (evaluator != null) evaluator.close();
    if (kube != null) kube.close();
  }

  @Test
  void theClusterRoleIsEnoughForAWholeRolloutAndEveryVerbIsUsed() throws Exception {
    String ns = kube.freshNamespace("rbac");
    secretReaderIn(ns);
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    new OkraObjects(kube.client()).cellReferencingEverything(ns, LISTENER, 10);
    SimulatedLoadBalancer alb = new SimulatedLoadBalancer();
    alb.addListener(LISTENER);
    Fabric8ClusterStore store = new Fabric8ClusterStore(okra);
    CellReconciler reconciler = new CellReconciler(store, alb, new ArgoAnalyses(okra), clock);
    OkraObjects admin = new OkraObjects(kube.client());
    // The binding reaches the authorizer's cache a moment after it is written.
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> okra.resources(Cell.class).inNamespace(ns).list() != null);
    requests.clear();

    addVersion(admin, alb, ns, "1.0.0");
    assertThat(reconciler.reconcile(ns, "web", WRITE).phase()).isEqualTo(Phase.Succeeded);
    // `reconcile --all` without -n lists the Cells of every namespace (the same call; other tests' Cells are
    // in there too, so they are not reconciled here).
    assertThat(store.cells(null)).extracting(c -> c.getMetadata().getNamespace()).contains(ns);
    // `reconcile --all -n NS` reads blocklists, ALB configs and templates once per namespace, by listing them.
    assertThat(reconciler.reconcileAll(ns, WRITE)).hasSize(1);
    addVersion(admin, alb, ns, "2.0.0");
    Phase phase = null;
    for (int i = 0; i < 30 && phase != Phase.Paused; i++) {
      phase = reconciler.reconcile(ns, "web", WRITE).phase();
      assertThat(phase).isNotIn(Phase.Failed, Phase.Invalid);
      succeedRuns(ns); // plays Argo Rollouts
      clock.advance(Duration.ofSeconds(30));
    }
    assertThat(phase).as("the rollout reaches the pause that waits for promotion").isEqualTo(Phase.Paused);

    steer(store, ns, "abort"); // as `okra-runner cell abort` does
    assertThat(reconciler.reconcile(ns, "web", WRITE).phase()).isEqualTo(Phase.Failed);
    reconciler.reconcile(ns, "web", WRITE);
    steer(store, ns, "retry"); // as `okra-runner cell retry`: unblock, then record
    reconciler.reconcile(ns, "web", WRITE);

    Set<String> granted = granted(kube.client().rbac().clusterRoles().withName(ROLE).get().getRules());
    granted.addAll(granted(kube.client().rbac().roles().inNamespace(ns).withName(SECRET_READER).get().getRules()));
    assertThat(new TreeSet<>(requests)).isEqualTo(granted);
  }

  /**
   * okra-analysis-evaluator, bound beside okra-runner: Okra's evaluator judges the analysis step (its
   * provider is scripted here; the providers are tested against their servers elsewhere) and
   * {@code analysis run}'s path records a run of its own. Nothing is forbidden, and every verb the
   * evaluator role adds is used.
   */
  @Test
  void theEvaluatorRoleIsEnoughForOkrasEvaluatorAndEveryVerbIsUsed() throws Exception {
    String ns = kube.freshNamespace("rbac-okra");
    secretReaderIn(ns);
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    new OkraObjects(kube.client()).cellReferencingEverything(ns, LISTENER, 11);
    SimulatedLoadBalancer alb = new SimulatedLoadBalancer();
    alb.addListener(LISTENER);
    Providers providers = new Providers(List.of(new MetricProvider() {
      @Override
      public String type() {
        return "prometheus";
      }

      @Override
      public Observation measure(Metric metric, Instant now) {
        return new Observation.Value(GoValue.float64s(List.of(0.99)), "[0.99]");
      }
    }));
    OkraAnalyses analyses = new OkraAnalyses(evaluator, providers, clock, Evaluator.OKRA);
    CellReconciler reconciler = new CellReconciler(new Fabric8ClusterStore(evaluator), alb, analyses, clock);
    OkraObjects admin = new OkraObjects(kube.client());
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> evaluator.resources(Cell.class).inNamespace(ns).list() != null
        && evaluator.genericKubernetesResources(OkraObjects.ANALYSIS_RUN).inNamespace(ns).withName("none").get() == null);
    requests.clear();

    addVersion(admin, alb, ns, "1.0.0");
    assertThat(reconciler.reconcile(ns, "web", WRITE).phase()).isEqualTo(Phase.Succeeded);
    addVersion(admin, alb, ns, "2.0.0");
    Phase phase = null;
    for (int i = 0; i < 30 && phase != Phase.Paused; i++) {
      phase = reconciler.reconcile(ns, "web", WRITE).phase();
      assertThat(phase).isNotIn(Phase.Failed, Phase.Invalid);
      succeedExperiments(ns);
      clock.advance(Duration.ofSeconds(30));
    }
    assertThat(phase).as("the rollout passes Okra's analysis and reaches the pause").isEqualTo(Phase.Paused);
    assertThat(admin.analysisRuns(ns)).anySatisfy(r -> assertThat(r.getMetadata().getLabels())
        .containsEntry(OkraAnalyses.INSTANCE_LABEL, OkraAnalyses.INSTANCE));
    // `okra-runner analysis run`: create the run, measure, read it back.
    GenericKubernetesResource gate = analyses.standalone(ns, Optional.of("gate"), List.of(new Step.TemplateRef("success-rate", false)),
        java.util.Map.of("version", "2.0.0", "api-key", "k"));
    assertThat(analyses.evaluate(gate).phase()).isEqualTo(RunPhase.SUCCESSFUL);
    assertThat(analyses.reload(gate)).isNotNull();

    Set<String> granted = granted(kube.client().rbac().clusterRoles().withName(ROLE).get().getRules());
    granted.addAll(granted(kube.client().rbac().roles().inNamespace(ns).withName(SECRET_READER).get().getRules()));
    Set<String> added = granted(kube.client().rbac().clusterRoles().withName(EVALUATOR_ROLE).get().getRules());
    granted.addAll(added);
    assertThat(granted).as("every request is granted").containsAll(requests);
    assertThat(requests).as("every verb okra-analysis-evaluator grants is used").containsAll(added);
  }

  private static void succeedExperiments(String ns) {
    ArgoStandIn.judging(new OkraObjects(kube.client()), ns, "Successful").andExperiments().judge();
  }

  private static void addVersion(OkraObjects admin, SimulatedLoadBalancer alb, String ns, String version) {
    String arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-" + version.replace('.', '-') + "/0123456789abcdef";
    alb.addTargetGroup(arn);
    admin.targetGroup(ns, "web-" + version.replace('.', '-'), arn, version);
  }

  private static void succeedRuns(String ns) {
    for (var kind : List.of(OkraObjects.ANALYSIS_RUN, OkraObjects.EXPERIMENT)) {
      for (GenericKubernetesResource r : kube.client().genericKubernetesResources(kind).inNamespace(ns).list().getItems()) {
        if (r.getAdditionalProperties().get("status") == null) {
          new OkraObjects(kube.client()).setPhase(kind, ns, r.getMetadata().getName(), "Successful");
        }
      }
    }
  }

  /** What CellCommand's abort and retry do, through the same store calls. */
  private static void steer(Fabric8ClusterStore store, String ns, String what) {
    Cell cell = store.cell(ns, "web").orElseThrow();
    var state = CellStatusMapping.toState(cell.getStatus());
    var next = what.equals("abort") ? CellControl.abort(state, "rbac test") : CellControl.retry(state);
    if (what.equals("retry")) assertThat(store.unblock(cell, state.failure().orElseThrow().version().toString())).isTrue();
    cell.setStatus(CellStatusMapping.withState(cell.getStatus(), next, what, Instant.now()));
    store.updateCellStatus(cell);
  }

  /** "group resource verb" for every resource and verb a rule of the role grants. */
  static Set<String> granted(List<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) out.add(key(group, resource, verb));
        }
      }
    }
    return out;
  }

  private static String key(String group, String resource, String verb) {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }

  @SuppressWarnings("unchecked")
  static List<HasMetadata> rbacYaml() throws Exception {
    try (InputStream in = Files.newInputStream(DocsFiles.repoRoot().resolve("docs/rbac.yaml"))) {
      return (List<HasMetadata>) Serialization.unmarshal(in);
    }
  }

  /**
   * Turns each API request into the RBAC attributes the authorizer checks: API group, resource[/subresource],
   * verb; those the server answered with 401 or 403 go into {@code refused} as well.
   */
  static final class Recorder implements Interceptor {
    private final Set<String> into;
    private final Set<String> refused;

    Recorder() {
      this(requests, new ConcurrentSkipListSet<>());
    }

    Recorder(Set<String> into, Set<String> refused) {
      this.into = into;
      this.refused = refused;
    }

    @Override
    public void after(HttpRequest request, io.fabric8.kubernetes.client.http.HttpResponse<?> response,
                      io.fabric8.kubernetes.client.http.AsyncBody.Consumer<List<java.nio.ByteBuffer>> consumer) {
      if (response.code() == 401 || response.code() == 403) refused.add(attributes(request) + " -> " + response.code());
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      into.add(attributes(request));
    }

    private static String attributes(HttpRequest request) {
      String[] p = request.uri().getPath().replaceAll("^/+", "").split("/");
      int at;
      String group;
      if (p.length >= 3 && p[0].equals("api")) {
        group = "";
        at = 2;
      } else if (p.length >= 4 && p[0].equals("apis")) {
        group = p[1];
        at = 3;
      } else {
        return "non-resource " + request.uri().getPath() + " " + request.method();
      }
      if (p.length > at + 2 && p[at].equals("namespaces")) at += 2; // namespaced: skip namespaces/<ns>
      String resource = p[at];
      boolean named = p.length > at + 1;
      if (p.length > at + 2) resource += "/" + p[at + 2];
      String query = request.uri().getQuery() == null ? "" : request.uri().getQuery();
      String verb = switch (request.method()) {
        case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> named ? "delete" : "deletecollection";
        default -> request.method();
      };
      return key(group, resource, verb);
    }
  }
}
