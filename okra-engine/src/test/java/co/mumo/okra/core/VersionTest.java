package co.mumo.okra.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

  @ParameterizedTest(name = "{0} -> {1}.{2}.{3} pre={4} build={5}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "1.2.3            | 1 | 2 | 3 | -            | -",
      "v1.2.3           | 1 | 2 | 3 | -            | -",
      "V1.2.3           | 1 | 2 | 3 | -            | -",
      "0.0.0            | 0 | 0 | 0 | -            | -",
      "10.20.30         | 10| 20| 30| -            | -",
      "1.0.0-alpha      | 1 | 0 | 0 | alpha        | -",
      "1.0.0-alpha.1    | 1 | 0 | 0 | alpha.1      | -",
      "1.0.0-0.3.7      | 1 | 0 | 0 | 0.3.7        | -",
      "1.0.0-x-y-z.--   | 1 | 0 | 0 | x-y-z.--     | -",
      "1.0.0+20130313   | 1 | 0 | 0 | -            | 20130313",
      "1.0.0-rc.1+b.5   | 1 | 0 | 0 | rc.1         | b.5",
      "' v2.0.0 '       | 2 | 0 | 0 | -            | -",
  })
  void parsesSemverWithOptionalLeadingV(String text, long major, long minor, long patch, String pre, String build) {
    Version v = Version.parse(text);
    assertThat(v.major()).isEqualTo(major);
    assertThat(v.minor()).isEqualTo(minor);
    assertThat(v.patch()).isEqualTo(patch);
    assertThat(v.preRelease()).isEqualTo(pre == null ? List.of() : List.of(pre.split("\\.")));
    assertThat(v.build()).isEqualTo(build);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "vv1.2.3", "v", "1.2.3-", "1.2.3+",
      "1.2.3-01", "1.2.3-alpha..1", "1.2.3-al_pha", "-1.2.3", "1.2.x", "latest", "1.2.3 beta", "99999999999999999999.0.0"})
  void rejectsWhatIsNotASemanticVersion(String text) {
    assertThat(Version.tryParse(text)).isEmpty();
    assertThatThrownBy(() -> Version.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a semantic version");
  }

  @ParameterizedTest
  @NullSource
  void nullIsNotAVersion(String text) {
    assertThat(Version.tryParse(text)).isEmpty();
  }

  @Test
  void sortsBySemverPrecedence() {
    // The example of semver.org 11.4, plus releases and numeric fields that are compared as numbers.
    List<String> ordered = List.of("0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0-rc.1", "2.0.0", "10.0.0");
    List<Version> shuffled = new ArrayList<>(ordered.stream().map(Version::parse).toList());
    Collections.shuffle(shuffled, new Random(42));
    Collections.sort(shuffled);
    assertThat(shuffled).extracting(Version::toString).containsExactlyElementsOf(ordered);
  }

  @ParameterizedTest(name = "{0} == {1}")
  @CsvSource({"1.2.3, v1.2.3", "v1.2.3, V1.2.3", "1.2.3+build.1, 1.2.3+build.2", "1.2.3, 1.2.3+meta", "1.0.0-rc.1, v1.0.0-rc.1+x"})
  void spellingsOfOneVersionAreTheSameVersion(String a, String b) {
    Version va = Version.parse(a);
    Version vb = Version.parse(b);
    assertThat(va.sameAs(vb)).isTrue();
    assertThat(va).isEqualTo(vb).hasSameHashCodeAs(vb);
    assertThat(va.compareTo(vb)).isZero();
    assertThat(va.canonical()).isEqualTo(vb.canonical());
  }

  @Test
  void differentVersionsDiffer() {
    assertThat(Version.parse("1.0.0")).isNotEqualTo(Version.parse("1.0.0-rc.1"));
    assertThat(Version.parse("1.0.0").sameAs(null)).isFalse();
    assertThat(Version.parse("1.0.0").compareTo(Version.parse("1.0.0-rc.1"))).isPositive();
    assertThat(Version.parse("1.0.0-rc.1").compareTo(Version.parse("1.0.0"))).isNegative();
  }

  @Test
  void keepsTheUsersSpellingForDisplayAndACanonicalFormForKeys() {
    Version v = Version.parse("v1.2.3-rc.1+build.7");
    assertThat(v).hasToString("v1.2.3-rc.1+build.7");
    assertThat(v.canonical()).isEqualTo("1.2.3-rc.1");
  }
}
