package co.mumo.okra.notify;

import co.mumo.okra.cell.CellNotifications;
import co.mumo.okra.core.InputException;
import co.mumo.okra.redaction.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A webhook the runner's owner names ({@code --notify}, a CI input; never a Cell): where to send, and
 * in which shape. A webhook URL often is a secret (Slack's carries its token in the path), so it is
 * registered with the redaction path when parsed, and a webhook is shown and stored only by its host and
 * {@link #id()}, never by its URL.
 */
public record Webhook(URI url, Format format) {
  /** {@code json}: Okra's own versioned document ({@link NotificationPayloads}); {@code slack}: {@code {"text": ...}}. */
  public enum Format { json, slack }

  public Webhook {
    Secrets.register(url.toString());
    // The path and query alone hold the secret too, wherever they turn up without the host.
    String rest = (url.getRawPath() == null ? "" : url.getRawPath()) + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    if (rest.length() > 1) Secrets.register(rest);
  }

  /**
   * {@code slack:URL}, {@code json:URL} or a plain URL (in {@code defaultFormat}): an http or https URL
   * with a host and without user information.
   *
   * @throws InputException naming the option and what is wrong, never the URL itself
   */
  public static Webhook parse(String spec, Format defaultFormat, String option) {
    String text = spec == null ? "" : spec.strip();
    Format format = defaultFormat;
    for (Format f : Format.values()) {
      if (text.regionMatches(true, 0, f.name() + ":", 0, f.name().length() + 1)
          && !text.regionMatches(true, f.name().length() + 1, "//", 0, 2)) {
        format = f;
        text = text.substring(f.name().length() + 1);
      }
    }
    if (!text.isEmpty()) Secrets.register(text); // before any message could quote it
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw new InputException(option + ": not a URL (" + e.getReason() + " at index " + e.getIndex() + "); give http(s)://HOST/PATH,"
          + " or slack:https://hooks.slack.com/...");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
      throw new InputException(option + ": a webhook is an http or https URL with a host (got " + (scheme.isEmpty() ? "no scheme" : scheme
          + (url.getHost() == null ? " without a host" : "")) + ")");
    }
    if (url.getRawUserInfo() != null) {
      throw new InputException(option + ": the webhook URL must not carry user:password@ (they would travel with every redirect)");
    }
    if (url.getRawFragment() != null) throw new InputException(option + ": the webhook URL must not have a #fragment");
    return new Webhook(url, format);
  }

  /** Names the webhook in status ({@code sentTo}) and output: the first hex digits of the SHA-256 of its URL. */
  public String id() {
    return CellNotifications.digest(url.toString());
  }

  public String host() {
    return url.getHost();
  }

  /** What output may say of it: the format and the host, not the path (where a token may be). */
  @Override
  public String toString() {
    return format + " webhook " + id() + " at " + host();
  }
}
