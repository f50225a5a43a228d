package co.mumo.okra.discovery;

import co.mumo.okra.api.AWSTargetGroupSet;
import co.mumo.okra.api.ClusterSet;
import co.mumo.okra.api.ResourceTemplate;
import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks ClusterSets and AWSTargetGroupSets and maps them to definitions. Every problem is collected
 * and named by its field path, so one run tells the user everything that is wrong.
 */
public final class DiscoveryValidator {
  private DiscoveryValidator() {}

  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

  public static ClusterSetDefinition clusterSet(ClusterSet set) {
    String key = "ClusterSet " + set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
    List<FieldError> errors = new ArrayList<>();
    List<ClusterSetDefinition.TagGenerator> generators = new ArrayList<>();
    ClusterSet.Spec spec = set.getSpec();
    if (spec == null || spec.generators == null || spec.generators.isEmpty()) {
      errors.add(new FieldError("spec.generators", "at least one generator is required"));
    } else {
      for (int i = 0; i < spec.generators.size(); i++) {
        String path = "spec.generators[" + i + "].awseks";
        ClusterSet.Generator g = spec.generators.get(i);
        if (g == null || g.awseks == null) {
          errors.add(new FieldError(path, "required (the only generator kind)"));
          continue;
        }
        Map<String, String> tags = g.awseks.selector == null ? null : g.awseks.selector.matchTags;
        if (tags == null || tags.isEmpty()) {
          errors.add(new FieldError(path + ".selector.matchTags", "at least one tag is required (an empty selector would import every cluster in the account)"));
        } else {
          tags.forEach((k, v) -> {
            if (k == null || k.isBlank() || k.length() > 128) errors.add(new FieldError(path + ".selector.matchTags", "tag key " + quote(k) + " must be 1-128 characters"));
            if (v == null || v.length() > 256) errors.add(new FieldError(path + ".selector.matchTags." + k, "a tag value must be 0-256 characters"));
          });
        }
        Optional<String> role = Optional.ofNullable(g.awseks.roleARN).filter(r -> !r.isEmpty());
        role.filter(r -> !ROLE_ARN.matcher(r).matches())
            .ifPresent(r -> errors.add(new FieldError(path + ".roleARN", "not an IAM role ARN: " + quote(r))));
        if (tags != null && !tags.isEmpty() && tags.entrySet().stream().allMatch(e -> e.getKey() != null && e.getValue() != null)) {
          generators.add(new ClusterSetDefinition.TagGenerator(tags, role));
        }
      }
    }
    Map<String, String> labels = templateMap(spec == null ? null : spec.template, true, errors);
    Map<String, String> annotations = templateMap(spec == null ? null : spec.template, false, errors);
    if (!errors.isEmpty()) throw new InvalidSpecException(key, errors);
    return new ClusterSetDefinition(set.getMetadata().getNamespace(), set.getMetadata().getName(), generators, labels, annotations);
  }

  public static TargetGroupSetDefinition targetGroupSet(AWSTargetGroupSet set) {
    String key = "AWSTargetGroupSet " + set.getMetadata().getNamespace() + "/" + set.getMetadata().getName();
    List<FieldError> errors = new ArrayList<>();
    List<TargetGroupSetDefinition.BindingGenerator> generators = new ArrayList<>();
    AWSTargetGroupSet.Spec spec = set.getSpec();
    if (spec == null || spec.generators == null || spec.generators.isEmpty()) {
      errors.add(new FieldError("spec.generators", "at least one generator is required"));
    } else {
      for (int i = 0; i < spec.generators.size(); i++) {
        String path = "spec.generators[" + i + "].awseks";
        AWSTargetGroupSet.Generator g = spec.generators.get(i);
        if (g == null || g.awseks == null) {
          errors.add(new FieldError(path, "required (the only generator kind)"));
          continue;
        }
        Map<String, String> clusters = g.awseks.clusterSelector == null ? null : g.awseks.clusterSelector.matchLabels;
        Map<String, String> bindings = g.awseks.bindingSelector == null || g.awseks.bindingSelector.matchLabels == null
            ? Map.of() : g.awseks.bindingSelector.matchLabels;
        int before = errors.size();
        if (clusters == null || clusters.isEmpty()) {
          errors.add(new FieldError(path + ".clusterSelector.matchLabels", "at least one label is required"));
        } else {
          checkLabels(path + ".clusterSelector.matchLabels", clusters, errors);
        }
        checkLabels(path + ".bindingSelector.matchLabels", bindings, errors);
        if (errors.size() == before) generators.add(new TargetGroupSetDefinition.BindingGenerator(clusters, bindings));
      }
    }
    Map<String, String> labels = templateMap(spec == null ? null : spec.template, true, errors);
    Map<String, String> annotations = templateMap(spec == null ? null : spec.template, false, errors);
    if (!errors.isEmpty()) throw new InvalidSpecException(key, errors);
    return new TargetGroupSetDefinition(set.getMetadata().getNamespace(), set.getMetadata().getName(), generators, labels, annotations);
  }

  private static Map<String, String> templateMap(ResourceTemplate template, boolean labels, List<FieldError> errors) {
    if (template == null || template.metadata == null) return Map.of();
    Map<String, String> map = labels ? template.metadata.labels : template.metadata.annotations;
    if (map == null) return Map.of();
    String path = "spec.template.metadata." + (labels ? "labels" : "annotations");
    if (labels) {
      checkLabels(path, map, errors);
    } else {
      map.forEach((k, v) -> Names.labelKeyProblem(k).ifPresent(p -> errors.add(new FieldError(path, p.replace("label key", "annotation key")))));
    }
    return map.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null) ? Map.of() : map;
  }

  private static void checkLabels(String path, Map<String, String> labels, List<FieldError> errors) {
    labels.forEach((k, v) -> {
      Names.labelKeyProblem(k).ifPresent(p -> errors.add(new FieldError(path, p)));
      Names.labelValueProblem(v).ifPresent(p -> errors.add(new FieldError(path + "." + k, p)));
    });
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
