package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ClusterSet decision, table-driven: EKS clusters and existing Secrets in, a plan out. */
class SecretPlannerTest {
  private static final ClusterSetDefinition SET = new ClusterSetDefinition("argocd", "cell1",
      List.of(new ClusterSetDefinition.TagGenerator(Map.of("Service", "demo"), Optional.empty()),
          new ClusterSetDefinition.TagGenerator(Map.of("Service", "api", "Env", "prod"), Optional.of("arn:aws:iam::123456789012:role/r"))),
      Map.of("service", "demo"), Map.of());

  /** One row: clusters, existing Secrets, and what the plan must say. */
  record Row(String name, List<EksCluster> clusters, List<ObservedSecret> secrets, List<String> create, List<String> update,
             List<String> delete, List<String> pending, List<Note.Kind> notes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> rows() {
    ObservedSecret ownedA = owned(SecretPlanner.desired(SET, eks("a", "ACTIVE", "Service", "demo"), SET.generators().get(0), "a"));
    return Stream.of(
        row("a new ACTIVE cluster gets a Secret", List.of(eks("a", "ACTIVE", "Service", "demo")), List.of(),
            List.of("a"), List.of(), List.of(), List.of(), List.of()),
        row("tags must all match", List.of(eks("a", "ACTIVE", "Service", "demo2"), eks("b", "ACTIVE", "Env", "prod", "Service", "api"),
                eks("c", "ACTIVE", "Service", "api")), List.of(),
            List.of("b"), List.of(), List.of(), List.of(), List.of()),
        row("an unchanged Secret is left alone", List.of(eks("a", "ACTIVE", "Service", "demo")), List.of(ownedA),
            List.of(), List.of(), List.of(), List.of(), List.of()),
        row("a changed endpoint is updated", List.of(withEndpoint(eks("a", "ACTIVE", "Service", "demo"), "https://new.example")),
            List.of(ownedA), List.of(), List.of("a"), List.of(), List.of(), List.of()),
        row("a label added by hand to an owned Secret is taken away", List.of(eks("a", "ACTIVE", "Service", "demo")),
            List.of(withLabel(ownedA, "extra", "x")), List.of(), List.of("a"), List.of(), List.of(), List.of()),
        row("a cluster gone from EKS loses its Secret", List.of(), List.of(ownedA),
            List.of(), List.of(), List.of("a"), List.of(), List.of()),
        row("a cluster whose tag changed loses its Secret", List.of(eks("a", "ACTIVE", "Service", "other")), List.of(ownedA),
            List.of(), List.of(), List.of("a"), List.of(), List.of()),
        row("a CREATING cluster is reported, not written", List.of(eks("a", "CREATING", "Service", "demo")), List.of(),
            List.of(), List.of(), List.of(), List.of("a"), List.of(Note.Kind.PENDING)),
        row("a CREATING cluster keeps a Secret it already has", List.of(eks("a", "CREATING", "Service", "demo")), List.of(ownedA),
            List.of(), List.of(), List.of(), List.of("a"), List.of(Note.Kind.PENDING)),
        row("a DELETING cluster loses its Secret", List.of(eks("a", "DELETING", "Service", "demo")), List.of(ownedA),
            List.of(), List.of(), List.of("a"), List.of(), List.of()),
        row("a hand-written Secret is never deleted", List.of(), List.of(handWritten("manual"), ownedBy("other", "x")),
            List.of(), List.of(), List.of(), List.of(), List.of()),
        row("a hand-written Secret with the cluster's name is a conflict, not a takeover",
            List.of(eks("a", "ACTIVE", "Service", "demo")), List.of(handWritten("a")),
            List.of(), List.of(), List.of(), List.of(), List.of(Note.Kind.CONFLICT)),
        row("a Secret of another ClusterSet is a conflict", List.of(eks("x", "ACTIVE", "Service", "demo")), List.of(ownedBy("other", "x")),
            List.of(), List.of(), List.of(), List.of(), List.of(Note.Kind.CONFLICT)),
        row("two EKS names that map to one Secret name: the second is a conflict",
            List.of(eks("Web_1", "ACTIVE", "Service", "demo"), eks("web-1", "ACTIVE", "Service", "demo")), List.of(),
            List.of("web-1"), List.of(), List.of(), List.of(), List.of(Note.Kind.CONFLICT)),
        row("a cluster without endpoint is skipped", List.of(withEndpoint(eks("a", "ACTIVE", "Service", "demo"), null)), List.of(),
            List.of(), List.of(), List.of(), List.of(), List.of(Note.Kind.SKIPPED)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void plans(Row row) {
    SecretPlan plan = SecretPlanner.plan(SET, row.clusters(), row.secrets());
    assertThat(plan.create()).extracting(DesiredSecret::name).as("create").containsExactlyElementsOf(row.create());
    assertThat(plan.update()).extracting(DesiredSecret::name).as("update").containsExactlyElementsOf(row.update());
    assertThat(plan.delete()).as("delete").containsExactlyElementsOf(row.delete());
    assertThat(plan.pending()).as("pending").containsExactlyElementsOf(row.pending());
    assertThat(plan.notes()).extracting(Note::kind).as("notes").containsExactlyElementsOf(row.notes());
    // Whatever the row: only Secrets this set owns are ever deleted.
    assertThat(plan.delete()).allSatisfy(n -> assertThat(row.secrets()).filteredOn(s -> s.name().equals(n))
        .allSatisfy(s -> assertThat(s.ownedBy("cell1")).isTrue()));
  }

  @org.junit.jupiter.api.Test
  void theSecretCarriesArgoCdsLayoutTheTemplateLabelsAndTheRoleOfTheMatchingGenerator() {
    SecretPlan plan = SecretPlanner.plan(SET, List.of(eks("api-1", "ACTIVE", "Service", "api", "Env", "prod")), List.of());
    DesiredSecret s = plan.create().get(0);
    assertThat(s.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("argocd.argoproj.io/secret-type", "cluster",
        "service", "demo", "okra.mumo.co/clusterset", "cell1"));
    assertThat(s.annotations()).containsEntry("okra.mumo.co/eks-cluster-arn", "arn:aws:eks:us-east-1:123456789012:cluster/api-1");
    assertThat(s.data()).containsEntry("name", "api-1").containsEntry("server", "https://api-1.eks.example");
    ClusterConfig config = ClusterConfig.parse(s.config(), "x");
    assertThat(config.awsAuth()).contains(new ClusterConfig.AwsAuth("api-1", Optional.of("arn:aws:iam::123456789012:role/r")));
    assertThat(config.tls().caData()).contains("Q0E=");
    assertThat(config.bearerToken()).isEmpty();
    assertThat(plan.owned()).isEqualTo(1);
  }

  private static Arguments row(String name, List<EksCluster> clusters, List<ObservedSecret> secrets, List<String> create,
                               List<String> update, List<String> delete, List<String> pending, List<Note.Kind> notes) {
    return Arguments.of(new Row(name, clusters, secrets, create, update, delete, pending, notes));
  }

  static EksCluster eks(String name, String status, String... tags) {
    Map<String, String> t = new java.util.HashMap<>();
    for (int i = 0; i < tags.length; i += 2) t.put(tags[i], tags[i + 1]);
    return new EksCluster(name, "arn:aws:eks:us-east-1:123456789012:cluster/" + name, status,
        Optional.of("https://" + name + ".eks.example"), Optional.of("Q0E="), t);
  }

  static EksCluster withEndpoint(EksCluster c, String endpoint) {
    return new EksCluster(c.name(), c.arn(), c.status(), Optional.ofNullable(endpoint), c.caData(), c.tags());
  }

  static ObservedSecret owned(DesiredSecret d) {
    return new ObservedSecret(d.name(), d.labels(), d.annotations(), d.data(), Optional.of("cell1"));
  }

  static ObservedSecret withLabel(ObservedSecret s, String k, String v) {
    Map<String, String> labels = new java.util.HashMap<>(s.labels());
    labels.put(k, v);
    return new ObservedSecret(s.name(), labels, s.annotations(), s.data(), s.ownerClusterSet());
  }

  static ObservedSecret handWritten(String name) {
    return new ObservedSecret(name, Map.of("argocd.argoproj.io/secret-type", "cluster", "service", "demo"), Map.of(),
        Map.of("name", name, "server", "https://k8s.example", "config", "{\"bearerToken\":\"secret\"}"), Optional.empty());
  }

  static ObservedSecret ownedBy(String set, String name) {
    return new ObservedSecret(name, Map.of("argocd.argoproj.io/secret-type", "cluster", "okra.mumo.co/clusterset", set), Map.of(),
        Map.of("name", name, "server", "https://x", "config", "{}"), Optional.of(set));
  }
}
