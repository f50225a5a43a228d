package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import co.mumo.okra.api.CanaryStep;
import co.mumo.okra.api.Cell;
import co.mumo.okra.api.ManagedRoute;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import co.mumo.okra.rule.RuleConditions;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** setHeaderRoute and managedRoutes: what CellValidator takes, how values map onto ALB's wildcards, and what it refuses. */
class HeaderRouteValidationTest {
  static final String ROUTES = "spec.ingress.awsApplicationLoadBalancer.managedRoutes";
  static final String STEPS = "spec.updateStrategy.canary.steps";

  static Cell load() {
    try (InputStream in = HeaderRouteValidationTest.class.getResourceAsStream("HeaderRouteValidationTest/header-route-cell.yaml")) {
      return Serialization.unmarshal(in, Cell.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ what it takes

  @Test
  void argosShapeReadsIntoRoutesAndSteps() {
    CellDefinition d = CellValidator.validate(load());
    assertThat(d.managedRoutes()).containsExactly(new CellDefinition.ManagedRoute("tester", 5), new CellDefinition.ManagedRoute("beta", 6));
    assertThat(d.steps()).containsExactly(
        new Step.SetHeaderRoute("tester", List.of(new Step.HeaderMatch("X-Okra-Preview", "yes"))),
        new Step.Pause(java.util.Optional.empty()),
        new Step.SetHeaderRoute("beta", List.of(new Step.HeaderMatch("X-Okra-Preview", "yes"), new Step.HeaderMatch("User-Agent", "okra-beta/*"))),
        new Step.SetWeight(20),
        new Step.SetHeaderRoute("tester", List.of()));
    assertThat(((Step.SetHeaderRoute) d.steps().get(4)).removes()).isTrue();
    assertThat(d.steps().get(2).describe()).isEqualTo("header route beta X-Okra-Preview: yes, User-Agent: okra-beta/*");
  }

  @Test
  void theRoutesInEffectFollowTheSteps() {
    List<Step> steps = CellValidator.validate(load()).steps();
    assertThat(HeaderRoutes.at(steps, 0)).extracting(HeaderRoutes.Active::name).containsExactly("tester");
    assertThat(HeaderRoutes.at(steps, 1)).extracting(HeaderRoutes.Active::name).containsExactly("tester");
    assertThat(HeaderRoutes.at(steps, 3)).extracting(HeaderRoutes.Active::name, HeaderRoutes.Active::setAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("tester", 0), org.assertj.core.groups.Tuple.tuple("beta", 2));
    assertThat(HeaderRoutes.at(steps, 4)).extracting(HeaderRoutes.Active::name).containsExactly("beta");
    assertThat(HeaderRoutes.at(steps, 99)).as("past the last step: as after it").extracting(HeaderRoutes.Active::name)
        .containsExactly("beta");
    assertThat(HeaderRoutes.at(List.of(new Step.SetWeight(10)), 0)).isEmpty();
  }

  @Test
  void theRoutesRuleIsTheCellsConditionsPlusTheHeaders() {
    RuleConditions cell = new RuleConditions(List.of("example.com"), List.of("/api/*"), null, null,
        new java.util.TreeMap<>(Map.of("X-Team", List.of("a"))), null);
    RuleConditions route = HeaderRoutes.conditions(cell, List.of(new Step.HeaderMatch("X-Okra-Preview", "yes")));
    assertThat(route.hosts()).containsExactly("example.com");
    assertThat(route.pathPatterns()).containsExactly("/api/*");
    assertThat(route.headers()).containsEntry("X-Team", List.of("a")).containsEntry("X-Okra-Preview", List.of("yes"));
    assertThat(route.valueCount()).isEqualTo(4);
  }

  // ------------------------------------------------------------------ Argo's values onto ALB's wildcards

  @ParameterizedTest(name = "exact {0} -> {1}")
  @CsvSource({"yes, yes", "Mozilla/5.0 (X11), Mozilla/5.0 (X11)", "a-b_c.d~e, a-b_c.d~e"})
  void exactIsTheValueItself(String exact, String alb) {
    assertThat(HeaderRoutes.exact(exact)).isEqualTo(alb);
  }

  @ParameterizedTest(name = "prefix \"{0}\" -> {1}")
  @CsvSource({"abc, abc*", "okra-beta/, okra-beta/*", "'', *"})
  void prefixIsTheValueAndAStar(String prefix, String alb) {
    assertThat(HeaderRoutes.prefix(prefix)).isEqualTo(alb);
  }

  @Test
  void wildcardsCannotBeEscapedSoTheyAreRefused() {
    assertThatThrownBy(() -> HeaderRoutes.exact("a*b")).hasMessageContaining("holds *").hasMessageContaining("no way to escape");
    assertThatThrownBy(() -> HeaderRoutes.exact("what?")).hasMessageContaining("holds ?");
    assertThatThrownBy(() -> HeaderRoutes.prefix("v1.*")).hasMessageContaining("holds *").hasMessageContaining("prefix");
    assertThatThrownBy(() -> HeaderRoutes.exact("")).hasMessageContaining("prefix: \"\"");
  }

  @Test
  void valuesLongerThanAlbComparesAreRefusedAtTheRightLength() {
    assertThat(HeaderRoutes.exact("x".repeat(128))).hasSize(128);
    assertThatThrownBy(() -> HeaderRoutes.exact("x".repeat(129))).hasMessageContaining("129").hasMessageContaining("at most 128");
    assertThat(HeaderRoutes.prefix("x".repeat(127))).hasSize(128);
    assertThatThrownBy(() -> HeaderRoutes.prefix("x".repeat(128))).hasMessageContaining("at most 127");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Host|host condition", "HOST|host condition", "X Okra|not a header name", "X-Okra:|not a header name", "X-*|not a header name",
      "X-Ünïcode|not a header name"})
  void headerNamesAlbDoesNotTakeAreRefused(String name, String why) {
    assertThat(HeaderRoutes.nameProblem(name)).hasValueSatisfying(m -> assertThat(m).contains(why));
  }

  @Test
  void headerNamesUpToFortyTokenCharactersAreTaken() {
    assertThat(HeaderRoutes.nameProblem("X-Okra-Preview")).isEmpty();
    assertThat(HeaderRoutes.nameProblem("!#$%&'+-.^_`|~09azAZ")).isEmpty();
    assertThat(HeaderRoutes.nameProblem("x".repeat(40))).isEmpty();
    assertThat(HeaderRoutes.nameProblem("x".repeat(41))).hasValueSatisfying(m -> assertThat(m).contains("at most 40"));
  }

  // ------------------------------------------------------------------ what it refuses, with the field and what to write

  static CanaryStep.HeaderRoutingMatch match(String name, Consumer<CanaryStep.StringMatch> value) {
    CanaryStep.HeaderRoutingMatch m = new CanaryStep.HeaderRoutingMatch();
    m.headerName = name;
    m.headerValue = new CanaryStep.StringMatch();
    value.accept(m.headerValue);
    return m;
  }

  static CanaryStep.SetHeaderRoute firstRoute(Cell c) {
    return c.getSpec().updateStrategy.canary.steps.get(0).setHeaderRoute;
  }

  static Arguments bad(String description, Consumer<Cell> change, String path, String says) {
    return Arguments.of(Named.of(description, change), path, says);
  }

  static Stream<Arguments> badRoutes() {
    String m0 = STEPS + "[0].setHeaderRoute.match[0]";
    return Stream.of(
        bad("regex", c -> firstRoute(c).match.get(0).headerValue = regex("Mozilla(.*)"), m0 + ".headerValue.regex", "not regular expressions"),
        bad("exact with *", c -> firstRoute(c).match.get(0).headerValue.exact = "a*", m0 + ".headerValue.exact", "wildcards"),
        bad("exact with ?", c -> firstRoute(c).match.get(0).headerValue.exact = "a?", m0 + ".headerValue.exact", "wildcards"),
        bad("prefix with *", c -> firstRoute(c).match.set(0, match("X-Okra-Preview", v -> v.prefix = "v*")), m0 + ".headerValue.prefix",
            "wildcards"),
        bad("exact of 129 characters", c -> firstRoute(c).match.get(0).headerValue.exact = "x".repeat(129), m0 + ".headerValue.exact",
            "at most 128"),
        bad("exact and prefix", c -> firstRoute(c).match.get(0).headerValue.prefix = "y", m0 + ".headerValue", "exactly one"),
        bad("no value", c -> firstRoute(c).match.get(0).headerValue = new CanaryStep.StringMatch(), m0 + ".headerValue", "exactly one"),
        bad("Host", c -> firstRoute(c).match.get(0).headerName = "Host", m0 + ".headerName", "listener.rule.hosts"),
        bad("a header name of 41", c -> firstRoute(c).match.get(0).headerName = "x".repeat(41), m0 + ".headerName", "at most 40"),
        bad("a header twice", c -> firstRoute(c).match.add(match("x-okra-preview", v -> v.exact = "no")),
            STEPS + "[0].setHeaderRoute.match[1].headerName", "matched twice"),
        bad("a header the Cell's rule matches", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.headers =
            Map.of("X-Okra-Preview", List.of("a")), STEPS + "[0].setHeaderRoute.match", "already matches header"),
        bad("six condition values", c -> c.getSpec().ingress.awsApplicationLoadBalancer.listener.rule.pathPatterns =
            List.of("/a", "/b", "/c", "/d"), STEPS + "[2].setHeaderRoute.match", "ALB allows at most 5"),
        bad("a route nobody declared", c -> firstRoute(c).name = "nobody", STEPS + "[0].setHeaderRoute.name", "managedRoutes"),
        bad("no route name", c -> firstRoute(c).name = null, STEPS + "[0].setHeaderRoute.name", "required"),
        bad("a route at the Cell's priority", c -> routes(c).get(0).priority = 10, ROUTES + "[0].priority", "the Cell's own"),
        bad("a route behind the Cell's rule", c -> routes(c).get(0).priority = 11, ROUTES + "[0].priority", "below 10"),
        bad("two routes at one priority", c -> routes(c).get(1).priority = 5, ROUTES + "[1].priority", "taken by another route"),
        bad("a route named twice", c -> routes(c).get(1).name = "tester", ROUTES + "[1].name", "declared twice"),
        bad("a route without priority", c -> routes(c).get(0).priority = null, ROUTES + "[0].priority", "required"),
        bad("a route at priority 0", c -> routes(c).get(0).priority = 0, ROUTES + "[0].priority", "1..50000"),
        bad("a route name with a space", c -> routes(c).get(0).name = "a b", ROUTES + "[0].name", "letters, digits"));
  }

  static List<ManagedRoute> routes(Cell c) {
    return c.getSpec().ingress.awsApplicationLoadBalancer.managedRoutes;
  }

  static CanaryStep.StringMatch regex(String r) {
    CanaryStep.StringMatch m = new CanaryStep.StringMatch();
    m.regex = r;
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRoutes")
  void isRefusedNamingTheFieldAndWhatToWrite(Consumer<Cell> change, String path, String says) {
    Cell c = load();
    c.getSpec().ingress.awsApplicationLoadBalancer.managedRoutes = new ArrayList<>(routes(c));
    firstRoute(c).match = new ArrayList<>(firstRoute(c).match);
    change.accept(c);
    InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> CellValidator.validate(c));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.errors()).extracting(FieldError::path).contains(path);
    assertThat(e.errors().stream().filter(f -> f.path().equals(path)).map(FieldError::message).toList())
        .anySatisfy(m -> assertThat(m).contains(says));
  }
}
