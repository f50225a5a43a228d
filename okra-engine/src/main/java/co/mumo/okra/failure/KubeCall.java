package co.mumo.okra.failure;

import java.util.Locale;

/** A Kubernetes API request in words, e.g. {@code get cells default/web}, {@code list cells in default}, {@code update status of cells default/web}. */
public final class KubeCall {
  private KubeCall() {}

  /** {@code method} (GET, PUT, ...) on {@code path}: /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]] or /apis/GROUP/VERSION/... */
  public static String describe(String method, String path) {
    String[] p = path.replaceAll("\\?.*$", "").split("/");
    int i = p.length > 1 && p[1].equals("api") ? 3 : 4;
    String ns = "";
    if (p.length > i + 2 && p[i].equals("namespaces")) {
      ns = p[i + 1];
      i += 2;
    }
    String resource = p.length > i ? p[i] : "";
    String name = p.length > i + 1 ? p[i + 1] : "";
    String sub = p.length > i + 2 ? p[i + 2] : "";
    return describe(method, resource, ns, name, sub);
  }

  static String describe(String method, String resource, String ns, String name, String subresource) {
    String verb = switch (method.toLowerCase(Locale.ROOT)) {
      case "put" -> "update";
      case "post" -> "create";
      case "get" -> name.isEmpty() ? "list" : "get";
      default -> method.toLowerCase(Locale.ROOT);
    };
    if (resource.isEmpty()) return verb;
    String target = name.isEmpty() ? resource + (ns.isEmpty() ? "" : " in " + ns) : resource + " " + (ns.isEmpty() ? "" : ns + "/") + name;
    return verb + " " + (subresource.isEmpty() ? "" : subresource + " of ") + target;
  }
}
