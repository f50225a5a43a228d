package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.core.Version;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WeightsTest {

  static List<VersionedTargetGroup> groups(String version, int n) {
    Version v = Version.parse(version);
    return IntStream.range(0, n).mapToObj(i -> new VersionedTargetGroup("tg-" + version + "-" + (char) ('a' + i),
        "arn:tg/" + version + "/" + i, v)).toList();
  }

  static List<Integer> weights(List<Weights.Share> shares, Weights.Role role) {
    return shares.stream().filter(s -> s.role() == role).map(Weights.Share::weight).toList();
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // stable groups, canary groups, canary %, stable weights, canary weights
        Arguments.of(1, 1, 20, List.of(80), List.of(20)),
        Arguments.of(1, 1, 0, List.of(100), List.of(0)),
        Arguments.of(1, 1, 100, List.of(0), List.of(100)),
        Arguments.of(2, 2, 20, List.of(40, 40), List.of(10, 10)),
        Arguments.of(2, 2, 25, List.of(38, 37), List.of(13, 12)),
        Arguments.of(3, 2, 20, List.of(27, 27, 26), List.of(10, 10)),
        Arguments.of(2, 3, 20, List.of(40, 40), List.of(7, 7, 6)),
        Arguments.of(2, 3, 100, List.of(0, 0), List.of(34, 33, 33)),
        Arguments.of(3, 2, 0, List.of(34, 33, 33), List.of(0, 0)),
        Arguments.of(1, 4, 50, List.of(50), List.of(13, 13, 12, 12)),
        Arguments.of(4, 1, 1, List.of(25, 25, 25, 24), List.of(1)),
        Arguments.of(2, 2, 1, List.of(50, 49), List.of(1, 0)),
        Arguments.of(2, 2, 99, List.of(1, 0), List.of(50, 49)),
        Arguments.of(3, 0, 20, List.of(34, 33, 33), List.of()),
        Arguments.of(0, 3, 20, List.of(), List.of(34, 33, 33)),
        Arguments.of(0, 1, 0, List.of(), List.of(100)),
        Arguments.of(0, 5, 40, List.of(), List.of(20, 20, 20, 20, 20)));
  }

  @ParameterizedTest(name = "{0} stable + {1} canary at {2}% -> {3} / {4}")
  @MethodSource("table")
  void splitsEvenlyWithRemaindersToTheFirstGroups(int stable, int canary, int percent, List<Integer> stableWeights,
                                                  List<Integer> canaryWeights) {
    List<Weights.Share> shares = Weights.split(groups("1.0.0", stable), groups("2.0.0", canary), percent);
    assertThat(weights(shares, Weights.Role.STABLE)).isEqualTo(stableWeights);
    assertThat(weights(shares, Weights.Role.CANARY)).isEqualTo(canaryWeights);
    assertThat(shares.stream().mapToInt(Weights.Share::weight).sum()).isEqualTo(100);
    assertThat(shares).hasSize(stable + canary);
  }

  @Test
  void hundredOverThreeIs34_33_33InNameOrder() {
    List<Weights.Share> shares = Weights.split(List.of(), groups("1.0.0", 3), 100);
    assertThat(shares).extracting(s -> s.group().name() + "=" + s.weight())
        .containsExactly("tg-1.0.0-a=34", "tg-1.0.0-b=33", "tg-1.0.0-c=33");
  }

  @Test
  void rolesFollowTheListsTheGroupsCameIn() {
    List<Weights.Share> shares = Weights.split(groups("1.0.0", 1), groups("2.0.0", 1), 30);
    assertThat(shares).extracting(Weights.Share::role).containsExactly(Weights.Role.STABLE, Weights.Role.CANARY);
    assertThat(shares).extracting(s -> s.group().version().canonical()).containsExactly("1.0.0", "2.0.0");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 13, 33, 50, 67, 99, 100})
  void everyPercentOverEveryShapeTotals100(int percent) {
    for (int s = 0; s <= 5; s++) {
      for (int c = 0; c + s <= 5; c++) {
        if (s + c == 0) continue;
        List<Weights.Share> shares = Weights.split(groups("1.0.0", s), groups("2.0.0", c), percent);
        assertThat(shares.stream().mapToInt(Weights.Share::weight).sum()).as(s + " stable, " + c + " canary").isEqualTo(100);
        int canary = shares.stream().filter(x -> x.role() == Weights.Role.CANARY).mapToInt(Weights.Share::weight).sum();
        assertThat(canary).as("canary share").isEqualTo(s == 0 ? 100 : c == 0 ? 0 : percent);
        // Even: no two groups of one role differ by more than one point.
        for (Weights.Role role : Weights.Role.values()) {
          List<Integer> w = weights(shares, role);
          if (!w.isEmpty()) {
            assertThat(w.stream().mapToInt(Integer::intValue).max().getAsInt() - w.stream().mapToInt(Integer::intValue).min().getAsInt())
                .isLessThanOrEqualTo(1);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 101, 1000})
  void rejectsPercentOutside0To100(int percent) {
    assertThatThrownBy(() -> Weights.split(groups("1.0.0", 1), groups("2.0.0", 1), percent))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverForwardsToNothing() {
    assertThatThrownBy(() -> Weights.split(List.of(), List.of(), 50)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no target groups");
  }
}
