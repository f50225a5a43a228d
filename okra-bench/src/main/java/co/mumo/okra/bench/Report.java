package co.mumo.okra.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The table people read; the JSON file is for comparing commits. */
final class Report {
  private Report() {}

  @SuppressWarnings("unchecked")
  static void print(List<Map<String, Object>> results, PrintStream out) {
    if (results.stream().anyMatch(r -> "passes".equals(r.get("scenario")))) {
      out.printf("%n%-6s %-9s %-11s %10s %10s %10s  %-44s %-44s %8s%n", "cells", "listeners", "pass", "median ms", "min ms",
          "max ms", "AWS calls", "Kubernetes calls", "heap MB");
    }
    for (Map<String, Object> r : results) {
      if (!"passes".equals(r.get("scenario"))) continue;
      row(out, r, "converged", (Map<String, Object>) r.get("converged"));
      List<Map<String, Object>> progressing = (List<Map<String, Object>>) r.get("progressing");
      for (int i = 0; i < progressing.size(); i++) row(out, r, "progress " + (i + 1), progressing.get(i));
    }
    boolean header = false;
    for (Map<String, Object> r : results) {
      if (!"discovery".equals(r.get("scenario"))) continue;
      if (!header) {
        out.printf("%ndiscovery (each cluster behind a loopback forwarder: %s ms per round trip, the last cluster %s ms; EKS API %s ms;"
            + " %s bindings each; listing pool %s):%n", r.get("latencyMs"), r.get("slowClusterLatencyMs"), r.get("awsLatencyMs"),
            r.get("bindingsPerCluster"), r.get("parallelism"));
        out.printf("%-8s %-9s %10s %8s %8s %8s %8s %8s %8s %8s  %-44s %-60s %-22s %8s%n", "clusters", "pass", "median ms", "min ms",
            "max ms", "CPU ms", "before", "listing", "slowest", "after", "AWS calls", "management Kubernetes calls", "workload calls",
            "heap MB");
        header = true;
      }
      discoveryRow(out, r, "first", (Map<String, Object>) r.get("first"));
      discoveryRow(out, r, "converged", (Map<String, Object>) r.get("converged"));
    }
    if (header) {
      out.printf("  before: pass start to the first listing (ClusterSets, Secret LISTs); listing: first listing start to last end;"
          + " slowest: the longest single listing; after: AWSTargetGroup writes and status; CPU: this JVM's (medians)%n");
    }
    for (Map<String, Object> r : results) {
      if (!"runner".equals(r.get("scenario"))) continue;
      out.printf("%nrunner, one converged pass of one Cell and `version`, each a fresh process (medians of %s interleaved runs; CPU = user +"
          + " system, the launcher's shell included; RSS = peak resident set):%n", r.get("runs"));
      out.printf("  %-44s %-8s %9s %9s %9s %9s %9s  %s%n", "", "", "wall ms", "min ms", "CPU ms", "RSS MiB", "1st call", "load average");
      for (Map<String, Object> v : (List<Map<String, Object>>) r.get("variants")) {
        for (String what : List.of("pass", "version")) {
          Map<String, Object> m = (Map<String, Object>) v.get(what);
          if (m == null) continue; // the floor has no `version`
          out.printf("  %-44s %-8s %9s %9s %9s %9s %9s  %s-%s%n", v.get("variant"), what, m.get("wallMs"), m.get("wallMinMs"), m.get("cpuMs"),
              m.get("rssMb"), m.getOrDefault("firstCallMs", "-"), m.get("loadMin"), m.get("loadMax"));
        }
        if (v.containsKey("recordingWallMs")) {
          out.printf("  %-44s %-8s %9s %9s %9s  (first run, records the archive: %s MB, once per jar and JVM)%n", "", "record",
              v.get("recordingWallMs"), "", v.get("recordingCpuMs"), v.get("archiveMb"));
        }
      }
      out.println("  floor: the pass's I/O alone (TLS with the client certificate, the 4 LISTs into maps by Jackson, DescribeRules and"
          + " DescribeTags through SDK v2), with the launcher's flags and an archive of its own; no fabric8, picocli, typed models or decisions");
      out.printf("  jar size %s MB%n", r.get("jarMb"));
    }
  }

  private static void row(PrintStream out, Map<String, Object> r, String pass, Map<String, Object> m) {
    out.printf("%-6s %-9s %-11s %10s %10s %10s  %-44s %-44s %8s%n", r.get("cells"), r.get("listeners"), pass, m.get("medianMs"),
        m.get("minMs"), m.get("maxMs"), compact(m.get("awsCalls")), compact(m.get("kubeCalls")), m.get("peakHeapMb"));
  }

  private static void discoveryRow(PrintStream out, Map<String, Object> r, String pass, Map<String, Object> m) {
    out.printf("%-8s %-9s %10s %8s %8s %8s %8s %8s %8s %8s  %-44s %-60s %-22s %8s%n", r.get("clusters"), pass, m.get("medianMs"),
        m.get("minMs"), m.get("maxMs"), m.get("cpuMs"), m.get("beforeListingMs"), m.get("listingSpanMs"), m.get("slowestListingMs"),
        m.get("afterListingMs"), compact(m.get("awsCalls")), compact(m.get("kubeCalls")), compact(m.get("workloadCalls")),
        m.get("peakHeapMb"));
  }

  private static String compact(Object calls) {
    StringBuilder b = new StringBuilder();
    ((Map<?, ?>) calls).forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(abbreviate(String.valueOf(k))).append('=').append(v));
    return b.toString();
  }

  private static String abbreviate(String op) {
    return op.replace("awsapplicationloadbalancerconfigs", "albcfg").replace("versionblocklists", "blocklists")
        .replace("awstargetgroupsets", "tgsets").replace("awstargetgroups", "tgs").replace("targetgroupbindings", "tgbs").replace("analysistemplates", "templates").replace("DescribeRules", "DRules")
        .replace("DescribeTags", "DTags").replace("ModifyRule", "Modify").replace("CreateRule", "Create");
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / 1_000_000);
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return m;
  }
}
