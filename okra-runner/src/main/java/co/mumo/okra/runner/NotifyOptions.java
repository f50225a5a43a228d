package co.mumo.okra.runner;

import co.mumo.okra.core.InputException;
import co.mumo.okra.notify.Webhook;
import co.mumo.okra.notify.WebhookNotifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Who is told when a Cell waits for a human, fails or succeeds: the runner owner's webhooks (never a
 * Cell's). From {@code --notify}, else {@code $OKRA_NOTIFY}, which keeps a secret URL off the command line.
 */
final class NotifyOptions {
  static final String ENV = "OKRA_NOTIFY";

  @Option(names = "--notify", paramLabel = "URL", description = {"Tell this webhook when a Cell starts waiting for a human (Paused), fails",
      "or succeeds, once per transition (repeatable, at most " + WebhookNotifier.MAX_WEBHOOKS + "; default: $" + ENV + ", URLs separated by",
      "spaces). slack:URL for a Slack-compatible {\"text\": ...}; a plain URL gets --notify-format. The host must be",
      "allowed by the policy's notifications section (default: public hosts only). The URL is a secret: never printed."})
  List<String> urls = new ArrayList<>();

  @Option(names = "--notify-format", paramLabel = "FORMAT", defaultValue = "${env:OKRA_NOTIFY_FORMAT:-json}", description = {"json (Okra's",
      "versioned document, docs/cli.md: Notifications) or slack, for --notify URLs without a slack: or json: prefix.",
      "Default: $OKRA_NOTIFY_FORMAT, else json."})
  Webhook.Format format;

  /** The webhooks, each checked (an http(s) URL with a host, no credentials); none when neither the option nor $OKRA_NOTIFY names one. */
  List<Webhook> webhooks() {
    String fromEnv = System.getenv(ENV);
    List<String> given = urls.isEmpty() && fromEnv != null ? Arrays.asList(fromEnv.strip().split("\\s+")) : urls;
    String option = urls.isEmpty() ? "$" + ENV : "--notify";
    List<Webhook> out = given.stream().filter(u -> !u.isBlank()).map(u -> Webhook.parse(u, format, option)).toList();
    if (out.size() > WebhookNotifier.MAX_WEBHOOKS) {
      throw new InputException(option + ": at most " + WebhookNotifier.MAX_WEBHOOKS + " webhooks, got " + out.size());
    }
    return out;
  }
}
