package co.mumo.okra.notify;

import co.mumo.okra.api.CellStatus.Notification;
import co.mumo.okra.cell.CellNotifications;
import co.mumo.okra.core.PlainText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What a webhook receives. Everything a Cell or template author can write (the status message, which may
 * quote an analysis; versions from labels) is plain text: in {@code json}'s fields control characters are
 * shown as pictures; in the {@code text} of either shape it is escaped for the markup the receiver
 * renders (Markdown for {@code json}, Slack's mrkdwn for {@code slack}), so it can neither format nor
 * link nor mention. Okra's own words carry the commands to run.
 *
 * <p>The {@code json} document is versioned by {@value #SCHEMA}: fields are only added within a version.
 */
public final class NotificationPayloads {
  public static final String SCHEMA = "okra.mumo.co/notification/v1";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What a Kubernetes name or a semver label can hold: safe inside a code span as it is. */
  private static final Pattern CODE_SAFE = Pattern.compile("[A-Za-z0-9 ./_+-]+");

  private NotificationPayloads() {}

  /** The body to POST to {@code webhook} for {@code n} about Cell {@code namespace/name}. */
  public static byte[] body(Webhook webhook, Notification n, String namespace, String name) {
    Map<String, Object> doc = webhook.format() == Webhook.Format.slack ? Map.of("text", text(n, namespace, name, PlainText::slack))
        : document(n, namespace, name);
    try {
      return JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification", e);
    }
  }

  /** The {@code json} shape, {@value #SCHEMA}: docs/cli.md ("Notifications") lists its fields. */
  static Map<String, Object> document(Notification n, String namespace, String name) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", SCHEMA);
    doc.put("id", n.id);
    doc.put("event", n.event);
    Map<String, String> cell = new LinkedHashMap<>();
    cell.put("namespace", namespace);
    cell.put("name", name);
    doc.put("cell", cell);
    doc.put("version", plain(n.version));
    doc.put("stableVersion", plain(n.stableVersion));
    doc.put("message", plain(n.message));
    doc.put("at", n.at);
    doc.put("commands", commands(n, namespace, name));
    doc.put("text", text(n, namespace, name, PlainText::markdown));
    return doc;
  }

  /** What to run next: promote or abort a pause, retry a failure; nothing after a success. */
  static Map<String, String> commands(Notification n, String namespace, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    String cell = name + " -n " + namespace;
    switch (n.event) {
      case CellNotifications.PAUSED -> {
        out.put("promote", "okra-runner cell promote " + cell);
        out.put("abort", "okra-runner cell abort " + cell);
      }
      case CellNotifications.FAILED -> out.put("retry", "okra-runner cell retry " + cell);
      default -> { }
    }
    return out;
  }

  /** One message in the receiver's markup; {@code escape} makes what authors write plain text in it. */
  static String text(Notification n, String namespace, String name, UnaryOperator<String> escape) {
    boolean slack = escape.apply("*").equals("\uff0a");
    String bold = slack ? "*" : "**";
    String cell = code(namespace + "/" + name, escape);
    String version = escape.apply(plain(n.version));
    String stable = escape.apply(plain(n.stableVersion));
    String message = n.message == null || n.message.isEmpty() ? "" : "\n" + escape.apply(plain(n.message));
    Map<String, String> commands = commands(n, namespace, name);
    return switch (n.event) {
      case CellNotifications.PAUSED -> bold + "Okra: Cell " + cell + " waits for a human" + bold + " at " + version + " (stable: " + stable + ")"
          + message + "\nPromote: " + code(commands.get("promote"), escape) + "\nAbort: " + code(commands.get("abort"), escape);
      case CellNotifications.FAILED -> bold + "Okra: the rollout of " + version + " in Cell " + cell + " failed" + bold
          + "; traffic is back on " + stable + " and " + version + " is blocked" + message
          + "\nOnce it is fixed, roll it out again: " + code(commands.get("retry"), escape);
      default -> bold + "Okra: Cell " + cell + " succeeded" + bold + ": " + version + " has all the traffic" + message;
    };
  }

  private static String code(String s, UnaryOperator<String> escape) {
    return CODE_SAFE.matcher(s).matches() ? "`" + s + "`" : escape.apply(s);
  }

  private static String plain(String s) {
    return s == null ? "-" : PlainText.visible(s);
  }
}
