package co.mumo.okra.runner;

import co.mumo.okra.discovery.Names;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/** {@code k=v,k2=v2} options, checked as Kubernetes labels. */
final class Selectors {
  private Selectors() {}

  static Map<String, String> parse(CommandLine cli, String option, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) return out;
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) throw new CommandLine.ParameterException(cli, option + ": expected key=value[,key=value...], got '" + pair + "'");
      String k = pair.substring(0, eq).trim();
      String v = pair.substring(eq + 1).trim();
      Names.labelKeyProblem(k).or(() -> Names.labelValueProblem(v))
          .ifPresent(p -> {
            throw new CommandLine.ParameterException(cli, option + ": " + p);
          });
      out.put(k, v);
    }
    return out;
  }
}
