package co.mumo.okra.core;

import java.nio.charset.StandardCharsets;

/**
 * The cap on measured values and the messages built from them, wherever Okra keeps or prints them
 * (AnalysisRun status, Cell status, the runner's output): a metric's answer is written by whoever runs
 * the server a template names, and must not fill etcd objects (1.5 MiB each) or CI logs.
 */
public final class StoredText {
  /** At most this many bytes (UTF-8) are kept, the truncation mark included. */
  public static final int LIMIT_BYTES = 4096;
  static final String MARK = "... [truncated by Okra: %d bytes in all, at most 4 KiB are kept]";

  private StoredText() {}

  /** {@code text} itself when it fits, else its start and a mark saying it was cut and how long it was. */
  public static String cap(String text) {
    if (text == null || text.length() * 3 <= LIMIT_BYTES) return text; // no UTF-8 char is longer than 3 bytes per UTF-16 unit
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= LIMIT_BYTES) return text;
    String mark = String.format(MARK, utf8.length);
    int budget = LIMIT_BYTES - mark.length();
    int end = 0;
    int used = 0;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + size > budget) break;
      used += size;
      end += Character.charCount(cp);
    }
    return text.substring(0, end) + mark;
  }
}
