package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** {@link Weights#split} over random target-group sets and percentages. */
class WeightsPropertiesTest {

  @Property(tries = 2000)
  void theWeightsAlwaysTotalOneHundredAndFollowThePercentage(@ForAll("groups") List<VersionedTargetGroup> stable,
                                                            @ForAll("groups") List<VersionedTargetGroup> canary,
                                                            @ForAll @IntRange(min = 0, max = 100) int percent) {
    if (stable.isEmpty() && canary.isEmpty()) {
      assertThatThrownBy(() -> Weights.split(stable, canary, percent)).isInstanceOf(IllegalArgumentException.class);
      return;
    }
    List<Weights.Share> shares = Weights.split(stable, canary, percent);

    assertThat(shares).hasSize(stable.size() + canary.size());
    assertThat(shares).allSatisfy(s -> assertThat(s.weight()).isBetween(0, 100));
    assertThat(shares.stream().mapToInt(Weights.Share::weight).sum()).isEqualTo(100);
    int canaryTotal = total(shares, Weights.Role.CANARY);
    int expected = stable.isEmpty() ? 100 : canary.isEmpty() ? 0 : percent;
    assertThat(canaryTotal).as("the canary's share").isEqualTo(expected);
    assertThat(total(shares, Weights.Role.STABLE)).isEqualTo(100 - expected);
    for (Weights.Role role : Weights.Role.values()) {
      List<Integer> w = shares.stream().filter(s -> s.role() == role).map(Weights.Share::weight).toList();
      if (w.isEmpty()) continue;
      // Even split: the groups of one role differ by at most one point, the larger ones first.
      assertThat(w.stream().mapToInt(Integer::intValue).max().getAsInt() - w.stream().mapToInt(Integer::intValue).min().getAsInt())
          .isLessThanOrEqualTo(1);
      for (int i = 1; i < w.size(); i++) assertThat(w.get(i)).isLessThanOrEqualTo(w.get(i - 1));
    }
    // Every group given is in the split once, in its role; nothing else is.
    assertThat(shares.stream().filter(s -> s.role() == Weights.Role.STABLE).map(Weights.Share::group)).containsExactlyElementsOf(stable);
    assertThat(shares.stream().filter(s -> s.role() == Weights.Role.CANARY).map(Weights.Share::group)).containsExactlyElementsOf(canary);
  }

  @Property(tries = 500)
  void aPercentageOutsideZeroToOneHundredIsRefused(@ForAll("groups") List<VersionedTargetGroup> groups,
                                                   @ForAll @IntRange(min = -1000, max = 1000) int percent) {
    if (percent >= 0 && percent <= 100) return;
    List<VersionedTargetGroup> canary = List.of(new VersionedTargetGroup("c", "arn:c", Version.parse("2.0.0")));
    assertThatThrownBy(() -> Weights.split(groups, canary, percent)).isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<List<VersionedTargetGroup>> groups() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6).list().ofMinSize(0).ofMaxSize(5).uniqueElements()
        .map(names -> {
          List<VersionedTargetGroup> out = new ArrayList<>();
          for (String n : names) out.add(new VersionedTargetGroup(n, "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/" + n + "/1",
              Version.parse("1.0.0")));
          return out;
        });
  }

  private static int total(List<Weights.Share> shares, Weights.Role role) {
    Map<Weights.Role, Integer> byRole = shares.stream().collect(Collectors.groupingBy(Weights.Share::role,
        Collectors.summingInt(Weights.Share::weight)));
    return byRole.getOrDefault(role, 0);
  }
}
