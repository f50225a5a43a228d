package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The AWSTargetGroupSet decision, table-driven: listings and existing AWSTargetGroups in, a plan out. */
class TargetGroupPlannerTest {
  private static final TargetGroupSetDefinition SET = new TargetGroupSetDefinition("default", "cell1",
      List.of(new TargetGroupSetDefinition.BindingGenerator(Map.of("service", "demo"), Map.of("role", "web"))),
      Map.of("team", "web"), Map.of());
  private static final String ARN1 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web1/1";
  private static final String ARN2 = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web2/2";

  record Row(String name, List<ClusterListing> listings, List<ObservedTargetGroup> existing, List<String> create,
             List<String> update, List<String> delete, List<String> kept, List<Note.Kind> notes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> rows() {
    ObservedTargetGroup a1 = owned(desired("a", "default", "web1", ARN1));
    ObservedTargetGroup b1 = owned(desired("b", "default", "web1", ARN2));
    return Stream.of(
        row("each binding becomes <cluster>-<namespace>-<name>", List.of(listed("a", binding("default", "web1", ARN1))), List.of(),
            List.of("a-default-web1"), List.of(), List.of(), List.of(), List.of()),
        row("two clusters with identical bindings get one AWSTargetGroup each",
            List.of(listed("a", binding("default", "web1", ARN1)), listed("b", binding("default", "web1", ARN2))), List.of(),
            List.of("a-default-web1", "b-default-web1"), List.of(), List.of(), List.of(), List.of()),
        row("an unchanged AWSTargetGroup is left alone", List.of(listed("a", binding("default", "web1", ARN1))), List.of(a1),
            List.of(), List.of(), List.of(), List.of(), List.of()),
        row("a changed ARN is updated", List.of(listed("a", binding("default", "web1", ARN2))), List.of(a1),
            List.of(), List.of("a-default-web1"), List.of(), List.of(), List.of()),
        row("a binding gone from a listed cluster loses its AWSTargetGroup", List.of(listed("a")), List.of(a1),
            List.of(), List.of(), List.of("a-default-web1"), List.of(), List.of()),
        row("a cluster no longer selected loses its AWSTargetGroups", List.of(listed("b", binding("default", "web1", ARN2))),
            List.of(a1, b1), List.of(), List.of(), List.of("a-default-web1"), List.of(), List.of()),
        row("an unreachable cluster keeps its AWSTargetGroups; the others are synced",
            List.of(unreachable("a"), listed("b")), List.of(a1, b1),
            List.of(), List.of(), List.of("b-default-web1"), List.of("a-default-web1"), List.of(Note.Kind.UNREACHABLE)),
        row("a hand-written AWSTargetGroup is never deleted", List.of(listed("a")), List.of(handWritten("default-web1")),
            List.of(), List.of(), List.of(), List.of(), List.of()),
        row("a hand-written AWSTargetGroup in the way is a conflict", List.of(listed("a", binding("default", "web1", ARN1))),
            List.of(handWritten("a-default-web1")), List.of(), List.of(), List.of(), List.of(), List.of(Note.Kind.CONFLICT)),
        row("another set's AWSTargetGroups are never deleted", List.of(), List.of(ownedBy("other", desired("a", "default", "web1", ARN1))),
            List.of(), List.of(), List.of(), List.of(), List.of()),
        row("a binding without ARN is skipped", List.of(listed("a", new ObservedBinding("default", "web1", Map.of(), Optional.empty()))),
            List.of(), List.of(), List.of(), List.of(), List.of(), List.of(Note.Kind.SKIPPED)),
        row("names that still collide get a hash of their source",
            List.of(listed("a-b", binding("c", "web", ARN1)), listed("a", binding("b-c", "web", ARN2))), List.of(),
            List.of(Names.withHash("a-b-c-web", "a/b-c/web"), Names.withHash("a-b-c-web", "a-b/c/web")), List.of(), List.of(), List.of(),
            List.of(Note.Kind.CONFLICT, Note.Kind.CONFLICT)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void plans(Row row) {
    TargetGroupPlan plan = TargetGroupPlanner.plan(SET, row.listings(), row.existing());
    assertThat(plan.create()).extracting(DesiredTargetGroup::name).as("create").containsExactlyInAnyOrderElementsOf(row.create());
    assertThat(plan.update()).extracting(DesiredTargetGroup::name).as("update").containsExactlyElementsOf(row.update());
    assertThat(plan.delete()).as("delete").containsExactlyElementsOf(row.delete());
    assertThat(plan.kept()).as("kept").containsExactlyElementsOf(row.kept());
    assertThat(plan.notes()).extracting(Note::kind).as("notes").containsExactlyElementsOf(row.notes());
    assertThat(plan.delete()).allSatisfy(n -> assertThat(row.existing()).filteredOn(t -> t.name().equals(n))
        .allSatisfy(t -> assertThat(t.ownedBy("cell1")).isTrue()));
  }

  @Test
  void labelsAreTheBindingsThenTheTemplatesThenTheSourceAndTheSetLabel() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("role", "web");
    labels.put("okra.mumo.co/version", "1.0.0");
    labels.put("team", "from-binding");
    TargetGroupPlan plan = TargetGroupPlanner.plan(SET,
        List.of(new ClusterListing.Listed("web-1-v1", List.of(new ObservedBinding("default", "web1", labels, Optional.of(ARN1))))), List.of());
    DesiredTargetGroup tg = plan.create().get(0);
    assertThat(tg.name()).isEqualTo("web-1-v1-default-web1");
    assertThat(tg.arn()).isEqualTo(ARN1);
    assertThat(tg.labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "role", "web", "okra.mumo.co/version", "1.0.0", "team", "web",
        "okra.mumo.co/target-group-binding-cluster", "web-1-v1",
        "okra.mumo.co/target-group-binding-namespace", "default",
        "okra.mumo.co/target-group-binding-name", "web1",
        "okra.mumo.co/targetgroupset", "cell1"));
    assertThat(tg.annotations()).containsEntry("okra.mumo.co/target-group-binding", "web-1-v1/default/web1");
    assertThat(plan.clusters()).singleElement().satisfies(c -> {
      assertThat(c.reachable()).isTrue();
      assertThat(c.bindings()).isEqualTo(1);
    });
  }

  private static Arguments row(String name, List<ClusterListing> listings, List<ObservedTargetGroup> existing, List<String> create,
                               List<String> update, List<String> delete, List<String> kept, List<Note.Kind> notes) {
    return Arguments.of(new Row(name, listings, existing, create, update, delete, kept, notes));
  }

  static ObservedBinding binding(String ns, String name, String arn) {
    return new ObservedBinding(ns, name, Map.of("role", "web", "okra.mumo.co/version", "1.0.0"), Optional.of(arn));
  }

  static ClusterListing listed(String cluster, ObservedBinding... bindings) {
    return new ClusterListing.Listed(cluster, List.of(bindings));
  }

  static ClusterListing unreachable(String cluster) {
    return new ClusterListing.Unreachable(cluster, "connection refused");
  }

  static DesiredTargetGroup desired(String cluster, String ns, String name, String arn) {
    return TargetGroupPlanner.plan(SET, List.of(listed(cluster, binding(ns, name, arn))), List.of()).create().get(0);
  }

  static ObservedTargetGroup owned(DesiredTargetGroup d) {
    return ownedBy("cell1", d);
  }

  static ObservedTargetGroup ownedBy(String set, DesiredTargetGroup d) {
    return new ObservedTargetGroup(d.name(), d.labels(), d.annotations(), d.arn(), Optional.of(set));
  }

  static ObservedTargetGroup handWritten(String name) {
    return new ObservedTargetGroup(name, Map.of("role", "web", "okra.mumo.co/version", "1.0.0"), Map.of(), ARN1, Optional.empty());
  }
}
