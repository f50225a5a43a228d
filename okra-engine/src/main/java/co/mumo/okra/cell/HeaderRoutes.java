package co.mumo.okra.cell;

import co.mumo.okra.rule.RuleConditions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Header routes (setHeaderRoute) as the steps set them: which routes a rollout wants at a step, the
 * conditions of a route's rule, and how Argo's {@code exact} and {@code prefix} map onto the wildcards
 * ALB matches header values with ({@code *}: any characters, {@code ?}: one; no escape; case ignored).
 */
public final class HeaderRoutes {
  /** ALB compares header values of at most 128 characters. */
  static final int MAX_VALUE = 128;
  /** ALB's limit on a header's name. */
  static final int MAX_NAME = 40;
  /** RFC 7230's token characters, without {@code *}: ALB takes no wildcard in a header's name. */
  private static final Pattern TOKEN = Pattern.compile("[-!#$%&'+.^_`|~0-9A-Za-z]+");

  private HeaderRoutes() {}

  /** A route in effect at a step: what it matches, and the index of the step that set it. */
  public record Active(String name, List<Step.HeaderMatch> match, int setAt) {
    public Active {
      match = List.copyOf(match);
    }
  }

  /**
   * The routes in effect while the rollout is at step {@code index}: for each name, the last
   * setHeaderRoute up to and including that step, unless it removed the route. A pure function of the
   * steps, so the status need not carry it and a new rollout starts with none.
   */
  public static List<Active> at(List<Step> steps, int index) {
    Map<String, Active> routes = new LinkedHashMap<>();
    for (int i = 0; i <= Math.min(index, steps.size() - 1); i++) {
      if (steps.get(i) instanceof Step.SetHeaderRoute r) {
        routes.remove(r.name());
        if (!r.removes()) routes.put(r.name(), new Active(r.name(), r.match(), i));
      }
    }
    return List.copyOf(routes.values());
  }

  /** The route's rule matches what the Cell's rule matches, and carries every header of {@code match} too. */
  public static RuleConditions conditions(RuleConditions cell, List<Step.HeaderMatch> match) {
    TreeMap<String, List<String>> headers = new TreeMap<>(cell.headers());
    for (Step.HeaderMatch m : match) headers.put(m.headerName(), List.of(m.value()));
    return new RuleConditions(cell.hosts(), cell.pathPatterns(), cell.methods(), cell.sourceIps(), headers, cell.queryStrings());
  }

  /** Argo's {@code exact} as ALB matches it: the value itself, which must hold no wildcard. */
  public static String exact(String value) {
    if (value.isEmpty()) throw new IllegalArgumentException("must not be empty (use prefix: \"\" to match any value of the header)");
    noWildcards(value, "an exact value");
    if (value.length() > MAX_VALUE) {
      throw new IllegalArgumentException("is " + value.length() + " characters; ALB compares at most " + MAX_VALUE
          + ": match its beginning with prefix instead");
    }
    return value;
  }

  /** Argo's {@code prefix} as ALB matches it: the value followed by {@code *}. */
  public static String prefix(String value) {
    noWildcards(value, "a prefix");
    if (value.length() + 1 > MAX_VALUE) {
      throw new IllegalArgumentException("is " + value.length() + " characters; ALB compares at most " + MAX_VALUE
          + ", and a prefix is sent with a * after it: at most " + (MAX_VALUE - 1));
    }
    return value + "*";
  }

  /** What is wrong with a header's name as ALB would take it in an http-header condition, if anything. */
  public static Optional<String> nameProblem(String name) {
    if (name.equalsIgnoreCase("host")) {
      return Optional.of("ALB matches the Host header with a host condition, not an http-header one: put it in the Cell's"
          + " spec.ingress.awsApplicationLoadBalancer.listener.rule.hosts");
    }
    if (name.length() > MAX_NAME) return Optional.of("is " + name.length() + " characters; ALB allows at most " + MAX_NAME);
    if (!TOKEN.matcher(name).matches()) {
      return Optional.of("\"" + name + "\" is not a header name ALB takes: letters, digits and !#$%&'+-.^_`|~ only"
          + " (RFC 7230's token; no wildcards, no spaces or colons)");
    }
    return Optional.empty();
  }

  private static void noWildcards(String value, String what) {
    List<String> found = new ArrayList<>();
    if (value.contains("*")) found.add("*");
    if (value.contains("?")) found.add("?");
    if (!found.isEmpty()) {
      throw new IllegalArgumentException("holds " + String.join(" and ", found) + ", which ALB reads as wildcards in a header value,"
          + " with no way to escape them: " + what + " cannot contain them (match a shorter prefix that stops before them)");
    }
  }
}
