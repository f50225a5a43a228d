package co.mumo.okra.runner;

import co.mumo.okra.api.AWSApplicationLoadBalancerConfig;
import co.mumo.okra.cell.AlbConfigApplier;
import co.mumo.okra.cell.AlbConfigs;
import co.mumo.okra.cell.LoadBalancer;
import co.mumo.okra.core.InputException;
import co.mumo.okra.policy.OwnerPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code okra-runner alb apply NAME}: make the ALB match an AWSApplicationLoadBalancerConfig. */
@Command(name = "alb", description = "Apply AWSApplicationLoadBalancerConfigs to the ALB.", subcommands = AlbCommand.Apply.class)
final class AlbCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: apply");
  }

  @Command(name = "apply", footer = ExitCodes.ALB_APPLY_HELP, description = {
      "Create or modify the listener rule an AWSApplicationLoadBalancerConfig describes.",
      "The same ownership rules as a Cell pass apply: the owner policy (--policy), never another owner's rule, no",
      "shadowing, adoption only with the okra.mumo.co/adopt-rule annotation where the policy allows it."})
  static final class Apply implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The AWSApplicationLoadBalancerConfig (usually named after its Cell).")
    String name;

    @Override
    public Integer call() {
      try (Clients clients = new Clients(global)) {
        String ns = clients.namespace();
        AWSApplicationLoadBalancerConfig config = clients.store().albConfig(ns, name)
            .orElseThrow(() -> new InputException("AWSApplicationLoadBalancerConfig " + ns + "/" + name + " not found"));
        // Validates before any AWS call: a bad config fails with exit 2 and the ALB untouched.
        AlbConfigs.toRule(config);
        OwnerPolicy policy = clients.policy();
        LoadBalancer.ApplyResult result = new AlbConfigApplier(clients.loadBalancer(), clients.store(), clients.clock()).apply(config, policy);
        Output out = global.output(spec);
        if (out.json()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("config", ns + "/" + name);
          m.put("ruleArn", result.ruleArn());
          m.put("change", result.change().name());
          out.line("albApply", m);
        } else {
          out.text("[" + ns + "/" + name + "] rule " + result.change().name().toLowerCase() + ": " + result.ruleArn());
        }
        return ExitCodes.OK;
      }
    }
  }
}
