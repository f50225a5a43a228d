package co.mumo.okra.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.mumo.okra.api.CellStatus.Notification;
import co.mumo.okra.core.InputException;
import co.mumo.okra.redaction.Secrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a webhook receives, in both shapes, and what a Cell author's text can do there: nothing. */
class NotificationPayloadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOSTILE = "analysis failed: see [the runbook](https://evil.example/x) <https://evil.example|click> "
      + "<!channel> *now* _please_ `rm -rf` ~x~ \u001b[31mred\n![img](https://evil.example/i.png)";

  @Test
  void theJsonShapeIsVersionedAndCarriesTheCommands() throws Exception {
    Webhook hook = Webhook.parse("https://hooks.example.com/okra/T1/B2/xyzzy-token", Webhook.Format.json, "--notify");
    JsonNode doc = JSON.readTree(NotificationPayloads.body(hook, paused("waiting for `okra-runner cell promote`"), "team-a", "web"));
    assertThat(doc.get("schema").asText()).isEqualTo("okra.mumo.co/notification/v1");
    assertThat(doc.get("event").asText()).isEqualTo("Paused");
    assertThat(doc.get("id").asText()).isEqualTo("paused-abc");
    assertThat(doc.get("cell").get("namespace").asText()).isEqualTo("team-a");
    assertThat(doc.get("cell").get("name").asText()).isEqualTo("web");
    assertThat(doc.get("version").asText()).isEqualTo("2.0.0");
    assertThat(doc.get("stableVersion").asText()).isEqualTo("1.0.0");
    assertThat(doc.get("at").asText()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(doc.get("commands").get("promote").asText()).isEqualTo("okra-runner cell promote web -n team-a");
    assertThat(doc.get("commands").get("abort").asText()).isEqualTo("okra-runner cell abort web -n team-a");
    assertThat(doc.get("text").asText()).contains("`okra-runner cell promote web -n team-a`", "`okra-runner cell abort web -n team-a`",
        "waits for a human", "2.0.0");
  }

  @Test
  void slackGetsTextWithTheCommands() throws Exception {
    Webhook hook = Webhook.parse("slack:https://hooks.slack.com/services/T000/B000/XXXXXXXX", Webhook.Format.json, "--notify");
    assertThat(hook.format()).isEqualTo(Webhook.Format.slack);
    JsonNode doc = JSON.readTree(NotificationPayloads.body(hook, paused("step 5/5 (pause until promoted)"), "default", "web"));
    assertThat(doc.size()).isEqualTo(1);
    assertThat(doc.get("text").asText()).startsWith("*Okra: Cell `default/web` waits for a human*")
        .contains("Promote: `okra-runner cell promote web -n default`", "Abort: `okra-runner cell abort web -n default`");

    Notification failed = paused("analysis failed");
    failed.event = "Failed";
    JsonNode f = JSON.readTree(NotificationPayloads.body(hook, failed, "default", "web"));
    assertThat(f.get("text").asText()).contains("failed", "`okra-runner cell retry web -n default`");
  }

  @Test
  void whatAuthorsWriteCannotFormatLinkOrMention() throws Exception {
    Notification n = paused(HOSTILE);
    String slack = JSON.readTree(NotificationPayloads.body(Webhook.parse("slack:https://h.example/a/b/c", Webhook.Format.json, "x"),
        n, "default", "web")).get("text").asText();
    String message = slack.substring(slack.indexOf('\n') + 1, slack.indexOf("\nPromote"));
    assertThat(message).doesNotContain("<", ">", "*", "`", "_", "~", "\u001b", "\n")
        .contains("&lt;https://evil.example|click&gt;", "&lt;!channel&gt;", "\uff0anow\uff0a", "\u241b[31mred\u240a");

    JsonNode doc = JSON.readTree(NotificationPayloads.body(Webhook.parse("https://h.example/a/b/c", Webhook.Format.json, "x"),
        n, "default", "web"));
    String markdown = doc.get("text").asText();
    assertThat(markdown).contains("\\[the runbook\\](https://evil.example/x)", "&lt;https://evil.example\\|click&gt;", "\\!\\[img\\]",
        "\\*now\\*", "\\`rm -rf\\`").doesNotContain("\u001b", "![img](", "[the runbook](");
    assertThat(doc.get("message").asText()).as("a plain field: control characters shown, nothing else changed")
        .contains("[the runbook](https://evil.example/x)", "\u241b[31mred\u240a").doesNotContain("\u001b", "\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ftp://hooks.example.com/x|an http or https URL with a host",
      "hooks.example.com/x|an http or https URL with a host",
      "https://user:pw@hooks.example.com/x|must not carry user:password@",
      "https://hooks.example.com/x#frag|must not have a #fragment",
      "https://hooks.example.com/a b|not a URL",
  })
  void aBadWebhookIsRefusedWithoutQuotingIt(String url, String message) {
    assertThatThrownBy(() -> Webhook.parse(url, Webhook.Format.json, "--notify")).isInstanceOf(InputException.class)
        .hasMessageContaining("--notify").hasMessageContaining(message).hasMessageNotContaining("hooks.example.com/x");
  }

  @Test
  void aWebhookIsShownByItsHostAndIdAndItsUrlIsASecret() {
    Webhook hook = Webhook.parse("https://hooks.example.com/services/T1/B2/very-secret-token", Webhook.Format.json, "--notify");
    assertThat(hook.toString()).isEqualTo("json webhook " + hook.id() + " at hooks.example.com").doesNotContain("secret");
    assertThat(hook.id()).hasSize(12).isEqualTo(new Webhook(URI.create(hook.url().toString()), Webhook.Format.slack).id());
    assertThat(Secrets.redact("posting to https://hooks.example.com/services/T1/B2/very-secret-token failed"))
        .isEqualTo("posting to " + Secrets.MASK + " failed");
    assertThat(Secrets.redact("GET /services/T1/B2/very-secret-token")).isEqualTo("GET " + Secrets.MASK);
  }

  private static Notification paused(String message) {
    Notification n = new Notification();
    n.id = "paused-abc";
    n.event = "Paused";
    n.version = "2.0.0";
    n.stableVersion = "1.0.0";
    n.message = message;
    n.at = "2026-03-01T10:00:00Z";
    return n;
  }
}
