package co.mumo.okra.core;

import java.util.function.Function;

/**
 * What Cell and template authors write (messages, names, versions), made safe to show where text is
 * rendered: it must not format, link, mention, embed images or HTML, or bring control characters into a
 * CI page or a chat channel. One place, for the CI summaries and the notifications.
 */
public final class PlainText {
  private PlainText() {}

  /**
   * {@code s} with every control character shown instead of acting: C0 and DEL as their Unicode
   * control pictures (a newline as ␊, an escape as ␛), C1 controls and the invisible direction and
   * format marks that can make text read differently from what it says as U+FFFD.
   */
  public static String visible(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20) {
        b.append((char) (0x2400 + c));
      } else if (c == 0x7f) {
        b.append('\u2421');
      } else if ((c >= 0x80 && c < 0xa0) || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e)
          || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff) {
        b.append('\ufffd');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * {@code s} as plain text inside Markdown (GitHub's, GitLab's; a table cell, a heading): characters that
   * would be markup are escaped, HTML's as entities; control characters are shown by {@link #visible}.
   */
  public static String markdown(String s) {
    return escape(s, c -> switch (c) {
      case '\\', '`', '*', '_', '[', ']', '|', '~', '$', '#', '!' -> "\\" + c;
      default -> null;
    });
  }

  /**
   * {@code s} as plain text inside Slack's mrkdwn. Slack parses {@code & < >} (links {@code <url|text>},
   * mentions {@code <!channel>}), which become entities as Slack asks; mrkdwn has no escape for its
   * formatting marks, so {@code * _ ~ `} become their full-width look-alikes, which format nothing.
   */
  public static String slack(String s) {
    return escape(s, c -> switch (c) {
      case '*' -> "\uff0a";
      case '_' -> "\uff3f";
      case '~' -> "\uff5e";
      case '`' -> "\uff40";
      default -> null;
    });
  }

  /** {@link #visible} text with HTML's three markup characters as entities and the rest as {@code markup} maps them (null: as is). */
  private static String escape(String s, Function<Character, String> markup) {
    StringBuilder b = new StringBuilder();
    for (char c : visible(s).toCharArray()) {
      String replacement = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        default -> markup.apply(c);
      };
      b.append(replacement == null ? String.valueOf(c) : replacement);
    }
    return b.toString();
  }
}
