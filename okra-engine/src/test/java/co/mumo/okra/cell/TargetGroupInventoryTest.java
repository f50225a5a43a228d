package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.core.Version;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetGroupInventoryTest {
  static final String LABEL = CellDefinition.DEFAULT_VERSION_LABEL;
  static final List<String> DEFAULT = List.of(LABEL);

  static TargetGroup tg(String name, String version) {
    return new TargetGroup(name, "arn:tg/" + name, Map.of(LABEL, version));
  }

  static Version v(String s) {
    return Version.parse(s);
  }

  @Test
  void groupsByVersionInNameOrder() {
    TargetGroupInventory inv = TargetGroupInventory.of(
        List.of(tg("web-b", "1.0.0"), tg("web-c", "2.0.0"), tg("web-a", "1.0.0"), tg("web-d", "v2.0.0")), DEFAULT);
    assertThat(inv.byVersion().keySet()).extracting(Version::canonical).containsExactly("1.0.0", "2.0.0");
    assertThat(inv.of(v("1.0.0"))).extracting(VersionedTargetGroup::name).containsExactly("web-a", "web-b");
    assertThat(inv.of(v("2.0.0"))).extracting(VersionedTargetGroup::name).containsExactly("web-c", "web-d");
    assertThat(inv.rejected()).isEmpty();
  }

  @Test
  void aBadVersionLabelIsRejectedWithoutBreakingTheOthers() {
    TargetGroupInventory inv = TargetGroupInventory.of(List.of(
        tg("web-a", "1.0.0"),
        tg("web-bad", "latest"),
        new TargetGroup("web-nolabel", "arn:tg/nolabel", Map.of("role", "web")),
        new TargetGroup("web-blank", "arn:tg/blank", Map.of(LABEL, "  ")),
        new TargetGroup("web-noarn", "", Map.of(LABEL, "1.0.0")),
        new TargetGroup("web-nullarn", null, Map.of(LABEL, "1.0.0")),
        new TargetGroup("web-nulllabels", "arn:tg/nulllabels", null),
        tg("web-b", "1.0.0")), DEFAULT);
    assertThat(inv.of(v("1.0.0"))).extracting(VersionedTargetGroup::name).containsExactly("web-a", "web-b");
    assertThat(inv.rejected()).extracting(TargetGroupInventory.Rejected::name)
        .containsExactlyInAnyOrder("web-bad", "web-nolabel", "web-blank", "web-noarn", "web-nullarn", "web-nulllabels");
    assertThat(inv.rejected()).filteredOn(r -> r.name().equals("web-bad")).singleElement()
        .satisfies(r -> assertThat(r.reason()).contains(LABEL).contains("latest").contains("not a semantic version"));
    assertThat(inv.rejected()).filteredOn(r -> r.name().equals("web-nolabel")).singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("no version label").contains(LABEL));
    assertThat(inv.rejected()).filteredOn(r -> r.name().equals("web-noarn")).singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("arn"));
  }

  @Test
  void theFirstNonEmptyVersionLabelWins() {
    List<String> labels = List.of("app.kubernetes.io/version", "okra.mumo.co/version");
    TargetGroupInventory inv = TargetGroupInventory.of(List.of(
        new TargetGroup("a", "arn:a", Map.of("app.kubernetes.io/version", "2.0.0", "okra.mumo.co/version", "1.0.0")),
        new TargetGroup("b", "arn:b", Map.of("app.kubernetes.io/version", "", "okra.mumo.co/version", "1.0.0")),
        new TargetGroup("c", "arn:c", Map.of("okra.mumo.co/version", "1.0.0")),
        // The first non-empty label is the one read, even when it is bad and a later one is good.
        new TargetGroup("d", "arn:d", Map.of("app.kubernetes.io/version", "nope", "okra.mumo.co/version", "1.0.0"))), labels);
    assertThat(inv.of(v("2.0.0"))).extracting(VersionedTargetGroup::name).containsExactly("a");
    assertThat(inv.of(v("1.0.0"))).extracting(VersionedTargetGroup::name).containsExactly("b", "c");
    assertThat(inv.rejected()).extracting(TargetGroupInventory.Rejected::name).containsExactly("d");
    assertThat(inv.rejected().get(0).reason()).contains("app.kubernetes.io/version");
  }

  @Test
  void newestCompleteNeedsAtLeastReplicasGroupsAndPermission() {
    TargetGroupInventory inv = TargetGroupInventory.of(List.of(
        tg("a1", "1.0.0"), tg("a2", "1.0.0"),
        tg("b1", "1.1.0"), tg("b2", "1.1.0"), tg("b3", "1.1.0"),
        tg("c1", "2.0.0")), DEFAULT);
    assertThat(inv.newestComplete(1, x -> true)).contains(v("2.0.0"));
    assertThat(inv.newestComplete(2, x -> true)).contains(v("1.1.0"));
    assertThat(inv.newestComplete(3, x -> true)).contains(v("1.1.0"));
    assertThat(inv.newestComplete(4, x -> true)).isEmpty();
    assertThat(inv.newestComplete(2, x -> !x.sameAs(v("1.1.0")))).contains(v("1.0.0"));
    assertThat(inv.newestComplete(1, x -> false)).isEmpty();
  }

  @Test
  void lookups() {
    TargetGroupInventory inv = TargetGroupInventory.of(List.of(tg("a1", "1.0.0")), DEFAULT);
    assertThat(inv.of(v("9.9.9"))).isEmpty();
    assertThat(inv.of(null)).isEmpty();
    assertThat(inv.byArn("arn:tg/a1")).map(VersionedTargetGroup::name).contains("a1");
    assertThat(inv.byArn("arn:tg/zz")).isEmpty();
    assertThat(TargetGroupInventory.of(List.of(), DEFAULT).byVersion()).isEmpty();
  }
}
