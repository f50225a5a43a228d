package co.mumo.okra.runner;

import co.mumo.okra.discovery.EksToken;
import co.mumo.okra.discovery.StsEksTokens;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code okra-runner eks token}: what {@code aws eks get-token} prints, made in-process. */
@Command(name = "eks", description = "EKS helpers.", subcommands = EksCommand.Token.class)
final class EksCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: token");
  }

  @Command(name = "token", modelTransformer = CommandOptions.Aws.class, description = "Print an ExecCredential (client.authentication.k8s.io/v1beta1) with an EKS token, for kubectl.",
      footer = {"In a kubeconfig: users: [{name: eks, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1,",
          "  command: java, args: [-jar, okra-runner.jar, eks, token, --cluster-name, NAME]}}}]", "", ExitCodes.EKS_TOKEN_HELP})
  static final class Token implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--cluster-name", required = true, description = "The EKS cluster's name.")
    String clusterName;

    @Option(names = "--role-arn", description = "Assume this IAM role first.")
    String roleArn;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (DiscoveryClients clients = new DiscoveryClients(global)) {
        EksToken token = new StsEksTokens(clients.sts(), global.clock()).token(clusterName, Optional.ofNullable(roleArn));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("expirationTimestamp", DateTimeFormatter.ISO_INSTANT.format(token.expiresAt().truncatedTo(ChronoUnit.SECONDS)));
        status.put("token", token.value());
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("kind", "ExecCredential");
        credential.put("apiVersion", "client.authentication.k8s.io/v1beta1");
        credential.put("spec", Map.of());
        credential.put("status", status);
        // The one place a token is printed: it is this command's whole purpose (kubectl reads stdout).
        spec.commandLine().getOut().println(Serialization.asJson(credential));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
    }
  }
}
