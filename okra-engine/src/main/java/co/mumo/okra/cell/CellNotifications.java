package co.mumo.okra.cell;

import co.mumo.okra.api.CellStatus;
import co.mumo.okra.api.CellStatus.Notification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The notifications a status write stands for ({@code status.notifications}): a pure function of the
 * status before and after, like the Events and the history. A Cell that starts waiting for a human
 * (Paused), or whose rollout ended as the ALB was seen to carry it (Failed, Succeeded), gets one entry,
 * recorded by the very write that made the transition, so of racing runners only the one whose guarded
 * write landed records it, and a runner killed before sending leaves it for the next pass to send. A
 * pass that changes nothing adds nothing. Entries are kept for {@link #KEPT_FOR} and at most {@link #KEPT}.
 */
public final class CellNotifications {
  public static final String PAUSED = "Paused";
  public static final String FAILED = "Failed";
  public static final String SUCCEEDED = "Succeeded";

  /** Older ones are dropped, not sent: news of yesterday's pause is no longer news. */
  public static final Duration KEPT_FOR = Duration.ofHours(24);
  public static final int KEPT = 5;
  /** As an Event's: a status message can quote an analysis at length. */
  static final int MAX_MESSAGE = CellEvent.MAX_MESSAGE;

  private CellNotifications() {}

  /** The notifications to record with {@code after}, written at {@code now}; null when there are none. */
  public static List<Notification> next(CellStatus before, CellStatus after, Instant now) {
    CellStatus b = before == null ? new CellStatus() : before;
    List<Notification> out = new ArrayList<>();
    if (b.notifications != null) b.notifications.forEach(n -> out.add(copy(n)));
    Optional<String> event = transition(b, after);
    if (event.isPresent()) {
      // Pruned only by a write that happens anyway: a pass that decides nothing still writes nothing.
      out.removeIf(n -> recordedAt(n).map(at -> at.plus(KEPT_FOR).isBefore(now)).orElse(true));
      out.add(entry(event.get(), after, now));
      while (out.size() > KEPT) out.remove(0);
    }
    return out.isEmpty() ? null : out;
  }

  /** Which transition {@code after} makes from {@code before}, if one people are told of. */
  static Optional<String> transition(CellStatus before, CellStatus after) {
    Phase was = Phase.parse(before.phase);
    Phase is = Phase.parse(after.phase);
    // Facts only: Promoting and RollingBack say the weights are on their way; Succeeded and Failed that the ALB carries them.
    if (is == Phase.Paused && (was != Phase.Paused || !Objects.equals(before.currentStepIndex, after.currentStepIndex)
        || !Objects.equals(before.rolloutId, after.rolloutId))) {
      return Optional.of(PAUSED);
    }
    if (is == Phase.Failed && was != Phase.Failed) return Optional.of(FAILED);
    if (is == Phase.Succeeded && (was != Phase.Succeeded || !Objects.equals(before.stableVersion, after.stableVersion))) {
      return Optional.of(SUCCEEDED);
    }
    return Optional.empty();
  }

  private static Notification entry(String event, CellStatus after, Instant now) {
    Notification n = new Notification();
    n.event = event;
    n.version = switch (event) {
      case SUCCEEDED -> after.stableVersion;
      case FAILED -> after.failure != null && after.failure.version != null ? after.failure.version : after.desiredVersion;
      default -> after.desiredVersion;
    };
    n.stableVersion = after.stableVersion;
    String message = after.message == null ? "" : after.message;
    n.message = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
    n.at = now.toString();
    n.id = event.toLowerCase() + "-" + digest(event + "|" + n.version + "|" + after.rolloutId + "|" + after.currentStepIndex + "|" + n.at);
    return n;
  }

  public static Optional<Instant> recordedAt(Notification n) {
    try {
      return n.at == null ? Optional.empty() : Optional.of(Instant.parse(n.at));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public static Notification copy(Notification n) {
    Notification c = new Notification();
    c.id = n.id;
    c.event = n.event;
    c.version = n.version;
    c.stableVersion = n.stableVersion;
    c.message = n.message;
    c.at = n.at;
    c.claimedUntil = n.claimedUntil;
    c.attempts = n.attempts;
    c.sentTo = n.sentTo == null ? null : List.copyOf(n.sentTo);
    return c;
  }

  /** The first 12 hex digits of the SHA-256 of {@code text}. */
  public static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
