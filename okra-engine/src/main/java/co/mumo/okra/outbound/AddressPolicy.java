package co.mumo.okra.outbound;

import co.mumo.okra.policy.AnalysisPolicy;
import co.mumo.okra.policy.HostPolicy;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Which hosts and addresses an outbound request may contact: a metric on a template author's behalf
 * (the policy's {@code analysis} section), a webhook the owner names ({@code notifications}). The host
 * must be in the section's {@code allowedHosts} (when it has a list); every address the name resolves to
 * is classified, and one address that is not allowed refuses the host. Link-local and cloud metadata
 * addresses are refused whatever the policy says: they hand out the runner's own credentials.
 */
public final class AddressPolicy {

  /** The kinds of address a name can resolve to; {@code range} and {@code why} are for messages. */
  public enum Kind {
    METADATA("a link-local address (169.254.0.0/16, fe80::/10, AWS's fd00:ec2::/32), where cloud metadata services hand out credentials"),
    NOT_UNICAST("not a unicast address (multicast, broadcast or reserved)"),
    LOOPBACK("a loopback address (127.0.0.0/8, ::1, 0.0.0.0/8, ::), this machine"),
    PRIVATE("a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)"),
    PUBLIC("a public address");

    final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  /** Name resolution, a seam so tests can make a name resolve to any address. */
  @FunctionalInterface
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
  }

  private final HostPolicy policy;
  private final Resolver resolver;

  public AddressPolicy(HostPolicy policy, Resolver resolver) {
    this.policy = policy;
    this.resolver = resolver;
  }

  public AddressPolicy(AnalysisPolicy policy, Resolver resolver) {
    this(policy.hosts(), resolver);
  }

  /**
   * The addresses of {@code host} (a name, or an address literal without brackets), each checked; the
   * caller connects to these and to nothing else, so a name that resolves differently a moment later
   * (DNS rebinding) cannot take the request elsewhere.
   *
   * @throws RefusedException naming the host, the address and the rule, and how the owner can allow it
   */
  public List<InetAddress> addresses(String host) throws UnknownHostException, RefusedException {
    String name = host.toLowerCase(Locale.ROOT);
    if (!policy.hostListed(name)) {
      throw new RefusedException("host " + host + " is not in " + policy.section() + ".allowedHosts of the runner's policy ("
          + String.join(", ", policy.allowedHosts().orElseThrow()) + "); the runner's owner can add it there (--policy FILE)");
    }
    List<InetAddress> found = resolver.resolve(name);
    if (found.isEmpty()) throw new UnknownHostException(host + ": no address");
    for (InetAddress a : found) {
      Kind kind = classify(a);
      String refusal = switch (kind) {
        case METADATA, NOT_UNICAST -> "Okra never contacts such addresses";
        case LOOPBACK -> policy.allowLoopback() ? null
            : "the runner's owner can allow loopback addresses with " + policy.section() + ".allowLoopback: true in the runner's policy (--policy FILE)";
        case PRIVATE -> policy.allowPrivateNetworks() ? null
            : "the runner's owner can allow private networks with " + policy.section() + ".allowPrivateNetworks: true in the runner's policy (--policy FILE)";
        case PUBLIC -> null;
      };
      if (refusal != null) {
        throw new RefusedException("host " + host + " has address " + a.getHostAddress() + ", " + kind.description + "; " + refusal);
      }
    }
    return found;
  }

  /** The kind of {@code a}; an IPv6 address that embeds an IPv4 one is as strict as the stricter of the two. */
  public static Kind classify(InetAddress a) {
    if (a instanceof Inet4Address) return classify4(a.getAddress());
    byte[] b = a.getAddress();
    Kind own = classify6(b);
    byte[] embedded = embeddedIpv4(b);
    if (embedded == null) return own;
    Kind inner = classify4(embedded);
    return inner.ordinal() < own.ordinal() ? inner : own;
  }

  private static Kind classify4(byte[] b) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    if (o0 == 169 && o1 == 254) return Kind.METADATA;
    if (o0 >= 224) return Kind.NOT_UNICAST; // 224/4 multicast, 240/4 reserved, 255.255.255.255
    if (o0 == 127 || o0 == 0) return Kind.LOOPBACK;
    if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168) || (o0 == 100 && (o1 & 0xc0) == 64)) {
      return Kind.PRIVATE;
    }
    return Kind.PUBLIC;
  }

  private static Kind classify6(byte[] b) {
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if ((w0 & 0xffc0) == 0xfe80) return Kind.METADATA; // fe80::/10 link-local
    if (w0 == 0xfd00 && w1 == 0x0ec2) return Kind.METADATA; // fd00:ec2::/32: IMDS (::254), DNS, NTP, EKS pod identity
    if ((b[0] & 0xff) == 0xff) return Kind.NOT_UNICAST; // ff00::/8 multicast
    boolean zeroPrefix = true;
    for (int i = 0; i < 15; i++) zeroPrefix &= b[i] == 0;
    if (zeroPrefix && (b[15] == 0 || b[15] == 1)) return Kind.LOOPBACK; // :: and ::1
    if ((w0 & 0xfe00) == 0xfc00 || (w0 & 0xffc0) == 0xfec0) return Kind.PRIVATE; // fc00::/7 unique local, fec0::/10 site-local
    return Kind.PUBLIC;
  }

  /**
   * The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96)
   * or 6to4 (2002::/16) address, where the network may carry the packet to that IPv4 address.
   */
  private static byte[] embeddedIpv4(byte[] b) {
    boolean firstTenZero = true;
    for (int i = 0; i < 10; i++) firstTenZero &= b[i] == 0;
    int w5 = ((b[10] & 0xff) << 8) | (b[11] & 0xff);
    if (firstTenZero && (w5 == 0xffff || w5 == 0)) {
      if (w5 == 0 && (b[12] | b[13] | b[14]) == 0) return null; // :: and ::1 are IPv6's own
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    if (nat64) return new byte[] {b[12], b[13], b[14], b[15]};
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) return new byte[] {b[2], b[3], b[4], b[5]};
    return null;
  }

  /** A host or address the policy does not let a metric contact; the message says why and how to allow it. */
  public static final class RefusedException extends Exception {
    public RefusedException(String message) {
      super(message);
    }
  }
}
