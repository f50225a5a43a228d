package co.mumo.okra.bench;

import co.mumo.okra.kube.SelectorThreads;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;

/**
 * The least a JVM does for the I/O of one converged pass, run by the benchmark beside the runner on the
 * same JVM, flags, AOT cache and servers: one TLS connection to the API server with the kubeconfig's
 * client certificate, the pass's 4 LISTs read into maps by Jackson, and its two ELBv2 calls
 * (DescribeRules, DescribeTags) through AWS SDK v2 with the runner's HTTP client. No fabric8, picocli,
 * typed models or decisions: what it costs is the floor under any runner built on these parts.
 * Runs on the runner jar's classpath (which holds the SDK and Jackson) plus this class.
 *
 * <p>Arguments: API server URL, CA file, client certificate file, client key file (PKCS#1 or PKCS#8
 * PEM), namespace, ELBv2 endpoint, region, listener ARN.
 */
public final class StartupFloor {
  private static final List<String> KINDS = List.of("cells", "awstargetgroups", "versionblocklists", "awsapplicationloadbalancerconfigs");

  private StartupFloor() {}

  public static void main(String[] args) throws Exception {
    String server = args[0];
    SSLContext tls = tls(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
    ObjectMapper json = new ObjectMapper();
    int items = 0;
    // The JDK's client, as fabric8 uses it; its selector thread ended as the runner ends it (else the exit waits for it).
    Set<Thread> before = SelectorThreads.running();
    HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
    for (String kind : KINDS) {
      URI uri = URI.create(server + "/apis/okra.mumo.co/v1alpha1/namespaces/" + args[4] + "/" + kind);
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) throw new IllegalStateException("GET " + uri + ": " + r.statusCode());
      items += ((List<?>) json.readValue(r.body(), Map.class).get("items")).size();
    }
    SelectorThreads.stop(SelectorThreads.startedSince(before));
    try (ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder().region(Region.of(args[6]))
        .endpointOverride(URI.create(args[5])).httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(EnvironmentVariableCredentialsProvider.create()).build()) {
      List<String> rules = elb.describeRules(b -> b.listenerArn(args[7])).rules().stream().map(Rule::ruleArn).toList();
      int tagged = elb.describeTags(b -> b.resourceArns(rules)).tagDescriptions().size();
      System.out.println(items + " objects, " + rules.size() + " rules, " + tagged + " tagged");
    }
  }

  private static SSLContext tls(Path ca, Path cert, Path key) throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var in = Files.newInputStream(ca)) {
      trust.setCertificateEntry("ca", x509.generateCertificate(in));
    }
    Certificate client;
    try (var in = Files.newInputStream(cert)) {
      client = x509.generateCertificate(in);
    }
    KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
    keys.load(null, null);
    char[] none = new char[0];
    keys.setKeyEntry("client", privateKey(Files.readString(key)), none, new Certificate[] {client});
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, none);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  /** An RSA key from PEM: PKCS#8 as it is, PKCS#1 wrapped into PKCS#8. */
  private static PrivateKey privateKey(String pem) throws Exception {
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    if (pem.contains("BEGIN RSA PRIVATE KEY")) {
      byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(new byte[] {0x02, 0x01, 0x00});
      body.write(rsaAlgorithm);
      body.write(der(0x04, der));
      der = der(0x30, body.toByteArray());
    }
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** One DER element: tag, definite length, content. */
  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

}
