package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.core.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Weights#split} over random target-group sets and percentages. Each case is a seed, so a
 * failure names the seed that reproduces it.
 */
class WeightsPropertiesTest {

  static LongStream seeds() {
    return LongStream.range(0, 2000);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theWeightsAlwaysTotalOneHundredAndFollowThePercentage(long seed) {
    Random random = new Random(seed);
    List<VersionedTargetGroup> stable = groups(random);
    List<VersionedTargetGroup> canary = groups(random);
    int percent = random.nextInt(101);
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

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aPercentageOutsideZeroToOneHundredIsRefused(long seed) {
    Random random = new Random(seed);
    List<VersionedTargetGroup> groups = groups(random);
    int percent = random.nextBoolean() ? -1 - random.nextInt(1000) : 101 + random.nextInt(1000);
    List<VersionedTargetGroup> canary = List.of(new VersionedTargetGroup("c", "arn:c", Version.parse("2.0.0")));
    assertThatThrownBy(() -> Weights.split(groups, canary, percent)).isInstanceOf(IllegalArgumentException.class);
  }

  /** 0-5 target groups with distinct random names. */
  static List<VersionedTargetGroup> groups(Random random) {
    List<VersionedTargetGroup> out = new ArrayList<>();
    for (String n : RandomNames.distinct(random, random.nextInt(6), 6)) {
      out.add(new VersionedTargetGroup(n, "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/" + n + "/1", Version.parse("1.0.0")));
    }
    return out;
  }

  private static int total(List<Weights.Share> shares, Weights.Role role) {
    Map<Weights.Role, Integer> byRole = shares.stream().collect(Collectors.groupingBy(Weights.Share::role,
        Collectors.summingInt(Weights.Share::weight)));
    return byRole.getOrDefault(role, 0);
  }
}
