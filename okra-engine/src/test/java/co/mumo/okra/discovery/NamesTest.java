package co.mumo.okra.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NamesTest {

  @ParameterizedTest(name = "EKS {0} -> Secret {1}")
  @CsvSource({
      "cdk1, cdk1",
      "Web_Blue-2, web-blue-2",
      "_x_, x",
      "prod.eu, prod.eu",
  })
  void secretNameFromEksName(String eks, String secret) {
    assertThat(Names.secretName(eks)).isEqualTo(secret);
    assertThat(Names.isObjectName(Names.secretName(eks))).isTrue();
  }

  @ParameterizedTest(name = "{0}/{1}/{2} -> {3}")
  @CsvSource({
      "web-1-v2, default, web1, web-1-v2-default-web1",
      "cdk1, app, api, cdk1-app-api",
  })
  void targetGroupNameIsAlwaysPrefixedWithTheCluster(String cluster, String ns, String name, String expected) {
    assertThat(Names.targetGroupName(cluster, ns, name)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("longNames")
  void longNamesAreCutWithAHashAndStayStable(String cluster, String ns, String name) {
    String a = Names.targetGroupName(cluster, ns, name);
    assertThat(a).hasSizeLessThanOrEqualTo(Names.MAX_NAME).matches(".*-[0-9a-f]{8}$");
    assertThat(Names.isObjectName(a)).isTrue();
    assertThat(Names.targetGroupName(cluster, ns, name)).isEqualTo(a);
    assertThat(Names.targetGroupName(cluster, ns, name + "x")).isNotEqualTo(a);
  }

  static Stream<Arguments> longNames() {
    return Stream.of(Arguments.of("c".repeat(100), "n".repeat(63), "b".repeat(120)),
        Arguments.of("cluster", "ns", "x".repeat(253)));
  }

  @ParameterizedTest(name = "label value {0}")
  @CsvSource({"web, web", "1.0.0, 1.0.0", "'', ''"})
  void validLabelValuesAreKept(String value, String expected) {
    assertThat(Names.labelValue(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"a very long cluster name that is way past the sixty-three characters a label may have"})
  void invalidLabelValuesAreFitted(String value) {
    String fitted = Names.labelValue(value);
    assertThat(Names.labelValueProblem(fitted)).isEmpty();
    assertThat(fitted).hasSizeLessThanOrEqualTo(63).endsWith("-" + Names.hash(value));
  }

  @ParameterizedTest(name = "key {0} valid={1}")
  @CsvSource({
      "role, true",
      "okra.mumo.co/version, true",
      "argocd.argoproj.io/secret-type, true",
      "Service, true",
      "'', false",
      "bad key!, false",
      "UPPER.example.com/x, false",
      "a/b/c, false",
      "/x, false",
  })
  void labelKeys(String key, boolean valid) {
    assertThat(Names.labelKeyProblem(key).isEmpty()).isEqualTo(valid);
  }

  @ParameterizedTest
  @CsvSource({"default-web1, a/default/web1", "x, y"})
  void withHashAppendsAHashOfTheSource(String name, String source) {
    assertThat(Names.withHash(name, source)).isEqualTo(name + "-" + Names.hash(source));
  }
}
