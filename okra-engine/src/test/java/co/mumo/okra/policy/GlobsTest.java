package co.mumo.okra.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GlobsTest {

  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource({
      "example.com, example.com, true",
      "example.com, EXAMPLE.COM, true",
      "*.example.com, api.example.com, true",
      "*.example.com, example.com, false",
      "api.example.com, web.example.com, false",
      "*.example.com, *.example.org, false",
      "*.example.com, api.*, true",
      "a?c, abc, true",
      "a?c, ac, false",
      "a*, *b, true",
      "*, *, true",
      "ab*cd, a*d, true",
      "a*b*c, ac, false",
  })
  void hostsIntersectIgnoringCase(String a, String b, boolean expected) {
    assertThat(Globs.intersect(a, b, true)).isEqualTo(expected);
    assertThat(Globs.intersect(b, a, true)).as("symmetric").isEqualTo(expected);
  }

  @Test
  void pathsAreCaseSensitive() {
    assertThat(Globs.intersect("/API/*", "/api/x", false)).isFalse();
    assertThat(Globs.intersect("/api/*", "/api/x", false)).isTrue();
  }

  @Test
  void agreesWithMatchingOnRandomTexts() {
    // For a text without wildcards, intersecting is matching: checked against a regex translation.
    Random random = new Random(42);
    String alphabet = "ab*?";
    for (int n = 0; n < 5_000; n++) {
      String pattern = random(random, alphabet, 6);
      String text = random(random, "ab", 6);
      String regex = pattern.replace("?", ".").replace("*", ".*");
      assertThat(Globs.matches(pattern, text, false)).as(pattern + " ~ " + text).isEqualTo(text.matches(regex));
    }
  }

  @Test
  void hostilePatternsStayCheap() {
    // Two 2,000-character patterns of stars and letters: 4 million steps at most, no backtracking blow-up.
    String a = "*a".repeat(1000);
    String b = "*b".repeat(1000) + "c";
    assertThat(Globs.intersect(a, b, false)).isFalse();
  }

  private static String random(Random r, String alphabet, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(max + 1); i > 0; i--) s.append(alphabet.charAt(r.nextInt(alphabet.length())));
    return s.toString();
  }
}
