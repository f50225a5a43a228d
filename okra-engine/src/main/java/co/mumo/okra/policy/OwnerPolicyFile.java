package co.mumo.okra.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads an owner policy file (docs/security.md has the format). Strict: an unknown key or a value of
 * the wrong type is an error naming its path, because a typo in a security policy must not quietly
 * mean "allowed".
 */
public final class OwnerPolicyFile {
  static final String API_VERSION = "okra.mumo.co/v1alpha1";
  static final String KIND = "RunnerPolicy";

  private final String file;

  private OwnerPolicyFile(String file) {
    this.file = file;
  }

  public static OwnerPolicy load(Path path) {
    String yaml;
    try {
      yaml = Files.readString(path);
    } catch (IOException e) {
      throw new InvalidPolicyException("cannot read the policy file " + path + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()) + "; check the --policy option", e);
    }
    return parse(yaml, path.toString());
  }

  public static OwnerPolicy parse(String yaml, String name) {
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(yaml);
    } catch (MarkedYamlEngineException e) {
      throw new InvalidPolicyException("policy " + name + " is not valid YAML: " + e.getProblem()
          + e.getProblemMark().map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse(""));
    } catch (YamlEngineException e) {
      throw new InvalidPolicyException("policy " + name + " is not valid YAML: " + e.getMessage());
    }
    return new OwnerPolicyFile(name).policy(doc);
  }

  private OwnerPolicy policy(Object doc) {
    Map<String, Object> top = map(doc, "", Set.of("apiVersion", "kind", "listeners", "analysis", "discovery", "waves", "notifications"));
    if (!API_VERSION.equals(top.get("apiVersion"))) throw fail("apiVersion", "must be " + API_VERSION);
    if (!KIND.equals(top.get("kind"))) throw fail("kind", "must be " + KIND);
    Optional<List<ListenerGrant>> listeners = Optional.empty();
    if (top.containsKey("listeners")) {
      List<ListenerGrant> grants = new ArrayList<>();
      List<Object> items = list(top.get("listeners"), "listeners");
      for (int i = 0; i < items.size(); i++) grants.add(grant(items.get(i), "listeners[" + i + "]"));
      listeners = Optional.of(grants);
    }
    AnalysisPolicy analysis = AnalysisPolicy.DEFAULT;
    if (top.get("analysis") != null) {
      Map<String, Object> a = map(top.get("analysis"), "analysis",
          Set.of("allowedHosts", "allowLoopback", "allowPrivateNetworks", "allowJobProvider"));
      Optional<List<String>> hosts = a.containsKey("allowedHosts")
          ? Optional.of(strings(a.get("allowedHosts"), "analysis.allowedHosts")) : Optional.empty();
      analysis = new AnalysisPolicy(hosts, bool(a, "allowLoopback", "analysis"), bool(a, "allowPrivateNetworks", "analysis"),
          bool(a, "allowJobProvider", "analysis"));
    }
    DiscoveryPolicy discovery = DiscoveryPolicy.DEFAULT;
    if (top.get("discovery") != null) {
      Map<String, Object> d = map(top.get("discovery"), "discovery", Set.of("allowExecPlugins"));
      discovery = new DiscoveryPolicy(bool(d, "allowExecPlugins", "discovery"));
    }
    WavePolicy waves = WavePolicy.SAME_NAMESPACE_ONLY;
    if (top.get("waves") != null) {
      List<WavePolicy.Grant> grants = new ArrayList<>();
      List<Object> items = list(top.get("waves"), "waves");
      for (int i = 0; i < items.size(); i++) {
        String path = "waves[" + i + "]";
        Map<String, Object> w = map(items.get(i), path, Set.of("namespaces", "mayWaitOn"));
        List<String> from = strings(w.get("namespaces"), path + ".namespaces");
        List<String> to = strings(w.get("mayWaitOn"), path + ".mayWaitOn");
        if (from.isEmpty()) throw fail(path + ".namespaces", "is required: the namespaces whose Cells may wait (\"*\" for all)");
        if (to.isEmpty()) throw fail(path + ".mayWaitOn", "is required: the namespaces whose Cells they may wait for (\"*\" for all)");
        grants.add(new WavePolicy.Grant(from, to));
      }
      waves = new WavePolicy(grants);
    }
    HostPolicy notifications = HostPolicy.publicHosts(OwnerPolicy.NOTIFICATIONS);
    if (top.get("notifications") != null) {
      String path = OwnerPolicy.NOTIFICATIONS;
      Map<String, Object> n = map(top.get(path), path, Set.of("allowedHosts", "allowLoopback", "allowPrivateNetworks"));
      Optional<List<String>> hosts = n.containsKey("allowedHosts")
          ? Optional.of(strings(n.get("allowedHosts"), path + ".allowedHosts")) : Optional.empty();
      notifications = new HostPolicy(path, hosts, bool(n, "allowLoopback", path), bool(n, "allowPrivateNetworks", path));
    }
    return new OwnerPolicy("the runner's policy " + file, listeners, analysis, discovery, waves, notifications);
  }

  private ListenerGrant grant(Object item, String path) {
    Map<String, Object> m = map(item, path, Set.of("arn", "namespaces", "priorities", "adoptRules", "allowShadowing"));
    if (!(m.get("arn") instanceof String arn) || arn.isBlank()) throw fail(path + ".arn", "is required: a listener ARN or pattern");
    List<String> namespaces = strings(m.get("namespaces"), path + ".namespaces");
    if (namespaces.isEmpty()) throw fail(path + ".namespaces", "is required: the namespaces whose Cells may use these listeners (\"*\" for all)");
    List<PriorityRange> priorities = new ArrayList<>();
    if (m.get("priorities") != null) {
      List<Object> raw = list(m.get("priorities"), path + ".priorities");
      for (int i = 0; i < raw.size(); i++) {
        Object r = raw.get(i);
        if (!(r instanceof String || r instanceof Integer)) throw fail(path + ".priorities[" + i + "]", "must be a range like 100-199 or a number");
        try {
          priorities.add(PriorityRange.parse(String.valueOf(r)));
        } catch (IllegalArgumentException e) {
          throw fail(path + ".priorities[" + i + "]", e.getMessage());
        }
      }
    }
    return new ListenerGrant(arn, namespaces, priorities, bool(m, "adoptRules", path), bool(m, "allowShadowing", path));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object value, String path, Set<String> known) {
    if (!(value instanceof Map<?, ?> m)) throw fail(path.isEmpty() ? "(top)" : path, "must be a mapping");
    for (Object key : m.keySet()) {
      if (!(key instanceof String k) || !known.contains(k)) {
        throw fail((path.isEmpty() ? "" : path + ".") + key, "is not a policy field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
    return (Map<String, Object>) m;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object value, String path) {
    if (!(value instanceof List<?> l)) throw fail(path, "must be a list");
    return (List<Object>) l;
  }

  private List<String> strings(Object value, String path) {
    if (value == null) return List.of();
    List<Object> l = list(value, path);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      if (!(l.get(i) instanceof String s) || s.isBlank()) throw fail(path + "[" + i + "]", "must be a non-empty string");
      out.add(s);
    }
    return out;
  }

  private boolean bool(Map<String, Object> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) return false;
    if (!(v instanceof Boolean b)) throw fail((path.isEmpty() ? "" : path + ".") + key, "must be true or false");
    return b;
  }

  private InvalidPolicyException fail(String path, String message) {
    return new InvalidPolicyException("policy " + file + ": " + path + " " + message);
  }
}
