package co.mumo.okra.analysis.eval.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's text conversions that decide outcomes or stored values: expr's string unescaping, {@code strconv}'s
 * ParseInt/ParseFloat (what {@code asInt}, {@code asFloat}, {@code int()}, {@code float()} accept) and
 * FormatFloat, and {@code encoding/json}'s Marshal (how Argo stores a web measurement's value).
 */
public final class Strings {
  private Strings() {}

  /** expr's unescape of a quoted literal ({@code "a\tb"}, {@code 'it\'s'}, {@code "\u00e9"}, {@code "\101"}). */
  static String unescape(String quoted) {
    String v = quoted.replace("\r\n", "\n").replace("\r", "\n");
    int n = v.length();
    if (n < 2 || v.charAt(0) != v.charAt(n - 1) || v.charAt(0) != '"' && v.charAt(0) != '\'') {
      throw new ExprException(ExprException.Stage.PARSE, "unable to unescape string");
    }
    String s = v.substring(1, n - 1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        i++;
        continue;
      }
      if (i + 1 >= s.length()) throw new ExprException(ExprException.Stage.PARSE, "unable to unescape string, found '\\' as last character");
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> b.append('\u0007');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'v' -> b.append('\u000b');
        case '\\', '\'', '"', '`', '?' -> b.append(e);
        case 'x', 'X', 'u', 'U' -> {
          int digits;
          int cp = 0;
          if (e == 'u' && i < s.length() && s.charAt(i) == '{') {
            int close = s.indexOf('}', i);
            if (close < 0 || close == i + 1 || close - i - 1 > 6) throw bad();
            cp = hex(s.substring(i + 1, close));
            i = close + 1;
          } else {
            digits = e == 'u' ? 4 : e == 'U' ? 8 : 2;
            if (i + digits > s.length()) throw bad();
            cp = hex(s.substring(i, i + digits));
            i += digits;
          }
          if (cp > 0x10FFFF) throw bad();
          if (e == 'x' || e == 'X') {
            b.append((char) cp); // a byte; Okra's strings are text, so a lone byte >= 0x80 stands for itself
          } else if (cp >= 0xD800 && cp < 0xE000) {
            b.append('\uFFFD');
          } else {
            b.appendCodePoint(cp);
          }
        }
        case '0', '1', '2', '3' -> {
          if (i + 2 > s.length()) throw new ExprException(ExprException.Stage.PARSE, "unable to unescape octal sequence in string");
          int v8 = e - '0';
          for (int j = 0; j < 2; j++) {
            char d = s.charAt(i + j);
            if (d < '0' || d > '7') throw new ExprException(ExprException.Stage.PARSE, "unable to unescape octal sequence in string");
            v8 = v8 * 8 + (d - '0');
          }
          i += 2;
          b.append((char) v8);
        }
        default -> throw new ExprException(ExprException.Stage.PARSE, "unable to unescape string");
      }
    }
    return b.toString();
  }

  private static ExprException bad() {
    return new ExprException(ExprException.Stage.PARSE, "unable to unescape string");
  }

  private static int hex(String digits) {
    int v = 0;
    for (char c : digits.toCharArray()) {
      int d = Character.digit(c, 16);
      if (d < 0) throw bad();
      v = v * 16 + d;
    }
    return v;
  }

  /** strconv.ParseInt(s, base, 64) without prefixes or underscores: optional sign, digits, no overflow. */
  public static long parseInt(String s, int radix) {
    if (s.isEmpty()) throw new NumberFormatException("invalid syntax");
    int i = 0;
    boolean negative = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (i == s.length()) throw new NumberFormatException("invalid syntax");
    BigInteger v = BigInteger.ZERO;
    for (; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), radix);
      if (d < 0 || s.charAt(i) > 0x7f) throw new NumberFormatException("invalid syntax");
      v = v.multiply(BigInteger.valueOf(radix)).add(BigInteger.valueOf(d));
    }
    if (negative) v = v.negate();
    if (v.bitLength() > 63) throw new NumberFormatException("value out of range");
    return v.longValue();
  }

  /** strconv.ParseFloat(s, 64): decimal or hex floats, inf/infinity/nan in any case, an error out of range. */
  public static double parseFloat(String s) {
    String t = s;
    int i = 0;
    boolean negative = false;
    if (!t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-')) {
      negative = t.charAt(0) == '-';
      i = 1;
    }
    String body = t.substring(i);
    String lower = body.toLowerCase(Locale.ROOT);
    if (lower.equals("inf") || lower.equals("infinity")) return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    if (lower.equals("nan") && i == 0) return Double.NaN;
    double v;
    if (lower.startsWith("0x")) {
      if (!lower.matches("0x(_?[0-9a-f])*(\\.[0-9a-f_]*)?p[+-]?[0-9_]+") || !lower.matches(".*[0-9a-f].*p.*")) {
        throw new NumberFormatException("invalid syntax");
      }
      v = Double.parseDouble(body.replace("_", ""));
    } else {
      if (!body.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) throw new NumberFormatException("invalid syntax");
      v = new BigDecimal(body).doubleValue();
    }
    if (Double.isInfinite(v)) throw new NumberFormatException("value out of range");
    return negative ? -v : v;
  }

  /** strconv.FormatFloat(f, 'f', -1, 64) with NaN/±Inf as Go spells them: Prometheus and Datadog values. */
  public static String formatFloatF(double f) {
    String special = special(f);
    if (special != null) return special;
    if (f == 0) return (1 / f < 0) ? "-0" : "0";
    return shortest(f).toPlainString();
  }

  /** encoding/json's float64: 'f' between 1e-6 and 1e21, else 'e' with a two-digit-at-least exponent trimmed ("1e-07" to "1e-7"). */
  public static String formatFloatJson(double f) {
    if (f == 0) return (1 / f < 0) ? "-0" : "0";
    double abs = Math.abs(f);
    if (abs >= 1e-6 && abs < 1e21) return shortest(f).toPlainString();
    String e = formatE(f);
    // encoding/json cleans up e-09 to e-9 (and leaves e+21 alone)
    int n = e.length();
    if (n >= 4 && e.charAt(n - 4) == 'e' && e.charAt(n - 3) == '-' && e.charAt(n - 2) == '0') {
      e = e.substring(0, n - 2) + e.charAt(n - 1);
    }
    return e;
  }

  /** fmt's %v of a float64 (strconv 'g', shortest): CloudWatch values. */
  public static String formatFloatG(double f) {
    String special = special(f);
    if (special != null) return special;
    if (f == 0) return (1 / f < 0) ? "-0" : "0";
    BigDecimal d = shortest(f);
    int exp = d.precision() - d.scale() - 1;
    if (exp < -4 || exp >= 21) return formatE(f);
    return d.toPlainString();
  }

  private static String special(double f) {
    if (Double.isNaN(f)) return "NaN";
    if (f == Double.POSITIVE_INFINITY) return "+Inf";
    if (f == Double.NEGATIVE_INFINITY) return "-Inf";
    return null;
  }

  /** Go's 'e' format, shortest digits: 1e+21, 1.5e-07. */
  private static String formatE(double f) {
    BigDecimal d = shortest(f).stripTrailingZeros();
    String digits = d.unscaledValue().abs().toString();
    int exp = d.precision() - d.scale() - 1;
    StringBuilder b = new StringBuilder();
    if (f < 0) b.append('-');
    b.append(digits.charAt(0));
    if (digits.length() > 1) b.append('.').append(digits, 1, digits.length());
    b.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) b.append('0');
    b.append(a);
    return b.toString();
  }

  /** The shortest decimal that reads back as {@code f} (what Go's FormatFloat with precision -1 prints). */
  static BigDecimal shortest(double f) {
    BigDecimal exact = new BigDecimal(f);
    for (int digits = 1; digits <= 17; digits++) {
      BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (d.doubleValue() == f) return d.stripTrailingZeros().scale() < 0 ? d.setScale(0) : d.stripTrailingZeros();
    }
    return exact;
  }

  /** encoding/json.Marshal of a decoded JSON value: keys sorted, HTML characters escaped as Go does. */
  public static String json(Object v) {
    StringBuilder b = new StringBuilder();
    json(v, b);
    return b.toString();
  }

  private static void json(Object v, StringBuilder b) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Boolean x) {
      b.append(x);
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) throw new IllegalArgumentException("json: unsupported value: " + special(d));
      b.append(formatFloatJson(d));
    } else if (v instanceof Long || v instanceof Integer) {
      b.append(v);
    } else if (v instanceof String s) {
      quote(s, b);
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) b.append(',');
        json(l.get(i), b);
      }
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (var e : new TreeMap<>(utf8Order(m)).entrySet()) {
        if (!first) b.append(',');
        first = false;
        quote(e.getKey().value(), b);
        b.append(':');
        json(e.getValue(), b);
      }
      b.append('}');
    } else {
      quote(String.valueOf(v), b);
    }
  }

  /** Go sorts map keys by their bytes (UTF-8), which orders supplementary characters differently from Java. */
  private record Utf8Key(String value) implements Comparable<Utf8Key> {
    @Override
    public int compareTo(Utf8Key o) {
      return Arrays.compareUnsigned(value.getBytes(StandardCharsets.UTF_8),
          o.value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Map<Utf8Key, Object> utf8Order(Map<?, ?> m) {
    Map<Utf8Key, Object> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(new Utf8Key(String.valueOf(k)), v));
    return out;
  }

  private static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029' -> b.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              b.append(c).append(s.charAt(++i));
            } else {
              b.append("\\ufffd");
            }
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
