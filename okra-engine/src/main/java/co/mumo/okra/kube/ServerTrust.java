package co.mumo.okra.kube;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How the API server's certificate is checked, as kubectl checks it: a kubeconfig CA replaces the
 * system's trust roots (it is not added to them), the name checked is {@code tls-server-name} when the
 * cluster sets one (else the server's host), names come from the certificate's subject alternative
 * names only (no common-name fallback, as in Go), and {@code insecure-skip-tls-verify} skips it all.
 *
 * <p>It is an {@link X509ExtendedTrustManager}, so the JDK calls it with the connection and leaves
 * the name check to it.
 */
final class ServerTrust extends X509ExtendedTrustManager {
  private final X509TrustManager chain;
  private final Optional<String> serverName;
  private final boolean insecure;

  private ServerTrust(X509TrustManager chain, Optional<String> serverName, boolean insecure) {
    this.chain = chain;
    this.serverName = serverName;
    this.insecure = insecure;
  }

  /** {@code caPem} (the kubeconfig's CA bundle) or the system's roots when empty. */
  static TrustManager[] of(Optional<byte[]> caPem, Optional<String> serverName, boolean insecure) {
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caPem.isPresent()) {
        KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
        roots.load(null, null);
        int i = 0;
        for (Certificate c : certificates(caPem.get())) roots.setCertificateEntry("ca-" + i++, c);
        if (i == 0) throw new KubeconfigException("the kubeconfig's certificate-authority holds no certificate");
        f.init(roots);
      } else {
        f.init((KeyStore) null);
      }
      for (TrustManager t : f.getTrustManagers()) {
        if (t instanceof X509TrustManager x) return new TrustManager[] {new ServerTrust(x, serverName, insecure)};
      }
      throw new IllegalStateException("no X509 trust manager in this JVM");
    } catch (GeneralSecurityException | IOException e) {
      throw new KubeconfigException("the kubeconfig's certificate-authority cannot be read: " + e.getMessage(), e);
    }
  }

  static byte[] caPem(String data, String file) {
    if (data != null && !data.isBlank()) return Base64.getMimeDecoder().decode(data);
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new KubeconfigException("cannot read certificate-authority " + file + ": " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(byte[] pem) throws CertificateException {
    return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
    check(certs, authType, engine == null ? null : engine.getPeerHost());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
    // The name the connection was opened for, never a reverse lookup.
    check(certs, authType, socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null ? ssl.getHandshakeSession().getPeerHost() : null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
    check(certs, authType, null);
  }

  private void check(X509Certificate[] certs, String authType, String peerHost) throws CertificateException {
    if (insecure) return;
    chain.checkServerTrusted(certs, authType);
    String expected = serverName.orElse(peerHost);
    if (expected == null) throw new CertificateException("no host name to check the API server's certificate against");
    verifyName(certs[0], expected);
  }

  /** Go's {@code VerifyHostname}: IP SANs for an address, DNS SANs (a leading {@code *.} for one label) for a name. */
  static void verifyName(X509Certificate cert, String host) throws CertificateException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    List<String> names = new ArrayList<>();
    Optional<InetAddress> ip = literal(h);
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1));
        names.add(value);
        if (ip.isPresent() && type == 7 && literal(value).equals(ip)) return;
        if (ip.isEmpty() && type == 2 && dnsMatches(value, h)) return;
      }
    }
    throw new CertificateException("the API server's certificate is valid for " + (names.isEmpty() ? "no names" : names) + ", not " + host
        + (names.isEmpty() ? "" : "; set tls-server-name in the kubeconfig's cluster to one of them if the server is reached by another name"));
  }

  private static boolean dnsMatches(String pattern, String host) {
    String p = trimDot(pattern.toLowerCase(Locale.ROOT));
    String n = trimDot(host.toLowerCase(Locale.ROOT));
    if (!p.startsWith("*.")) return p.equals(n);
    int dot = n.indexOf('.');
    return dot > 0 && n.substring(dot).equals(p.substring(1));
  }

  private static String trimDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** The address a literal stands for; never a name lookup. */
  private static Optional<InetAddress> literal(String s) {
    if (!s.matches("[0-9.]+") && !s.contains(":")) return Optional.empty();
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("not a server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("not a server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
    throw new CertificateException("not a server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return insecure ? new X509Certificate[0] : chain.getAcceptedIssuers();
  }
}
