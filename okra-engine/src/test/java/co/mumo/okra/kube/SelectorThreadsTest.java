package co.mumo.okra.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectorThreadsTest {
  @Test
  void aNewJdkHttpClientsSelectorThreadIsFoundAndStopped() {
    Set<Thread> before = SelectorThreads.running();
    HttpClient client = HttpClient.newHttpClient();

    Set<Thread> started = SelectorThreads.startedSince(before);

    assertThat(started).singleElement().satisfies(t -> assertThat(t.getName()).matches("HttpClient-\\d+-SelectorManager"));
    assertThat(client).isNotNull(); // reachable until here: its thread runs until stopped

    SelectorThreads.stop(started);

    // stop() waits only briefly (it runs at the runner's exit); on a loaded machine the thread may take longer to end.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(started).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse()));
    assertThat(SelectorThreads.running()).doesNotContainAnyElementsOf(started);
  }

  @Test
  void threadsThatWereThereBeforeAreLeftAlone() {
    HttpClient earlier = HttpClient.newHttpClient();
    Set<Thread> before = SelectorThreads.running();

    assertThat(SelectorThreads.startedSince(before)).isEmpty();
    assertThat(before).anyMatch(Thread::isAlive);
    assertThat(earlier).isNotNull();
  }
}
