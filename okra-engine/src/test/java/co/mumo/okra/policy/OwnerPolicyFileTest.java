package co.mumo.okra.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OwnerPolicyFileTest {
  static final String LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2";
  static final String FULL = """
      apiVersion: okra.mumo.co/v1alpha1
      kind: RunnerPolicy
      listeners:
      - arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shared/*"
        namespaces: [team-a]
        priorities: ["100-199", 300]
        adoptRules: true
      - arn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shared/*"
        namespaces: ["team-b*"]
        priorities: ["200-299"]
        allowShadowing: true
      analysis:
        allowedHosts: [prometheus.example.com, "*.datadoghq.com"]
        allowPrivateNetworks: true
      discovery:
        allowExecPlugins: true
      waves:
      - namespaces: ["team-us*"]
        mayWaitOn: [team-eu, "platform-*"]
      notifications:
        allowedHosts: [hooks.slack.com]
        allowLoopback: true
      """;

  @Test
  void readsEveryField() {
    OwnerPolicy p = OwnerPolicyFile.parse(FULL, "p.yaml");
    assertThat(p.listeners()).hasValueSatisfying(l -> assertThat(l).hasSize(2));
    assertThat(p.listener(LISTENER, "team-a", 150)).isEqualTo(new ListenerVerdict(Optional.empty(), true, false));
    assertThat(p.listener(LISTENER, "team-a", 300).refusal()).isEmpty();
    assertThat(p.listener(LISTENER, "team-b-staging", 250)).isEqualTo(new ListenerVerdict(Optional.empty(), false, true));
    assertThat(p.analysis()).isEqualTo(new AnalysisPolicy(Optional.of(List.of("prometheus.example.com", "*.datadoghq.com")), false, true, false));
    assertThat(p.analysis().hostListed("api.datadoghq.com")).isTrue();
    assertThat(p.analysis().hostListed("169.254.169.254")).isFalse();
    assertThat(p.discovery().allowExecPlugins()).isTrue();
    assertThat(p.waves().allows("team-us-east", "team-eu")).isTrue();
    assertThat(p.waves().allows("team-us", "platform-blue")).isTrue();
    assertThat(p.waves().allows("team-eu", "team-us")).as("a grant goes one way").isFalse();
    assertThat(p.waveRefusal("team-eu", "team-us")).hasValueSatisfying(m -> assertThat(m).contains("p.yaml", "team-eu", "team-us"));
    assertThat(p.notifications()).isEqualTo(new HostPolicy("notifications", Optional.of(List.of("hooks.slack.com")), true, false));
  }

  @Test
  void notificationsAndAnalysesHaveTheirOwnHostRules() {
    OwnerPolicy p = OwnerPolicyFile.parse("apiVersion: okra.mumo.co/v1alpha1\nkind: RunnerPolicy\nanalysis: {allowLoopback: true}\n", "p");
    assertThat(p.analysis().hosts().allowLoopback()).isTrue();
    assertThat(p.notifications()).as("allowing analyses loopback does not allow webhooks there")
        .isEqualTo(HostPolicy.publicHosts("notifications")).isEqualTo(OwnerPolicy.defaults().notifications());
  }

  @Test
  void withoutAWavesEntryCellsWaitOnlyWithinTheirNamespace() {
    for (OwnerPolicy p : List.of(OwnerPolicy.defaults(), OwnerPolicyFile.parse("apiVersion: okra.mumo.co/v1alpha1\nkind: RunnerPolicy\n", "p"))) {
      assertThat(p.waves().allows("team-a", "team-a")).isTrue();
      assertThat(p.waves().allows("team-a", "team-b")).isFalse();
    }
  }

  @Test
  void refusalsSayWhatAndWhere() {
    OwnerPolicy p = OwnerPolicyFile.parse(FULL, "p.yaml");
    assertThat(p.listener(LISTENER, "team-a", 250).refusal()).hasValueSatisfying(r -> {
      assertThat(r.field()).isEqualTo(ListenerVerdict.PRIORITY);
      assertThat(r.message()).contains("priority 250", "p.yaml", "team-a", "100-199, 300");
    });
    assertThat(p.listener(LISTENER, "team-c", 150).refusal()).hasValueSatisfying(r -> {
      assertThat(r.field()).isEqualTo(ListenerVerdict.LISTENER);
      assertThat(r.message()).contains("namespace team-c", LISTENER);
    });
    assertThat(p.listener(LISTENER.replace("shared", "other"), "team-a", 150).refusal()).isPresent();
  }

  @Test
  void anEmptyListenerListAllowsNothingAndNoListKeyAllowsEverything() {
    String head = "apiVersion: okra.mumo.co/v1alpha1\nkind: RunnerPolicy\n";
    assertThat(OwnerPolicyFile.parse(head + "listeners: []\n", "p").listener(LISTENER, "a", 1).refusal()).isPresent();
    assertThat(OwnerPolicyFile.parse(head, "p").listener(LISTENER, "a", 1)).isEqualTo(new ListenerVerdict(Optional.empty(), false, false));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "listeners: [{arn: x, namespaces: [a], adoptRule: true}]|listeners[0].adoptRule is not a policy field",
      "listeners: [{arn: x, namespaces: [a], adoptRules: 'yes'}]|listeners[0].adoptRules must be true or false",
      "listeners: [{arn: x, namespaces: [a], priorities: ['0-10']}]|listeners[0].priorities[0] a priority range must lie in 1..50000",
      "listeners: [{arn: x, namespaces: [a], priorities: [abc]}]|listeners[0].priorities[0] \"abc\" is not a priority range",
      "listeners: [{namespaces: [a]}]|listeners[0].arn is required",
      "listeners: [{arn: x}]|listeners[0].namespaces is required",
      "analysis: {allowedHost: [a]}|analysis.allowedHost is not a policy field",
      "analysis: {allowedHosts: a}|analysis.allowedHosts must be a list",
      "discovery: {allowExecPlugins: 1}|discovery.allowExecPlugins must be true or false",
      "waves: [{namespaces: [a]}]|waves[0].mayWaitOn is required",
      "waves: [{mayWaitOn: [a]}]|waves[0].namespaces is required",
      "waves: [{namespaces: [a], mayWaitOn: [b], mayWaitFor: [c]}]|waves[0].mayWaitFor is not a policy field",
      "waves: {namespaces: [a]}|waves must be a list",
      "notifications: {allowedHost: [a]}|notifications.allowedHost is not a policy field",
      "notifications: {allowLoopback: 'yes'}|notifications.allowLoopback must be true or false",
      "notifications: {allowedHosts: [1]}|notifications.allowedHosts[0] must be a non-empty string",
      "listeners: [{arn: x, namespaces: [a]}]\\nlisteners: []|not valid YAML",
  })
  void mistakesAreErrorsNamingTheField(String body, String message) {
    String yaml = "apiVersion: okra.mumo.co/v1alpha1\nkind: RunnerPolicy\n" + body.replace("\\n", "\n") + "\n";
    assertThatThrownBy(() -> OwnerPolicyFile.parse(yaml, "p.yaml")).isInstanceOf(InvalidPolicyException.class).hasMessageContaining(message)
        .hasMessageContaining("p.yaml");
  }

  @Test
  void theKindIsChecked() {
    assertThatThrownBy(() -> OwnerPolicyFile.parse("apiVersion: v1\nkind: ConfigMap\n", "p.yaml"))
        .hasMessageContaining("apiVersion must be okra.mumo.co/v1alpha1");
  }

  @Test
  void aMissingFileSaysWhichOption() {
    assertThatThrownBy(() -> OwnerPolicyFile.load(Path.of("/nonexistent/okra-policy.yaml")))
        .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("/nonexistent/okra-policy.yaml").hasMessageContaining("--policy");
  }
}
