package co.mumo.okra.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1}s")
  @CsvSource({"0, 0", "30, 30", "5s, 5", "0s, 0", "10m, 600", "1h, 3600", "1h30m, 5400", "2h0m5s, 7205", "90s, 90",
      "1m30s, 90", "' 15s ', 15", "3600, 3600"})
  void parsesSecondsOrGoStyleDurations(String text, long seconds) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5x", "-1s", "-1", "abc", "1.5s", "10ms", "1d", "s", "m5", "5 s", "1s1h", "1h-5m", "PT5S", "5S"})
  void rejectsAnythingElseNamingTheText(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\" is not a duration");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  "})
  void rejectsNothing(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}s -> {1}")
  @CsvSource({"0, 0s", "45, 45s", "60, 1m", "90, 1m30s", "3600, 1h", "3605, 1h5s", "3723, 1h2m3s", "86400, 24h", "-5, 0s"})
  void formatsShort(long seconds, String text) {
    assertThat(Durations.format(Duration.ofSeconds(seconds))).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5s", "10m", "1h", "1h30m", "1h2m3s", "0s"})
  void formatAndParseRoundTrip(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }
}
