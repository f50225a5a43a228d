package co.mumo.okra.analysis.eval;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.redaction.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A run's spec (Argo's AnalysisRun {@code spec} layout, see {@link AnalysisSpecs#merge}) with its
 * arguments resolved and substituted ({@code {{args.NAME}}}) and every metric validated. Built on every
 * pass from the spec stored in the run, so Secret values are never stored; they are kept here only to be
 * masked out of messages.
 */
public record AnalysisDefinition(List<Metric> metrics, Map<String, String> args, Set<String> secretValues) {
  public AnalysisDefinition {
    metrics = List.copyOf(metrics);
    args = Map.copyOf(args);
    secretValues = Set.copyOf(secretValues);
  }

  /** Where the analysis runs: a step must end, background analysis and standalone runs may go on until stopped. */
  public enum Mode {
    STEP, BACKGROUND, STANDALONE
  }

  static final Set<String> PROVIDERS = Set.of("cloudWatch", "web", "job", "prometheus", "datadog", "newRelic",
      "wavefront", "kayenta", "graphite", "influxdb", "skywalking", "plugin");
  /** {@code {{args.NAME}}}, where an argument's value is substituted. */
  public static final Pattern ARG_REF = Pattern.compile("\\{\\{\\s*args\\.([A-Za-z0-9_.-]+)\\s*}}");

  /** Builds the definition, or throws {@link InvalidAnalysisException} naming every problem under {@code path}. */
  public static AnalysisDefinition of(String path, Map<String, Object> runSpec, ArgSource source, Mode mode) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, String> args = new LinkedHashMap<>();
    Set<String> secrets = new HashSet<>();
    List<Map<String, Object>> argMaps = RunStatus.maps(runSpec.get("args"));
    for (int i = 0; i < argMaps.size(); i++) {
      resolveArg(path + ".args[" + i + "]", argMaps.get(i), source, args, secrets, errors);
    }
    List<Map<String, Object>> raw = RunStatus.maps(runSpec.get("metrics"));
    if (raw.isEmpty()) errors.add(new FieldError(path + ".metrics", "the templates define no metrics"));
    Set<String> dryRun = matching(path + ".dryRun", RunStatus.maps(runSpec.get("dryRun")), raw, errors, false).keySet();
    Map<String, Integer> retention = matching(path + ".measurementRetention",
        RunStatus.maps(runSpec.get("measurementRetention")), raw, errors, true);
    List<Metric> metrics = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String mp = path + ".metrics[" + i + "]";
      Object substituted = substitute(raw.get(i), args, mp, errors);
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) substituted;
      String name = RunStatus.str(m.get("name"));
      if (name == null || name.isBlank()) {
        errors.add(new FieldError(mp + ".name", "a metric needs a name"));
        continue;
      }
      if (!names.add(name)) errors.add(new FieldError(mp + ".name", "metric \"" + name + "\" is defined twice"));
      metric(mp, m, raw.get(i), name, dryRun.contains(name), retention.getOrDefault(name, Metric.DEFAULT_RETENTION), mode, errors)
          .ifPresent(metrics::add);
    }
    if (!errors.isEmpty()) throw new InvalidAnalysisException(errors);
    return new AnalysisDefinition(metrics, args, secrets);
  }

  /** What is wrong with the spec, resolving no Secret (they are checked where they are read). */
  public static List<FieldError> validate(String path, Map<String, Object> runSpec, ArgSource fields, Mode mode) {
    ArgSource lenient = new ArgSource() {
      @Override
      public Optional<String> secret(String name, String key) {
        return Optional.of("1"); // a stand-in: the Secret itself is checked by the adapter
      }

      @Override
      public Optional<String> field(String fieldPath) {
        return Optional.of(fields.field(fieldPath).orElse("1"));
      }
    };
    try {
      of(path, runSpec, lenient, mode);
      return List.of();
    } catch (InvalidAnalysisException e) {
      return e.errors();
    }
  }

  public Optional<Metric> metric(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** {@code text} with every Secret value replaced by {@link Secrets#MASK}: this run's and any other the runner read. */
  public String redact(String text) {
    if (text == null) return null;
    String out = text;
    for (String s : secretValues) if (!s.isEmpty()) out = out.replace(s, Secrets.MASK);
    return Secrets.redact(out);
  }

  private static void resolveArg(String path, Map<String, Object> arg, ArgSource source, Map<String, String> out,
      Set<String> secrets, List<FieldError> errors) {
    String name = RunStatus.str(arg.get("name"));
    if (name == null) {
      errors.add(new FieldError(path + ".name", "an argument needs a name"));
      return;
    }
    Object value = arg.get("value");
    Map<String, Object> from = arg.get("valueFrom") instanceof Map<?, ?> ? cast(arg.get("valueFrom")) : null;
    if (value != null && from != null) {
      errors.add(new FieldError(path, "argument \"" + name + "\" has both value and valueFrom"));
    } else if (value != null) {
      out.put(name, String.valueOf(value));
    } else if (from != null && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
      String secret = RunStatus.str(ref.get("name"));
      String key = RunStatus.str(ref.get("key"));
      Optional<String> v = source.secret(secret, key);
      if (v.isEmpty()) {
        errors.add(new FieldError(path + ".valueFrom.secretKeyRef", "argument \"" + name + "\": Secret " + secret
            + " has no key \"" + key + "\" (or does not exist)"));
      } else {
        out.put(name, v.get());
        secrets.add(v.get());
      }
    } else if (from != null && from.get("fieldRef") instanceof Map<?, ?> ref) {
      String fieldPath = RunStatus.str(ref.get("fieldPath"));
      Optional<String> v = source.field(fieldPath);
      if (v.isEmpty()) {
        errors.add(new FieldError(path + ".valueFrom.fieldRef.fieldPath", "argument \"" + name + "\": no value at " + fieldPath));
      } else {
        out.put(name, v.get());
      }
    } else if (from != null) {
      errors.add(new FieldError(path + ".valueFrom", "argument \"" + name + "\": valueFrom needs secretKeyRef or fieldRef"));
    }
    // No value at all: an error only if a metric refers to it (see substitute).
  }

  private static Optional<Metric> metric(String mp, Map<String, Object> m, Map<String, Object> asWritten, String name,
      boolean dryRun, int retention, Mode mode, List<FieldError> errors) {
    int before = errors.size();
    Optional<Duration> interval = duration(mp + ".interval", m.get("interval"), errors);
    Optional<Duration> initialDelay = duration(mp + ".initialDelay", m.get("initialDelay"), errors);
    Optional<Integer> count = integer(mp + ".count", m.get("count"), errors);
    int failureLimit = integer(mp + ".failureLimit", m.get("failureLimit"), errors).orElse(0);
    int inconclusiveLimit = integer(mp + ".inconclusiveLimit", m.get("inconclusiveLimit"), errors).orElse(0);
    int consecutiveErrorLimit = integer(mp + ".consecutiveErrorLimit", m.get("consecutiveErrorLimit"), errors)
        .orElse(Metric.DEFAULT_CONSECUTIVE_ERROR_LIMIT);
    Optional<Condition> success = condition(mp + ".successCondition", m.get("successCondition"), errors);
    Optional<Condition> failure = condition(mp + ".failureCondition", m.get("failureCondition"), errors);
    if (interval.isPresent() && interval.get().isZero()) errors.add(new FieldError(mp + ".interval", "must be more than 0"));
    if (count.isPresent() && count.get() < 0) errors.add(new FieldError(mp + ".count", "must not be negative"));
    if (count.isPresent() && count.get() > 1 && interval.isEmpty() && m.get("interval") == null) {
      errors.add(new FieldError(mp + ".interval", "metric \"" + name + "\" has count " + count.get()
          + " but no interval: say how long to wait between measurements"));
    }
    if (count.isPresent() && count.get() > 0) {
      if (failureLimit >= 0 && count.get() < failureLimit) {
        errors.add(new FieldError(mp + ".count", "count (" + count.get() + ") must be >= failureLimit (" + failureLimit + ")"));
      }
      if (inconclusiveLimit >= 0 && count.get() < inconclusiveLimit) {
        errors.add(new FieldError(mp + ".count", "count (" + count.get() + ") must be >= inconclusiveLimit (" + inconclusiveLimit + ")"));
      }
    }
    if (mode == Mode.STEP && m.get("interval") != null && count.isEmpty()) {
      errors.add(new FieldError(mp + ".count", "metric \"" + name + "\" has an interval but no count: in a step it would"
          + " never end (add count, or run it as background analysis: canary.analysis)"));
    }
    List<String> providers = m.get("provider") instanceof Map<?, ?> p
        ? p.keySet().stream().map(String::valueOf).toList() : List.of();
    String providerType = null;
    if (providers.size() != 1) {
      errors.add(new FieldError(mp + ".provider", "metric \"" + name + "\" needs exactly one provider, found "
          + (providers.isEmpty() ? "none" : String.join(", ", providers))));
    } else {
      providerType = providers.get(0);
      if (!PROVIDERS.contains(providerType)) {
        errors.add(new FieldError(mp + ".provider." + providerType, "unknown provider \"" + providerType + "\""));
      }
    }
    if (errors.size() > before) return Optional.empty();
    Map<String, Object> provider = cast(cast(m.get("provider")).get(providerType));
    Map<String, Object> written = cast(cast(asWritten.get("provider")).get(providerType));
    return Optional.of(new Metric(name, interval, initialDelay, count, success, failure, failureLimit, inconclusiveLimit,
        consecutiveErrorLimit, dryRun, retention, providerType, provider == null ? Map.of() : provider,
        written == null ? Map.of() : written));
  }

  /** dryRun / measurementRetention rules: {@code metricName} is a regular expression that must match a metric. */
  private static Map<String, Integer> matching(String path, List<Map<String, Object>> rules, List<Map<String, Object>> metrics,
      List<FieldError> errors, boolean withLimit) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      String expr = RunStatus.str(rules.get(i).get("metricName"));
      Pattern p;
      try {
        p = Pattern.compile(expr == null ? "" : expr);
      } catch (PatternSyntaxException e) {
        errors.add(new FieldError(path + "[" + i + "].metricName", "\"" + expr + "\" is not a regular expression: " + e.getDescription()));
        continue;
      }
      int limit = Metric.DEFAULT_RETENTION;
      if (withLimit) {
        Optional<Integer> l = integer(path + "[" + i + "].limit", rules.get(i).get("limit"), errors);
        if (l.isEmpty() || l.get() < 1) {
          errors.add(new FieldError(path + "[" + i + "].limit", "must be at least 1"));
          continue;
        }
        limit = l.get();
      }
      int matched = 0;
      for (Map<String, Object> m : metrics) {
        String name = RunStatus.str(m.get("name"));
        if (name != null && p.matcher(name).find()) {
          out.put(name, limit);
          matched++;
        }
      }
      if (matched == 0) errors.add(new FieldError(path + "[" + i + "].metricName", "\"" + expr + "\" matches no metric"));
    }
    return out;
  }

  private static Object substitute(Object node, Map<String, String> args, String path, List<FieldError> errors) {
    if (node instanceof String s) {
      Matcher m = ARG_REF.matcher(s);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        String v = args.get(m.group(1));
        if (v == null) {
          errors.add(new FieldError(path, "{{args." + m.group(1) + "}} has no value (declare the argument and give it a value)"));
          v = m.group();
        }
        m.appendReplacement(b, Matcher.quoteReplacement(v));
      }
      m.appendTail(b);
      return b.toString();
    }
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), substitute(v, args, path, errors)));
      return out;
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) out.add(substitute(o, args, path, errors));
      return out;
    }
    return node;
  }

  private static Optional<Duration> duration(String path, Object v, List<FieldError> errors) {
    if (v == null || String.valueOf(v).isBlank()) return Optional.empty();
    try {
      return Optional.of(GoDurations.parse(String.valueOf(v)));
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(path, e.getMessage()));
      return Optional.empty();
    }
  }

  private static Optional<Integer> integer(String path, Object v, List<FieldError> errors) {
    if (v == null) return Optional.empty();
    if (v instanceof Number n && n.doubleValue() == n.intValue()) return Optional.of(n.intValue());
    String s = String.valueOf(v).trim();
    if (s.matches("-?\\d{1,9}")) return Optional.of(Integer.parseInt(s));
    errors.add(new FieldError(path, "\"" + v + "\" is not an integer"));
    return Optional.empty();
  }

  private static Optional<Condition> condition(String path, Object v, List<FieldError> errors) {
    if (v == null || String.valueOf(v).isEmpty()) return Optional.empty(); // Argo: "" is no condition, "  " an error
    try {
      return Optional.of(Condition.parse(String.valueOf(v)));
    } catch (Condition.ConditionSyntaxException e) {
      errors.add(new FieldError(path, e.getMessage()));
      return Optional.empty();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }
}
