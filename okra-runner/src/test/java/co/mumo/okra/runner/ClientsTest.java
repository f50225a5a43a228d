package co.mumo.okra.runner;

import static org.assertj.core.api.Assertions.assertThat;

import co.mumo.okra.kube.SelectorThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientsTest {
  @TempDir
  Path dir;

  @Test
  void closingEndsTheKubernetesClientsHttpThreadSoTheJvmExitsAtOnce() throws Exception {
    GlobalOptions options = new GlobalOptions(Clock.systemUTC());
    options.kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
        contexts: [{name: c, context: {cluster: c, user: u}}]
        current-context: c
        users: [{name: u, user: {token: not-a-real-token}}]
        """);
    Set<Thread> before = SelectorThreads.running();
    Clients clients = new Clients(options);
    clients.kube(); // builds the client, connects nowhere
    Set<Thread> started = SelectorThreads.startedSince(before);
    assertThat(started).isNotEmpty();

    clients.close();

    assertThat(started).noneMatch(Thread::isAlive);
  }
}
