package co.mumo.okra.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @AfterEach
  void forget() {
    Secrets.clearForTests();
  }

  @Test
  void aRegisteredValueIsMaskedWhereverItAppears() {
    Secrets.register("hunter2-api-key");
    assertThat(Secrets.redact("GET /?key=hunter2-api-key failed: hunter2-api-key")).isEqualTo("GET /?key=***** failed: *****");
  }

  @Test
  void itsJsonEscapedFormToo() {
    Secrets.register("pa\"ss\\word");
    assertThat(Secrets.redact("{\"password\":\"pa\\\"ss\\\\word\"}")).isEqualTo("{\"password\":\"*****\"}");
  }

  @Test
  void shortValuesOnlyWhereTheyStandAlone() {
    Secrets.register("abc");
    assertThat(Secrets.redact("token abc, not abcdef or xabc")).isEqualTo("token *****, not abcdef or xabc");
  }

  @Test
  void aLongerValueIsMaskedWholeEvenWhenAShorterOneIsInsideIt() {
    Secrets.register("secret");
    Secrets.register("my-secret-token");
    assertThat(Secrets.redact("my-secret-token")).isEqualTo("*****");
  }

  @Test
  void base64ValuesAreMaskedAsWrittenAndDecoded() {
    String pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nGwiAKRZ2ORlQUkZlQ1BDq1x9h4a8Zq2pjoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n";
    String data = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    Secrets.registerBase64(data);
    assertThat(Secrets.redact("client-key-data: " + data)).isEqualTo("client-key-data: *****");
    assertThat(Secrets.redact("line MHcCAQEEIBkg4LVWM9nGwiAKRZ2ORlQUkZlQ1BDq1x9h4a8Zq2pjoAoGCCqGSM49")).isEqualTo("line *****");
  }

  @Test
  void streamsMaskASecretSplitOverSeveralWrites() {
    Secrets.register("session-token-123456");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new RedactingOutputStream(bytes), true, StandardCharsets.UTF_8);
    out.print("X-Amz-Security-Token: session-");
    out.print("token-");
    out.println("123456");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("X-Amz-Security-Token: *****" + System.lineSeparator());

    StringWriter text = new StringWriter();
    PrintWriter w = new PrintWriter(new RedactingWriter(text), true);
    w.print("{\"token\":\"session-token");
    w.println("-123456\"}");
    assertThat(text.toString()).isEqualTo("{\"token\":\"*****\"}" + System.lineSeparator());
  }

  @Test
  void nothingRegisteredChangesNothing() {
    Secrets.register(null);
    Secrets.register("  ");
    assertThat(Secrets.redact("plain text")).isEqualTo("plain text");
  }
}
