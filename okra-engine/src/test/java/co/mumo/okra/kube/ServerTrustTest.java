package co.mumo.okra.kube;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerTrustTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"api.example.com, true", "API.example.com., true", "a.svc.example.com, true", "a.b.svc.example.com, false",
      "svc.example.com, false", "10.0.0.1, true", "[2001:db8::1], true", "10.0.0.2, false", "cn.example.com, false", "localhost, false"})
  void namesComeFromTheSubjectAlternativeNamesOnly(String host, boolean valid) throws Exception {
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(getClass().getResourceAsStream("ServerTrustTest/names.crt"));
    if (valid) {
      assertThatCode(() -> ServerTrust.verifyName(cert, host)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> ServerTrust.verifyName(cert, host)).isInstanceOf(CertificateException.class)
          .hasMessageContaining("not " + host).hasMessageContaining("tls-server-name");
    }
  }

  @Test
  void aKubeconfigCaReplacesTheSystemRootsInsteadOfJoiningThem() throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init((KeyStore) null);
    X509Certificate[] roots = ((X509TrustManager) f.getTrustManagers()[0]).getAcceptedIssuers();
    X509Certificate systemRoot = roots[0];
    X509Certificate kubeconfigCa = roots[1];
    byte[] pem = ("-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(kubeconfigCa.getEncoded())
        + "\n-----END CERTIFICATE-----\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    X509ExtendedTrustManager withCa = (X509ExtendedTrustManager) ServerTrust.of(Optional.of(pem), Optional.of("x"), false)[0];
    X509ExtendedTrustManager systemOnly = (X509ExtendedTrustManager) ServerTrust.of(Optional.empty(), Optional.of("x"), false)[0];

    // A chain the system trusts passes the system's check (and then fails only on the name)...
    assertThatThrownBy(() -> systemOnly.checkServerTrusted(new X509Certificate[] {systemRoot}, "RSA"))
        .hasMessageContaining("not x");
    // ...and is refused outright once the kubeconfig names its own CA.
    assertThatThrownBy(() -> withCa.checkServerTrusted(new X509Certificate[] {systemRoot}, "RSA"))
        .isInstanceOf(CertificateException.class).hasMessageNotContaining("not x");
  }

  @Test
  void insecureSkipsEveryCheck() throws Exception {
    X509Certificate cert;
    try (InputStream in = getClass().getResourceAsStream("ServerTrustTest/names.crt")) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    X509ExtendedTrustManager insecure = (X509ExtendedTrustManager) ServerTrust.of(Optional.empty(), Optional.empty(), true)[0];
    assertThatCode(() -> insecure.checkServerTrusted(new X509Certificate[] {cert}, "RSA")).doesNotThrowAnyException();
  }
}
