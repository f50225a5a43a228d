package co.mumo.okra.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleOverlapTest {
  static RuleConditions c(List<String> hosts, List<String> paths, List<String> methods, List<String> ips) {
    return new RuleConditions(hosts, paths, methods, ips, null, null);
  }

  @Test
  void sameHostOverlaps() {
    assertThat(RuleOverlap.between(c(List.of("a.example.com"), null, null, null), c(List.of("A.example.com"), null, null, null)))
        .hasValueSatisfying(why -> assertThat(why).contains("host a.example.com"));
  }

  @Test
  void differentHostsOrPathsDoNot() {
    assertThat(RuleOverlap.between(c(List.of("a.example.com"), null, null, null), c(List.of("b.example.com"), null, null, null))).isEmpty();
    assertThat(RuleOverlap.between(c(null, List.of("/a/*"), null, null), c(null, List.of("/b/*"), null, null))).isEmpty();
  }

  @Test
  void oneConditionThatProvesThemDisjointIsEnough() {
    assertThat(RuleOverlap.between(c(List.of("x.com"), List.of("/a"), null, null), c(List.of("x.com"), List.of("/b"), null, null))).isEmpty();
    assertThat(RuleOverlap.between(c(List.of("x.com"), null, List.of("GET"), null), c(List.of("x.com"), null, List.of("POST"), null))).isEmpty();
  }

  @Test
  void aConditionOnlyOneRuleHasDoesNotSeparateThem() {
    assertThat(RuleOverlap.between(c(List.of("x.com"), List.of("/api/*"), null, null), c(List.of("x.com"), null, null, null))).isPresent();
  }

  @ParameterizedTest(name = "{0} and {1}: {2}")
  @CsvSource({"10.0.0.0/8, 10.1.0.0/16, true", "10.0.0.0/16, 10.1.0.0/16, false", "192.168.1.1/32, 192.168.1.1/32, true",
      "2001:db8::/32, 2001:db8:1::/48, true", "2001:db8::/32, 10.0.0.0/8, false", "not-an-address, 10.0.0.0/8, true"})
  void sourceAddresses(String a, String b, boolean overlap) {
    assertThat(RuleOverlap.cidrsOverlap(a, b)).isEqualTo(overlap);
  }

  @Test
  void headersWithDisjointValuesSeparateRules() {
    RuleConditions a = new RuleConditions(List.of("x.com"), null, null, null, new TreeMap<>(Map.of("X-Tester", List.of("yes"))), null);
    RuleConditions b = new RuleConditions(List.of("x.com"), null, null, null, new TreeMap<>(Map.of("x-tester", List.of("no"))), null);
    assertThat(RuleOverlap.between(a, b)).isEmpty();
  }

  @Test
  void queryStringsNeverSeparateRules() {
    RuleConditions a = new RuleConditions(List.of("x.com"), null, null, null, null, new TreeMap<>(Map.of("v", "1")));
    RuleConditions b = new RuleConditions(List.of("x.com"), null, null, null, null, new TreeMap<>(Map.of("v", "2")));
    assertThat(RuleOverlap.between(a, b)).isPresent();
  }
}
