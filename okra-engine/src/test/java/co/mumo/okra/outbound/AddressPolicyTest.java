package co.mumo.okra.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.outbound.AddressPolicy.Kind;
import co.mumo.okra.policy.AnalysisPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which addresses are which, and what the owner's switches allow; names resolve through a table, no DNS. */
class AddressPolicyTest {
  private static final Map<String, List<String>> DNS = Map.of(
      "api.example.com", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
      "prometheus.monitoring.svc", List.of("10.96.0.20"),
      "split.example.com", List.of("93.184.216.34", "169.254.169.254"));

  private static AddressPolicy policy(AnalysisPolicy p) {
    return new AddressPolicy(p, host -> {
      List<String> found = DNS.get(host);
      if (found == null) return List.of(InetAddress.getByName(host)); // literals only: no name is looked up
      List<InetAddress> out = new java.util.ArrayList<>();
      for (String a : found) out.add(InetAddress.getByName(a));
      return out;
    });
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', textBlock = """
      169.254.169.254          | METADATA
      169.254.0.1              | METADATA
      fe80::1                  | METADATA
      febf:ffff::1             | METADATA
      fd00:ec2::254            | METADATA
      fd00:ec2::23             | METADATA
      ::ffff:169.254.169.254   | METADATA
      ::169.254.169.254        | METADATA
      64:ff9b::169.254.169.254 | METADATA
      2002:a9fe:a9fe::1        | METADATA
      224.0.0.251              | NOT_UNICAST
      255.255.255.255          | NOT_UNICAST
      240.0.0.1                | NOT_UNICAST
      ff02::1                  | NOT_UNICAST
      127.0.0.1                | LOOPBACK
      127.255.0.9              | LOOPBACK
      0.0.0.0                  | LOOPBACK
      ::1                      | LOOPBACK
      ::                       | LOOPBACK
      ::ffff:127.0.0.1         | LOOPBACK
      10.0.0.1                 | PRIVATE
      172.16.0.1               | PRIVATE
      172.31.255.255           | PRIVATE
      192.168.1.1              | PRIVATE
      100.64.0.1               | PRIVATE
      100.100.100.200          | PRIVATE
      fc00::1                  | PRIVATE
      fd12:3456::1             | PRIVATE
      64:ff9b::10.0.0.1        | PRIVATE
      172.32.0.1               | PUBLIC
      100.128.0.1              | PUBLIC
      169.253.255.255          | PUBLIC
      93.184.216.34            | PUBLIC
      2606:2800:220:1::1       | PUBLIC
      64:ff9b::93.184.216.34   | PUBLIC
      """)
  void classify(String address, Kind kind) throws UnknownHostException {
    assertThat(AddressPolicy.classify(InetAddress.getByName(address))).isEqualTo(kind);
  }

  @Test
  void theSwitchesAllowLoopbackAndPrivateNetworksAndNothingAllowsMetadata() throws Exception {
    AnalysisPolicy all = new AnalysisPolicy(Optional.empty(), true, true, true);
    assertThat(policy(all).addresses("prometheus.monitoring.svc")).extracting(InetAddress::getHostAddress).containsExactly("10.96.0.20");
    assertThat(policy(all).addresses("127.0.0.1")).hasSize(1);
    assertThatThrownBy(() -> policy(AnalysisPolicy.DEFAULT).addresses("prometheus.monitoring.svc"))
        .hasMessage("host prometheus.monitoring.svc has address 10.96.0.20, a private address (10.0.0.0/8, 172.16.0.0/12,"
            + " 192.168.0.0/16, 100.64.0.0/10, fc00::/7); the runner's owner can allow private networks with"
            + " analysis.allowPrivateNetworks: true in the runner's policy (--policy FILE)");
    assertThatThrownBy(() -> policy(all).addresses("split.example.com"))
        .hasMessageStartingWith("host split.example.com has address 169.254.169.254, a link-local address");
    assertThat(policy(AnalysisPolicy.DEFAULT).addresses("api.example.com")).hasSize(2);
  }

  @Test
  void allowedHostsAreMatchedBeforeAnyLookup() throws Exception {
    AnalysisPolicy listed = new AnalysisPolicy(Optional.of(List.of("*.example.com", "prometheus.*.svc")), false, true, false);
    AddressPolicy p = new AddressPolicy(listed, host -> {
      if (!DNS.containsKey(host)) throw new AssertionError("looked up " + host);
      return List.of(InetAddress.getByName(DNS.get(host).get(0)));
    });
    assertThat(p.addresses("API.Example.COM")).hasSize(1);
    assertThat(p.addresses("prometheus.monitoring.svc")).hasSize(1);
    assertThatThrownBy(() -> p.addresses("grafana.monitoring.svc")).hasMessage("host grafana.monitoring.svc is not in"
        + " analysis.allowedHosts of the runner's policy (*.example.com, prometheus.*.svc); the runner's owner can add it there"
        + " (--policy FILE)");
    // An empty list allows no host at all.
    AddressPolicy none = policy(new AnalysisPolicy(Optional.of(List.of()), true, true, false));
    assertThatThrownBy(() -> none.addresses("api.example.com")).hasMessageContaining("is not in analysis.allowedHosts");
  }
}
