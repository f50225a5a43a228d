package co.mumo.okra.cell;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.api.CellStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which status writes stand for a notification: the moments a human is needed, and ends seen on the ALB. */
class CellNotificationsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void pausedFailedAndSucceededAreToldOnceEach() {
    CellStatus progressing = status("Progressing", "2.0.0", "1.0.0", 1, "step 2/3 (setWeight 50): setting 2.0.0 to 50%");
    CellStatus paused = status("Paused", "2.0.0", "1.0.0", 2, "step 3/3 (pause until promoted): waiting for `okra-runner cell promote`");
    List<CellStatus.Notification> recorded = CellNotifications.next(progressing, paused, NOW);
    assertThat(recorded).singleElement().satisfies(n -> {
      assertThat(n.event).isEqualTo(CellNotifications.PAUSED);
      assertThat(n.version).isEqualTo("2.0.0");
      assertThat(n.stableVersion).isEqualTo("1.0.0");
      assertThat(n.message).isEqualTo(paused.message);
      assertThat(n.at).isEqualTo(NOW.toString());
      assertThat(n.id).startsWith("paused-");
    });
    paused.notifications = recorded;

    CellStatus again = copy(paused);
    assertThat(CellNotifications.next(paused, again, NOW.plusSeconds(60))).as("a pass in the same phase adds nothing")
        .usingRecursiveFieldByFieldElementComparator().isEqualTo(recorded);

    CellStatus promoting = status("Promoting", "2.0.0", "1.0.0", 3, "all 3 steps passed: 2.0.0 is stable");
    promoting.notifications = CellNotifications.next(paused, promoting, NOW.plusSeconds(120));
    assertThat(promoting.notifications).as("weights on their way are not news yet").hasSize(1);
    CellStatus succeeded = status("Succeeded", null, "2.0.0", null, "all 3 steps passed: 2.0.0 is stable; the listener rule carries it");
    succeeded.notifications = CellNotifications.next(promoting, succeeded, NOW.plusSeconds(130));
    assertThat(succeeded.notifications).extracting(n -> n.event + " " + n.version).containsExactly("Paused 2.0.0", "Succeeded 2.0.0");

    CellStatus rollingBack = status("RollingBack", "3.0.0", "2.0.0", 1, "analysis failed: traffic back to 2.0.0");
    assertThat(CellNotifications.transition(succeeded, rollingBack)).isEmpty();
    CellStatus failed = status("Failed", null, "2.0.0", null, "3.0.0 failed: traffic is back on 2.0.0");
    failed.failure = new CellStatus.Failure();
    failed.failure.version = "3.0.0";
    assertThat(CellNotifications.transition(rollingBack, failed)).hasValue(CellNotifications.FAILED);
    assertThat(CellNotifications.next(rollingBack, failed, NOW)).last().satisfies(n -> assertThat(n.version).isEqualTo("3.0.0"));
    assertThat(CellNotifications.transition(failed, copy(failed))).isEmpty();
  }

  @Test
  void aPauseAtAnotherStepOrAnotherStableVersionIsNewsAgain() {
    CellStatus pausedAt2 = status("Paused", "2.0.0", "1.0.0", 2, "step 3/5 (pause until promoted)");
    CellStatus pausedAt4 = status("Paused", "2.0.0", "1.0.0", 4, "step 5/5 (pause until promoted)");
    assertThat(CellNotifications.transition(pausedAt2, pausedAt4)).hasValue(CellNotifications.PAUSED);
    CellStatus stable2 = status("Succeeded", null, "2.0.0", null, "2.0.0 has 100%");
    CellStatus stable1 = status("Succeeded", null, "1.0.0", null, "fell back to 1.0.0");
    assertThat(CellNotifications.transition(stable2, stable1)).hasValue(CellNotifications.SUCCEEDED);
    assertThat(CellNotifications.transition(new CellStatus(), status("Invalid", null, null, null, "bad"))).isEmpty();
  }

  @Test
  void atMostFiveAreKeptAndNoneOlderThanADay() {
    CellStatus s = status("Progressing", "2.0.0", "1.0.0", 0, "m");
    Instant at = NOW;
    for (int i = 0; i < 7; i++) {
      CellStatus paused = status("Paused", "2.0.0", "1.0.0", i, "pause " + i);
      paused.notifications = CellNotifications.next(s, paused, at);
      s = status("Progressing", "2.0.0", "1.0.0", i + 1, "m");
      s.notifications = paused.notifications;
      at = at.plusSeconds(60);
    }
    assertThat(s.notifications).hasSize(CellNotifications.KEPT).extracting(n -> n.message).endsWith("pause 6");
    CellStatus later = status("Paused", "2.0.0", "1.0.0", 9, "much later");
    assertThat(CellNotifications.next(s, later, at.plus(CellNotifications.KEPT_FOR).plus(Duration.ofHours(1))))
        .singleElement().satisfies(n -> assertThat(n.message).isEqualTo("much later"));
  }

  private static CellStatus status(String phase, String desired, String stable, Integer step, String message) {
    CellStatus s = new CellStatus();
    s.phase = phase;
    s.desiredVersion = desired;
    s.stableVersion = stable;
    s.currentStepIndex = step;
    s.rolloutId = desired == null ? null : "r-" + desired;
    s.message = message;
    return s;
  }

  private static CellStatus copy(CellStatus s) {
    return CellStatusMapping.Json.copy(s);
  }
}
