package co.mumo.okra.outbound;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 on one connection, one request ({@code Connection: close}): writes the request, reads the
 * answer's head and at most {@code maxBody} bytes of its body (Content-Length, chunked, or up to the
 * end of the connection). The JDK's HTTP client cannot be told which address to connect to, so
 * {@link OutboundHttp} speaks this small part of the protocol itself.
 */
final class Http1 {
  static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})(?: .*)?");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  private Http1() {}

  /** An answer as read: status, header values by lower-case name, and the body. */
  record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

  /** The body was longer than allowed; nothing more was read. */
  static final class TooLargeException extends IOException {
    TooLargeException() {
      super("the answer is larger than the cap");
    }
  }

  /** Why a header name or value cannot be sent, or null when it can. */
  static String headerProblem(String name, String value) {
    if (name == null || !TOKEN.matcher(name).matches()) return "header name \"" + name + "\" is not a valid HTTP header name";
    if (OutboundHttp.RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      return "header " + name + " is set by Okra itself and cannot come from a template";
    }
    if (value != null && value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
      return "header " + name + " has a line break or NUL in its value";
    }
    return null;
  }

  static void write(OutputStream out, String method, String target, String hostHeader, List<String[]> headers, byte[] body)
      throws IOException {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(hostHeader).append("\r\n");
    head.append("User-Agent: okra-runner\r\n");
    head.append("Connection: close\r\n");
    if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
    for (String[] h : headers) {
      head.append(h[0]).append(": ").append(h[1]).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) out.write(body);
    out.flush();
  }

  /** Reads the answer to a {@code method} request; skips interim (1xx) answers. */
  static Answer read(InputStream in, String method, int maxBody) throws IOException {
    int[] headBudget = {MAX_HEAD_BYTES};
    for (int interim = 0; interim < 8; interim++) {
      String statusLine = line(in, headBudget);
      Matcher m = STATUS_LINE.matcher(statusLine);
      if (!m.matches()) throw new IOException("not an HTTP/1.1 answer: " + OutboundHttp.abbreviate(statusLine));
      int status = Integer.parseInt(m.group(1));
      Map<String, List<String>> headers = headers(in, headBudget);
      if (status >= 100 && status < 200) continue;
      boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
      return new Answer(status, headers, noBody ? new byte[0] : body(in, headers, maxBody));
    }
    throw new IOException("too many interim (1xx) answers");
  }

  private static Map<String, List<String>> headers(InputStream in, int[] budget) throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String last = null;
    for (String l; !(l = line(in, budget)).isEmpty(); ) {
      if ((l.charAt(0) == ' ' || l.charAt(0) == '\t') && last != null) {
        List<String> values = out.get(last);
        values.set(values.size() - 1, values.get(values.size() - 1) + " " + l.strip());
        continue;
      }
      int colon = l.indexOf(':');
      if (colon <= 0) throw new IOException("malformed header line: " + OutboundHttp.abbreviate(l));
      last = l.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      out.computeIfAbsent(last, k -> new ArrayList<>()).add(l.substring(colon + 1).strip());
    }
    return out;
  }

  private static byte[] body(InputStream in, Map<String, List<String>> headers, int maxBody) throws IOException {
    List<String> te = headers.getOrDefault("transfer-encoding", List.of());
    if (!te.isEmpty() && String.join(",", te).toLowerCase(Locale.ROOT).strip().endsWith("chunked")) return chunked(in, maxBody);
    List<String> cl = headers.getOrDefault("content-length", List.of());
    if (!cl.isEmpty()) {
      long length = contentLength(cl);
      if (length > maxBody) throw new TooLargeException();
      byte[] body = in.readNBytes((int) length);
      if (body.length < length) throw new EOFException("the connection closed after " + body.length + " of " + length + " bytes");
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    copy(in, out, Long.MAX_VALUE, maxBody);
    return out.toByteArray();
  }

  private static long contentLength(List<String> values) throws IOException {
    long length = -1;
    for (String v : values) {
      for (String part : v.split(",")) {
        String p = part.strip();
        if (!p.matches("\\d{1,18}")) throw new IOException("invalid Content-Length: " + OutboundHttp.abbreviate(v));
        long l = Long.parseLong(p);
        if (length >= 0 && l != length) throw new IOException("conflicting Content-Length values");
        length = l;
      }
    }
    return length;
  }

  private static byte[] chunked(InputStream in, int maxBody) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] budget = {MAX_HEAD_BYTES};
    while (true) {
      String sizeLine = line(in, budget);
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
      if (!hex.matches("[0-9A-Fa-f]{1,15}")) throw new IOException("invalid chunk size: " + OutboundHttp.abbreviate(sizeLine));
      long size = Long.parseLong(hex, 16);
      if (size == 0) break;
      if (out.size() + size > maxBody) throw new TooLargeException();
      if (copy(in, out, size, maxBody) < size) throw new EOFException("the connection closed in the middle of a chunk");
      if (!line(in, budget).isEmpty()) throw new IOException("a chunk is longer than its size says");
      budget[0] = MAX_HEAD_BYTES;
    }
    while (!line(in, budget).isEmpty()) {
      // trailers: read and ignored
    }
    return out.toByteArray();
  }

  /** Copies up to {@code limit} bytes; more than {@code maxBody} in {@code out} is {@link TooLargeException}. */
  private static long copy(InputStream in, ByteArrayOutputStream out, long limit, int maxBody) throws IOException {
    byte[] buf = new byte[8192];
    long copied = 0;
    while (copied < limit) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, limit - copied));
      if (n < 0) break;
      if (out.size() + n > maxBody) throw new TooLargeException();
      out.write(buf, 0, n);
      copied += n;
    }
    return copied;
  }

  /** One line without its CRLF (or LF), counted against the head's budget. */
  private static String line(InputStream in, int[] budget) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) throw new EOFException(b.size() == 0 ? "the server closed the connection without an answer" : "the answer ended early");
      if (--budget[0] < 0) throw new IOException("the answer's head is longer than " + MAX_HEAD_BYTES / 1024 + " KiB");
      if (c == '\n') break;
      b.write(c);
    }
    byte[] bytes = b.toByteArray();
    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
  }
}
