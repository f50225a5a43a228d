package co.mumo.okra.rule;

import co.mumo.okra.policy.Globs;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Can one request match two rules' conditions? A rule evaluated first takes every request that both
 * match, so this is the question behind "would this rule take traffic from that one". It answers yes
 * unless some condition proves the two disjoint (a request has one host, one path, one method, one
 * source address and, here, one value per header); query strings never prove it, as a request may
 * carry every pair. Erring towards yes is the safe side: the worst case is a refused rule.
 */
public final class RuleOverlap {
  private RuleOverlap() {}

  /** Empty when no request can match both; otherwise what they share, for a message. */
  public static Optional<String> between(RuleConditions a, RuleConditions b) {
    if (disjoint(a.hosts(), b.hosts(), true) || disjoint(a.pathPatterns(), b.pathPatterns(), false)
        || disjointExact(a.methods(), b.methods()) || disjointCidrs(a.sourceIps(), b.sourceIps())) {
      return Optional.empty();
    }
    Map<String, List<String>> ha = caseInsensitive(a.headers());
    Map<String, List<String>> hb = caseInsensitive(b.headers());
    for (var e : ha.entrySet()) {
      if (hb.containsKey(e.getKey()) && disjoint(e.getValue(), hb.get(e.getKey()), true)) return Optional.empty();
    }
    return Optional.of(describe(a, b));
  }

  private static boolean disjoint(List<String> a, List<String> b, boolean ignoreCase) {
    if (a.isEmpty() || b.isEmpty()) return false;
    return a.stream().noneMatch(x -> b.stream().anyMatch(y -> Globs.intersect(x, y, ignoreCase)));
  }

  private static boolean disjointExact(List<String> a, List<String> b) {
    return !a.isEmpty() && !b.isEmpty() && a.stream().noneMatch(b::contains);
  }

  private static boolean disjointCidrs(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) return false;
    return a.stream().noneMatch(x -> b.stream().anyMatch(y -> cidrsOverlap(x, y)));
  }

  /** Two CIDR blocks overlap when the shorter prefix contains the other's network. Unreadable ones are taken to overlap. */
  static boolean cidrsOverlap(String x, String y) {
    try {
      Cidr c1 = Cidr.parse(x);
      Cidr c2 = Cidr.parse(y);
      if (c1.bits() != c2.bits()) return false; // IPv4 and IPv6 never match the same address
      int prefix = Math.min(c1.prefix(), c2.prefix());
      return c1.network().shiftRight(c1.bits() - prefix).equals(c2.network().shiftRight(c2.bits() - prefix));
    } catch (IllegalArgumentException | UnknownHostException e) {
      return true;
    }
  }

  private record Cidr(BigInteger network, int prefix, int bits) {
    static Cidr parse(String text) throws UnknownHostException {
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      // Only literal addresses: never a name lookup.
      if (!address.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) throw new IllegalArgumentException(text);
      byte[] raw = InetAddress.getByName(address).getAddress();
      int bits = raw.length * 8;
      int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
      if (prefix < 0 || prefix > bits) throw new IllegalArgumentException(text);
      return new Cidr(new BigInteger(1, raw), prefix, bits);
    }
  }

  private static Map<String, List<String>> caseInsensitive(Map<String, List<String>> m) {
    Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    out.putAll(m);
    return out;
  }

  private static String describe(RuleConditions a, RuleConditions b) {
    StringBuilder s = new StringBuilder();
    shared(s, "host", a.hosts(), b.hosts());
    shared(s, "path", a.pathPatterns(), b.pathPatterns());
    return s.length() == 0 ? "their conditions can match the same requests" : "both match " + s;
  }

  private static void shared(StringBuilder s, String what, List<String> a, List<String> b) {
    List<String> values = a.isEmpty() ? b : b.isEmpty() ? a
        : a.stream().filter(x -> b.stream().anyMatch(y -> Globs.intersect(x, y, what.equals("host")))).toList();
    if (values.isEmpty()) return;
    if (s.length() > 0) s.append(" and ");
    s.append(what).append(' ').append(String.join(", ", values));
  }
}
