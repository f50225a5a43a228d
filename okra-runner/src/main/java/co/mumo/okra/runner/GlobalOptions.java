package co.mumo.okra.runner;

import co.mumo.okra.aws.AwsClients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options every command shares: where Kubernetes and AWS are, and how to print. */
public final class GlobalOptions {
  private final Clock clock;

  /** {@code clock}: the runner's one clock ({@link OkraRunner} builds every command's options with it). */
  GlobalOptions(Clock clock) {
    this.clock = clock;
  }

  @Option(names = "--kubeconfig", description = "Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
  Path kubeconfig;

  @Option(names = "--context", description = "Kubeconfig context to use.")
  String context;

  @Option(names = {"-n", "--namespace"}, description = "Namespace of the Cells (default: the context's, else default).")
  String namespace;

  @Option(names = "--region", description = "AWS region (default: AWS_REGION or the profile's).")
  String region;

  @Option(names = "--profile", description = "AWS profile from the shared config files.")
  String profile;

  @Option(names = "--aws-endpoint-url", description = "AWS endpoint override (AWS_ENDPOINT_URL is honoured too), e.g. for moto.")
  URI awsEndpoint;

  @Option(names = "--policy", paramLabel = "FILE", defaultValue = "${env:OKRA_POLICY}", description = {
      "The runner owner's policy (default: $OKRA_POLICY): which namespaces' Cells may hold rules on which listeners",
      "and priorities, rule adoption, which hosts analyses may contact (docs/security.md). Without one, the built-in",
      "default: any listener, no adoption, no shadowing, public hosts only."})
  Path policy;

  @Option(names = {"-o", "--output"}, defaultValue = "text",
      description = "text, or json: one JSON object per line, of a type docs/output.schema.json describes (errors too).")
  Output.Format output = Output.Format.text;

  @Option(names = {"-v", "--verbose"}, description = "Show stack traces and debug logs.")
  boolean verbose;

  Optional<Path> kubeconfig() {
    return Optional.ofNullable(kubeconfig);
  }

  /** A blank $OKRA_POLICY (a CI input left empty) is no policy. */
  Optional<Path> policy() {
    return Optional.ofNullable(policy).filter(p -> !p.toString().isBlank());
  }

  Optional<String> context() {
    return Optional.ofNullable(context);
  }

  Optional<String> region() {
    return Optional.ofNullable(region);
  }

  Optional<String> profile() {
    return Optional.ofNullable(profile);
  }

  Optional<URI> awsEndpoint() {
    return Optional.ofNullable(awsEndpoint);
  }

  /** The time for everything the command does: statuses, Events, countdowns, tokens, --timeout. */
  Clock clock() {
    return clock;
  }

  /** Where the command prints, in the format -o asks for. */
  Output output(CommandSpec spec) {
    return new Output(output, spec.commandLine().getOut(), clock);
  }

  AwsClients.Settings aws() {
    return new AwsClients.Settings(region(), profile(), awsEndpoint());
  }
}
