package co.mumo.okra.runner;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Which of the {@link GlobalOptions} a command reads: the rest are hidden in its model (picocli model
 * transformers), so that its help lists no option it would ignore. They are still accepted, and still
 * ignored, so that a script passing the common options to every command keeps working.
 */
final class CommandOptions {
  private static final List<String> AWS = List.of("--region", "--profile", "--aws-endpoint-url");
  private static final List<String> KUBERNETES = List.of("--kubeconfig", "--context", "--namespace");

  private CommandOptions() {}

  /** Kubernetes only: the cell commands, cluster list and delete. */
  static final class Kubernetes implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      return without(spec, AWS, List.of("--policy"));
    }
  }

  /** Kubernetes and AWS, no owner policy: cluster create. */
  static final class KubernetesAndAws implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      return without(spec, List.of("--policy"));
    }
  }

  /** The cluster's own objects, no namespace: crds apply. */
  static final class ClusterWide implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      return without(spec, AWS, List.of("--namespace", "--policy"));
    }
  }

  /** AWS only, printing only its own format: eks token. */
  static final class Aws implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      return without(spec, KUBERNETES, List.of("--policy", "--output"));
    }
  }

  /**
   * Runs every command's transformer. picocli runs them when it builds a command, which for
   * subcommands added to a built tree (the runner adds them one by one, see OkraRunner) is too early.
   */
  static void apply(CommandLine cli) {
    CommandSpec spec = cli.getCommandSpec();
    if (spec.modelTransformer() != null) spec.modelTransformer().transform(spec);
    for (CommandLine sub : cli.getSubcommands().values()) apply(sub);
  }

  @SafeVarargs
  private static CommandSpec without(CommandSpec spec, List<String>... options) {
    for (List<String> names : options) {
      for (String name : names) {
        CommandLine.Model.OptionSpec option = spec.findOption(name);
        if (option != null && !option.hidden()) {
          spec.remove(option);
          spec.addOption(option.toBuilder().hidden(true).build());
        }
      }
    }
    return spec;
  }
}
