package co.mumo.okra.discovery;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InvalidSpecException;
import co.mumo.okra.redaction.Secrets;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code config} of an ArgoCD cluster Secret: how to authenticate and which TLS settings to use.
 * Byte fields ({@code caData}, {@code certData}, {@code keyData}) are base64 of PEM, as ArgoCD
 * writes them. Credentials never show up in {@link #toString()}.
 *
 * <p>Authentication is chosen as ArgoCD does: {@code awsAuthConfig} first, then
 * {@code execProviderConfig}, then {@code bearerToken}, then {@code username}/{@code password}.
 * A client certificate ({@code tlsClientConfig.certData}/{@code keyData}) is used alongside any of them.
 */
public record ClusterConfig(Optional<AwsAuth> awsAuth, Optional<Exec> exec, Optional<String> bearerToken,
                            Optional<String> username, Optional<String> password, Tls tls) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code awsAuthConfig}: an EKS token for {@code clusterName}, after assuming {@code roleArn} when set. */
  public record AwsAuth(String clusterName, Optional<String> roleArn) {}

  /** {@code execProviderConfig}: a client-go exec credential plugin. */
  public record Exec(String command, List<String> args, Map<String, String> env, String apiVersion) {
    public Exec {
      args = List.copyOf(args);
      env = Map.copyOf(env);
    }

    @Override
    public String toString() {
      return "Exec[command=" + command + ", args=" + args.size() + ", env=" + env.keySet() + ", apiVersion=" + apiVersion + "]";
    }
  }

  public record Tls(boolean insecure, Optional<String> serverName, Optional<String> caData, Optional<String> certData,
                    Optional<String> keyData) {
    public static final Tls DEFAULT = new Tls(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    @Override
    public String toString() {
      return "Tls[insecure=" + insecure + ", serverName=" + serverName.orElse("") + ", caData=" + caData.isPresent()
          + ", clientCert=" + certData.isPresent() + ", clientKey=" + (keyData.isPresent() ? "(redacted)" : "none") + "]";
    }
  }

  /** The config a ClusterSet writes: EKS auth by cluster name (and role), the cluster's CA. No stored credential. */
  public static ClusterConfig forEks(String clusterName, Optional<String> roleArn, Optional<String> caData) {
    return new ClusterConfig(Optional.of(new AwsAuth(clusterName, roleArn)), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), new Tls(false, Optional.empty(), caData, Optional.empty(), Optional.empty()));
  }

  /** The auth method ArgoCD would use, for messages: aws, exec, bearerToken, basic, clientCert or none. */
  public String authMethod() {
    if (awsAuth.isPresent()) return "awsAuthConfig";
    if (exec.isPresent()) return "execProviderConfig";
    if (bearerToken.isPresent()) return "bearerToken";
    if (username.isPresent()) return "basic";
    if (tls.certData().isPresent()) return "clientCert";
    return "none";
  }

  /** The JSON ArgoCD reads, keys in a fixed order so that an unchanged config is byte-for-byte equal. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    username.ifPresent(u -> m.put("username", u));
    password.ifPresent(p -> m.put("password", p));
    bearerToken.ifPresent(t -> m.put("bearerToken", t));
    awsAuth.ifPresent(a -> {
      Map<String, Object> aws = new LinkedHashMap<>();
      aws.put("clusterName", a.clusterName());
      a.roleArn().ifPresent(r -> aws.put("roleARN", r));
      m.put("awsAuthConfig", aws);
    });
    exec.ifPresent(e -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("command", e.command());
      if (!e.args().isEmpty()) x.put("args", e.args());
      if (!e.env().isEmpty()) x.put("env", new TreeMap<>(e.env()));
      x.put("apiVersion", e.apiVersion());
      m.put("execProviderConfig", x);
    });
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("insecure", tls.insecure());
    tls.serverName().ifPresent(s -> t.put("serverName", s));
    tls.caData().ifPresent(s -> t.put("caData", s));
    tls.certData().ifPresent(s -> t.put("certData", s));
    tls.keyData().ifPresent(s -> t.put("keyData", s));
    m.put("tlsClientConfig", t);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a Secret's {@code config}. Unknown keys are ignored (ArgoCD has more, e.g. proxyUrl); a
   * malformed document or a field of the wrong type is an {@link InvalidSpecException} naming
   * {@code resource} and the field ({@code data.config.tlsClientConfig.insecure}, ...).
   */
  public static ClusterConfig parse(String json, String resource) {
    List<FieldError> errors = new ArrayList<>();
    if (json == null || json.isBlank()) {
      throw new InvalidSpecException(resource, List.of(new FieldError("data.config", "missing")));
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // The parser's message would quote the document, credentials and all: only the position is kept.
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new InvalidSpecException(resource, List.of(new FieldError("data.config", "not valid JSON" + where)));
    }
    if (!(root instanceof ObjectNode)) {
      throw new InvalidSpecException(resource, List.of(new FieldError("data.config", "must be a JSON object")));
    }
    Optional<String> username = text(root, "username", "data.config", errors);
    Optional<String> password = text(root, "password", "data.config", errors);
    Optional<String> bearer = text(root, "bearerToken", "data.config", errors);
    Optional<AwsAuth> aws = Optional.empty();
    JsonNode awsNode = object(root, "awsAuthConfig", "data.config", errors);
    if (awsNode != null) {
      Optional<String> name = text(awsNode, "clusterName", "data.config.awsAuthConfig", errors);
      Optional<String> role = text(awsNode, "roleARN", "data.config.awsAuthConfig", errors);
      if (name.isEmpty()) {
        errors.add(new FieldError("data.config.awsAuthConfig.clusterName", "required"));
      } else {
        aws = Optional.of(new AwsAuth(name.get(), role));
      }
    }
    Optional<Exec> exec = Optional.empty();
    JsonNode execNode = object(root, "execProviderConfig", "data.config", errors);
    if (execNode != null) {
      String p = "data.config.execProviderConfig";
      Optional<String> command = text(execNode, "command", p, errors);
      Optional<String> apiVersion = text(execNode, "apiVersion", p, errors);
      List<String> args = new ArrayList<>();
      JsonNode argsNode = execNode.get("args");
      if (argsNode != null && !argsNode.isNull()) {
        if (!argsNode.isArray()) {
          errors.add(new FieldError(p + ".args", "must be a list of strings"));
        } else {
          argsNode.forEach(a -> args.add(a.asText()));
        }
      }
      Map<String, String> env = new LinkedHashMap<>();
      JsonNode envNode = execNode.get("env");
      if (envNode != null && !envNode.isNull()) {
        if (!envNode.isObject()) {
          errors.add(new FieldError(p + ".env", "must be a map of strings"));
        } else {
          envNode.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
      }
      if (command.isEmpty()) errors.add(new FieldError(p + ".command", "required"));
      if (command.isPresent()) {
        exec = Optional.of(new Exec(command.get(), args, env, apiVersion.orElse("client.authentication.k8s.io/v1beta1")));
      }
    }
    Tls tls = Tls.DEFAULT;
    JsonNode tlsNode = object(root, "tlsClientConfig", "data.config", errors);
    if (tlsNode != null) {
      String p = "data.config.tlsClientConfig";
      boolean insecure = false;
      JsonNode insecureNode = tlsNode.get("insecure");
      if (insecureNode != null && !insecureNode.isNull()) {
        if (!insecureNode.isBoolean()) {
          errors.add(new FieldError(p + ".insecure", "must be true or false"));
        } else {
          insecure = insecureNode.booleanValue();
        }
      }
      tls = new Tls(insecure, text(tlsNode, "serverName", p, errors), base64(tlsNode, "caData", p, errors),
          base64(tlsNode, "certData", p, errors), base64(tlsNode, "keyData", p, errors));
      if (tls.certData().isPresent() != tls.keyData().isPresent()) {
        errors.add(new FieldError(p, "certData and keyData go together"));
      }
    }
    // Credentials never leave the runner, whatever message they might end up in.
    password.ifPresent(Secrets::register);
    bearer.ifPresent(Secrets::register);
    tls.keyData().ifPresent(Secrets::registerBase64);
    exec.ifPresent(e -> e.env().values().forEach(Secrets::register));
    if (!errors.isEmpty()) throw new InvalidSpecException(resource, errors);
    return new ClusterConfig(aws, exec, bearer, username, password, tls);
  }

  private static JsonNode object(JsonNode parent, String field, String path, List<FieldError> errors) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isObject()) {
      errors.add(new FieldError(path + "." + field, "must be an object"));
      return null;
    }
    return n;
  }

  private static Optional<String> text(JsonNode parent, String field, String path, List<FieldError> errors) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) return Optional.empty();
    if (!n.isTextual()) {
      errors.add(new FieldError(path + "." + field, "must be a string"));
      return Optional.empty();
    }
    return Optional.of(n.textValue()).filter(s -> !s.isEmpty());
  }

  private static Optional<String> base64(JsonNode parent, String field, String path, List<FieldError> errors) {
    Optional<String> value = text(parent, field, path, errors);
    value.ifPresent(v -> {
      try {
        Base64.getDecoder().decode(v.replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(path + "." + field, "must be base64 (of PEM)"));
      }
    });
    return value;
  }

  @Override
  public String toString() {
    return "ClusterConfig[auth=" + authMethod() + awsAuth.map(a -> " " + a).orElse("") + exec.map(e -> " " + e).orElse("")
        + ", tls=" + tls + "]";
  }
}
