package co.mumo.okra.notify;

import co.mumo.okra.api.Cell;
import co.mumo.okra.api.CellStatus.Notification;
import co.mumo.okra.api.CellStatus;
import co.mumo.okra.cell.CellNotifications;
import co.mumo.okra.cell.ClusterStore;
import co.mumo.okra.cell.Notifier;
import co.mumo.okra.outbound.AddressPolicy;
import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.policy.HostPolicy;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the notifications a Cell's status records to the runner's webhooks, each transition once
 * however many runners race, with the claim pattern Okra uses for measurements: a runner first writes a
 * claim on the pending entries ({@code claimedUntil}, {@code attempts}) guarded by the Cell's
 * resourceVersion; only the runner whose claim lands sends, and it records which webhooks accepted
 * ({@code sentTo}). A runner killed between its claim and that record leaves a claim that lapses after
 * {@link #LEASE}, and the next runner sends again: at least once after a crash, exactly once in a race.
 * An entry is tried at most {@link #MAX_ATTEMPTS} times, and not after {@link CellNotifications#KEPT_FOR}.
 */
public final class WebhookNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

  /** At most this many webhooks: each gets up to {@link #TIMEOUT}, and all of them must fit in the {@link #LEASE}. */
  public static final int MAX_WEBHOOKS = 5;
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Longer than sending to every webhook can take, so a live runner keeps its claim. */
  public static final Duration LEASE = Duration.ofMinutes(2);
  public static final int MAX_ATTEMPTS = 3;
  /** Guarded writes lost to other writers (another runner's pass) before giving up until the next pass. */
  private static final int WRITE_TRIES = 5;

  private final ClusterStore store;
  private final List<Webhook> webhooks;
  private final OutboundHttp http;
  private final Clock clock;

  public WebhookNotifier(ClusterStore store, List<Webhook> webhooks, OutboundHttp http, Clock clock) {
    if (webhooks.size() > MAX_WEBHOOKS) {
      throw new IllegalArgumentException("at most " + MAX_WEBHOOKS + " webhooks, got " + webhooks.size());
    }
    this.store = store;
    this.webhooks = List.copyOf(webhooks);
    this.http = http;
    this.clock = clock;
  }

  /**
   * Why the owner's policy refuses {@code webhook}'s host (its {@code notifications} section: the host
   * list, then every address the name resolves to), or empty when it may be contacted. Asked before any
   * pass, so a refused webhook stops the runner before it changes anything; checked again on each send.
   */
  public static Optional<String> refusal(Webhook webhook, HostPolicy policy, AddressPolicy.Resolver resolver) {
    try {
      new AddressPolicy(policy, resolver).addresses(OutboundHttp.host(webhook.url()));
      return Optional.empty();
    } catch (AddressPolicy.RefusedException e) {
      return Optional.of("the " + webhook + " is refused: " + e.getMessage());
    } catch (UnknownHostException e) {
      return Optional.empty(); // perhaps a passing DNS failure: each send says so, and the rollout goes on
    }
  }

  @Override
  public List<String> deliver(String namespace, String name, CellStatus status) {
    if (webhooks.isEmpty() || pending(status, clock.instant()).isEmpty()) return List.of(); // no read, no write
    String key = namespace + "/" + name;
    try {
      Optional<List<Notification>> claimed = claim(namespace, name);
      if (claimed.isEmpty()) return List.of();
      List<String> done = new ArrayList<>();
      Map<String, Set<String>> accepted = new LinkedHashMap<>();
      for (Notification n : claimed.get()) accepted.put(n.id, send(key, namespace, name, n, done));
      record(namespace, name, accepted, done);
      return done;
    } catch (RuntimeException e) {
      // Best effort: the rollout goes on; an unrecorded claim lapses and the next pass tries again.
      LOG.warn("cell={} notifications not sent: {}", key, e.getMessage());
      return List.of("notifications not sent: " + e.getMessage() + "; the next pass tries again");
    }
  }

  /** The entries this runner should send now: recent, tried fewer than {@link #MAX_ATTEMPTS} times, unclaimed, not had by one of its webhooks. */
  List<Notification> pending(CellStatus status, Instant now) {
    if (status == null || status.notifications == null) return List.of();
    return status.notifications.stream().filter(n -> pendingHere(n, now)).toList();
  }

  private boolean pendingHere(Notification n, Instant now) {
    Optional<Instant> at = CellNotifications.recordedAt(n);
    if (at.isEmpty() || at.get().plus(CellNotifications.KEPT_FOR).isBefore(now)) return false;
    if (n.attempts != null && n.attempts >= MAX_ATTEMPTS) return false;
    if (claimedUntil(n).map(until -> until.isAfter(now)).orElse(false)) return false;
    return webhooks.stream().anyMatch(w -> n.sentTo == null || !n.sentTo.contains(w.id()));
  }

  /** The claim on every pending entry, in one guarded write; empty when another runner holds them (or nothing is left). */
  private Optional<List<Notification>> claim(String namespace, String name) {
    for (int i = 0; i < WRITE_TRIES; i++) {
      Optional<Cell> read = store.cell(namespace, name);
      if (read.isEmpty()) return Optional.empty();
      Cell cell = read.get();
      Instant now = clock.instant();
      List<Notification> mine = pending(cell.getStatus(), now);
      if (mine.isEmpty()) return Optional.empty();
      for (Notification n : mine) {
        n.claimedUntil = now.plus(LEASE).toString();
        n.attempts = (n.attempts == null ? 0 : n.attempts) + 1;
      }
      try {
        store.updateCellStatus(cell);
        return Optional.of(mine.stream().map(CellNotifications::copy).toList());
      } catch (ClusterStore.ConflictException e) {
        // Another writer came first: perhaps a runner claiming the same entries, perhaps a pass. Read again.
      }
    }
    return Optional.empty();
  }

  /** Sends {@code n} to each webhook that has not had it; the ids of those that accepted it. */
  private Set<String> send(String key, String namespace, String name, Notification n, List<String> done) {
    Set<String> accepted = new LinkedHashSet<>();
    for (Webhook w : webhooks) {
      if (n.sentTo != null && n.sentTo.contains(w.id())) continue;
      String what = n.event + " of " + n.version;
      try {
        OutboundHttp.Response answer = http.send(new OutboundHttp.Request("POST", w.url(),
            List.of(Map.entry("Content-Type", "application/json")), NotificationPayloads.body(w, n, namespace, name), TIMEOUT));
        if (answer.status() / 100 == 2) {
          accepted.add(w.id());
          done.add("notified " + w + ": " + what);
          LOG.info("cell={} version={} notified {}: {}", key, n.version, w, n.event);
          continue;
        }
        failed(key, w, n, "answered " + answer.status() + ": " + OutboundHttp.abbreviate(answer.text()), done);
      } catch (OutboundHttp.FetchException e) {
        failed(key, w, n, e.getMessage(), done);
      }
    }
    return accepted;
  }

  private static void failed(String key, Webhook w, Notification n, String why, List<String> done) {
    int attempt = n.attempts == null ? 1 : n.attempts;
    String next = attempt < MAX_ATTEMPTS ? "; a later pass tries again (attempt " + attempt + " of " + MAX_ATTEMPTS + ")"
        : "; given up after " + MAX_ATTEMPTS + " attempts";
    done.add("could not notify " + w + " of " + n.event + " of " + n.version + ": " + why + next);
    LOG.warn("cell={} version={} could not notify {}: {}{}", key, n.version, w, why, next);
  }

  /** Which webhooks accepted which entries, and the claims released, in a guarded write (read again on a conflict). */
  private void record(String namespace, String name, Map<String, Set<String>> accepted, List<String> done) {
    for (int i = 0; i < WRITE_TRIES; i++) {
      Optional<Cell> read = store.cell(namespace, name);
      if (read.isEmpty() || read.get().getStatus() == null || read.get().getStatus().notifications == null) return;
      Cell cell = read.get();
      for (Notification n : cell.getStatus().notifications) {
        Set<String> ids = accepted.get(n.id);
        if (ids == null) continue;
        List<String> sent = new ArrayList<>(n.sentTo == null ? List.of() : n.sentTo);
        ids.stream().filter(id -> !sent.contains(id)).forEach(sent::add);
        n.sentTo = sent.isEmpty() ? null : sent;
        n.claimedUntil = null;
      }
      try {
        store.updateCellStatus(cell);
        return;
      } catch (ClusterStore.ConflictException e) {
        // A pass wrote the Cell meanwhile; our entries are still ours (claimed): read again and record.
      }
    }
    done.add("could not record which webhooks were notified (the Cell kept changing); they may be notified again once the claim lapses");
  }

  private static Optional<Instant> claimedUntil(Notification n) {
    try {
      return n.claimedUntil == null ? Optional.empty() : Optional.of(Instant.parse(n.claimedUntil));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
