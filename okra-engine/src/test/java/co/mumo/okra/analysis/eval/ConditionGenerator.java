package co.mumo.okra.analysis.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random conditions and measurements for the differential test against Argo: the operators, precedence,
 * member and index access, {@code in}, {@code matches}, string operators, ternaries, {@code ??}, the
 * builtins and Argo's functions, over results of every shape. Conditions are trees ({@link G}) so that a
 * disagreement can be shrunk by replacing a node with a child or a simple leaf.
 */
final class ConditionGenerator {
  /** A condition node: {@code op} says how the children print. */
  record G(String op, String text, List<G> kids) {
    static G leaf(String text) {
      return new G("leaf", text, List.of());
    }

    static G of(String op, String text, G... kids) {
      return new G(op, text, List.of(kids));
    }

    String render() {
      return switch (op) {
        case "leaf" -> text;
        case "prefix" -> text + kids.get(0).render();
        case "infix" -> kids.get(0).render() + " " + text + " " + kids.get(1).render();
        case "call" -> text + "(" + join(kids) + ")";
        case "pcall" -> text + "(" + kids.get(0).render() + ", {" + kids.get(1).render() + "})";
        case "pcallBare" -> text + "(" + kids.get(0).render() + ", " + kids.get(1).render() + ")";
        case "index" -> kids.get(0).render() + "[" + kids.get(1).render() + "]";
        case "member" -> kids.get(0).render() + text;
        case "slice" -> kids.get(0).render() + "[" + (kids.size() > 1 ? kids.get(1).render() : "") + ":"
            + (kids.size() > 2 ? kids.get(2).render() : "") + "]";
        case "ternary" -> kids.get(0).render() + " ? " + kids.get(1).render() + " : " + kids.get(2).render();
        case "paren" -> "(" + kids.get(0).render() + ")";
        case "array" -> "[" + join(kids) + "]";
        default -> throw new IllegalStateException(op);
      };
    }

    private static String join(List<G> gs) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < gs.size(); i++) b.append(i > 0 ? ", " : "").append(gs.get(i).render());
      return b.toString();
    }

    int size() {
      int n = 1;
      for (G k : kids) n += k.size();
      return n;
    }
  }

  /** What the result is, so that most conditions reach into it sensibly (the rest stay random). */
  enum Hint { NUMBER, STRING, BOOL, NUMBERS, MAP, MAPS, NIL, CLOUDWATCH, ANY }

  private final Random random;
  private int predicateDepth;
  private Hint hint = Hint.ANY;

  void hint(Hint h) {
    hint = h;
  }

  static Hint hintOf(Object json) {
    if (json == null) return Hint.NIL;
    if (json instanceof Double) return Hint.NUMBER;
    if (json instanceof String) return Hint.STRING;
    if (json instanceof Boolean) return Hint.BOOL;
    if (json instanceof List<?> l) return !l.isEmpty() && l.get(0) instanceof Map ? Hint.MAPS : Hint.NUMBERS;
    if (json instanceof Map) return Hint.MAP;
    return Hint.ANY;
  }

  ConditionGenerator(Random random) {
    this.random = random;
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  // ------------------------------------------------------------------ conditions

  G condition() {
    if (chance(5)) return chance(50) ? num(2) : any(2);
    return bool(3);
  }

  G bool(int d) {
    if (d <= 0) return pick(List.of(G.leaf("true"), G.leaf("false"), G.of("infix", pick(List.of("==", ">=", "<")), num(0), num(0))));
    return switch (random.nextInt(17)) {
      case 0, 1, 2 -> G.of("infix", pick(List.of("==", "!=", "<", "<=", ">", ">=")), num(d - 1),
          chance(50) ? G.leaf(pick(List.of("0", "1", "0.5", "0.95", "10", "100", "-1", "1e3"))) : num(d - 1));
      case 3 -> G.of("infix", pick(List.of("==", "!=")), any(d - 1), any(d - 1));
      case 4, 5 -> G.of("infix", pick(List.of("&&", "||", "and", "or")), bool(d - 1), bool(d - 1));
      case 6 -> G.of("prefix", pick(List.of("!", "not ")), chance(60) ? G.of("paren", "", bool(d - 1)) : bool(d - 1));
      case 7, 8 -> predicate(pick(List.of("all", "any", "none", "one")), d);
      case 9 -> G.of("call", pick(List.of("isNaN", "isInf")), num(d - 1));
      case 10 -> G.of("call", "isNil", any(d - 1));
      case 11 -> G.of("infix", pick(List.of("matches", "contains", "startsWith", "endsWith", "not matches", "not contains")),
          str(d - 1), chance(80) ? G.leaf(pick(List.of("'^v[0-9]+'", "'a'", "\"OK\"", "'(a|b)+$'", "'^$'", "'[0-9]'", "'.'", "'['", "'(?i)ok'", "\"\\\\d+\""))) : str(d - 1));
      case 12 -> G.of("infix", pick(List.of("in", "not in")), any(d - 1), collection(d - 1));
      case 13 -> G.of("ternary", "", bool(d - 1), bool(d - 1), bool(d - 1));
      case 14 -> G.of("infix", "<", G.of("infix", "<", num(d - 1), num(d - 1)), num(d - 1));
      case 15 -> G.of("infix", pick(List.of("==", "!=")), G.of("paren", "", G.of("infix", "??", any(d - 1), any(d - 1))), any(d - 1));
      default -> G.of("paren", "", bool(d - 1));
    };
  }

  private G predicate(String name, int d) {
    G coll = collection(d - 1);
    predicateDepth++;
    G body = name.equals("map") ? num(d - 1) : bool(d - 1);
    predicateDepth--;
    return G.of(chance(70) ? "pcall" : "pcallBare", name, coll, body);
  }

  G num(int d) {
    List<String> leaves = new ArrayList<>(List.of("0", "1", "2", "-1", "0.5", "0.95", "1e3", "100", "2.5", "1.0", "10", "0x10", "1_000"));
    if (d <= 0) {
      if (predicateDepth > 0 && chance(40)) return G.leaf(pick(List.of("#", "#.value", ".value", "#", "#.a")));
      if (chance(50)) return result();
      return G.leaf(pick(leaves));
    }
    return switch (random.nextInt(16)) {
      case 0, 1 -> G.leaf(pick(leaves));
      case 2, 3 -> result();
      case 4 -> G.of("call", "len", collectionOrString(d - 1));
      case 5 -> G.of("pcall", "count", collection(d - 1), inPredicate(() -> bool(d - 1)));
      case 6 -> G.of("call", pick(List.of("asInt", "asFloat", "float", "int", "abs")), any(d - 1));
      case 7 -> G.of("call", pick(List.of("max", "min", "sum", "mean", "median")), collection(d - 1));
      case 8 -> G.of("call", pick(List.of("max", "min")), num(d - 1), num(d - 1));
      case 9, 10 -> G.of("infix", pick(List.of("+", "-", "*", "/", "%", "**", "^")), num(d - 1), num(d - 1));
      case 11 -> G.of("prefix", "-", num(d - 1));
      case 12 -> G.of("call", "default", result(), num(0));
      case 13 -> G.of("call", pick(List.of("first", "last", "ceil", "floor", "round")), chance(50) ? collection(d - 1) : num(d - 1));
      case 14 -> G.of("paren", "", num(d - 1));
      default -> predicateDepth > 0 ? G.leaf(pick(List.of("#", "#.value", ".value"))) : result();
    };
  }

  private G inPredicate(java.util.function.Supplier<G> body) {
    predicateDepth++;
    try {
      return body.get();
    } finally {
      predicateDepth--;
    }
  }

  G str(int d) {
    List<String> leaves = List.of("'a'", "\"OK\"", "'1'", "'1.5'", "'true'", "'v12'", "''", "\"It worked!\"", "'UP'", "`raw\\n`", "'\\u00e9'");
    if (d <= 0) return chance(40) ? result() : G.leaf(pick(leaves));
    return switch (random.nextInt(8)) {
      case 0, 1, 2 -> G.leaf(pick(leaves));
      case 3, 4 -> result();
      case 5 -> G.of("call", pick(List.of("string", "upper", "lower", "trim", "type")), any(d - 1));
      case 6 -> G.of("infix", "+", str(d - 1), str(d - 1));
      default -> G.of("index", "", result(), G.leaf("0"));
    };
  }

  G collection(int d) {
    if (d <= 0) return chance(60) ? result() : G.leaf(pick(List.of("[1, 2, 3]", "[]", "['a', 'b']", "[0.5, 1]", "[1, 'a', nil]")));
    return switch (random.nextInt(10)) {
      case 0, 1, 2, 3 -> result();
      case 4 -> G.leaf(pick(List.of("[1, 2, 3]", "[]", "['a', 'b']", "[0.5, 1]", "[1, 'a', nil, true]", "[[1], [2, 3]]", "[200, 204]")));
      case 5 -> G.of("pcall", "filter", collection(d - 1), inPredicate(() -> bool(d - 1)));
      case 6 -> G.of("pcall", "map", collection(d - 1), inPredicate(() -> num(d - 1)));
      case 7 -> G.of("slice", "", result(), G.leaf(pick(List.of("0", "1", "-1"))));
      case 8 -> G.of("array", "", any(d - 1), any(d - 1));
      default -> G.of("member", pick(List.of(".values", ".items", ".Values", "?.values")), result());
    };
  }

  private G collectionOrString(int d) {
    return chance(80) ? collection(d) : str(d);
  }

  G any(int d) {
    return switch (random.nextInt(9)) {
      case 0, 1 -> num(d);
      case 2 -> str(d);
      case 3 -> bool(Math.max(0, d - 1));
      case 4 -> collection(d);
      case 5 -> G.leaf("nil");
      case 6 -> G.leaf(pick(List.of("{a: 1}", "{'a': 'x', b: nil}", "{}")));
      default -> result();
    };
  }

  /** {@code result} and the ways conditions reach into it. */
  G result() {
    G r = G.leaf("result");
    if (hint != Hint.ANY && chance(75)) {
      switch (hint) {
        case NUMBER, STRING, BOOL, NIL:
          return pick(List.of(r, r, G.of("call", "default", r, G.leaf(pick(List.of("0", "1", "'x'")))),
              G.of("call", pick(List.of("asFloat", "asInt", "float", "int", "string")), r)));
        case NUMBERS:
          return pick(List.of(r, G.of("index", "", r, G.leaf(pick(List.of("0", "1", "-1")))), r));
        case MAP:
          return pick(List.of(G.of("member", pick(List.of(".ok", ".status", ".value", ".successPercent", ".count", ".a", ".b")), r),
              G.of("member", pick(List.of(".ok", ".value")), G.of("member", ".data", r)),
              G.of("member", ".value", G.of("index", "", G.of("member", ".items", r), G.leaf("0"))),
              G.of("member", ".items", r), G.of("index", "", r, G.leaf("'average.duration'")), r));
        case MAPS:
          return pick(List.of(G.of("member", ".value", G.of("index", "", r, G.leaf(pick(List.of("0", "-1"))))), r, r));
        case CLOUDWATCH:
          return pick(List.of(G.of("member", pick(List.of(".Values", ".Id", ".Label", ".StatusCode", ".Timestamps")),
              G.of("index", "", r, G.leaf("0"))), G.of("index", "", G.of("member", ".Values", G.of("index", "", r, G.leaf("0"))),
              G.leaf("0")), r));
        default:
          break;
      }
    }
    return switch (random.nextInt(14)) {
      case 0, 1, 2 -> r;
      case 3, 4 -> G.of("index", "", r, G.leaf(pick(List.of("0", "1", "-1", "5"))));
      case 5, 6 -> G.of("member", pick(List.of(".a", ".b", ".ok", ".status", ".value", ".successPercent", ".data", ".count")), r);
      case 7 -> G.of("member", pick(List.of("?.a", "?.value", "?.ok")), r);
      case 8 -> G.of("index", "", r, G.leaf(pick(List.of("'a'", "\"value\"", "'average.duration'"))));
      case 9 -> G.of("member", ".value", G.of("index", "", r, G.leaf("0")));
      case 10 -> G.of("member", pick(List.of(".ok", ".value")), G.of("member", ".data", r));
      case 11 -> G.of("index", "", G.of("member", ".items", r), G.leaf(pick(List.of("0", "-1"))));
      case 12 -> G.of("index", "", G.of("member", ".Values", G.of("index", "", r, G.leaf("0"))), G.leaf("0"));
      default -> G.of("slice", "", r, G.leaf("1"));
    };
  }

  // ------------------------------------------------------------------ measurements

  /** A JSON document as a web metric (or a job's stdout) might answer. */
  Object json(int d) {
    if (d <= 0 || chance(30)) return scalar();
    return switch (random.nextInt(6)) {
      case 0, 1 -> {
        List<Object> l = new ArrayList<>();
        int n = random.nextInt(4);
        boolean numeric = chance(60);
        for (int i = 0; i < n; i++) l.add(numeric ? number() : json(d - 1));
        yield l;
      }
      case 2, 3, 4 -> {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          m.put(pick(List.of("a", "b", "ok", "status", "value", "values", "items", "data", "successPercent", "count", "average.duration")),
              json(d - 1));
        }
        yield m;
      }
      default -> {
        List<Object> l = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) l.add(new LinkedHashMap<>(Map.of("value", chance(50) ? number() : pick(List.of("9950", "0.5", "x"))))) ;
        yield l;
      }
    };
  }

  Object scalar() {
    return switch (random.nextInt(5)) {
      case 0, 1 -> number();
      case 2 -> pick(List.of("a", "OK", "1", "1.5", "true", "v12", "", "It worked!", "UP", " 5 ", "1e3", "NaN", "Inf", "<b>", "é"));
      case 3 -> random.nextBoolean();
      default -> null;
    };
  }

  Double number() {
    return pick(List.of(0.0, 1.0, 2.0, -1.0, 0.5, 0.95, 0.99, 0.005, 10.0, 100.0, 200.0, 204.0, 1e21, 1e-7, 3.33e-4, 12345.678,
        -0.0, 5.0, 1.5, 9950.0));
  }

  /** A float64 as Prometheus or Datadog hand it on, specials included. */
  double float64() {
    return pick(List.of(0.0, 1.0, 0.5, 0.95, 0.99, 10.0, 100.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1e-7, 3.33e-4, 1e21, 12.5, -0.0, 1e300));
  }

  List<Double> float64s() {
    List<Double> out = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) out.add(float64());
    return out;
  }

  /** A Prometheus sample value as the server writes it. */
  String sampleText() {
    return pick(List.of("0", "1", "0.5", "0.95", "NaN", "+Inf", "-Inf", "1e-07", "0.000333", "1e+21", "100", "-0", "3.14",
        "12345.678", "2"));
  }

  String jsonPath() {
    return pick(java.util.Arrays.asList(null, null, null, "{$}", "{$.a}", "{.a}", "{$.data.ok}", "{$.items[0]}",
        "{$.items[-1]}", "{$['a']}", "{$.value}", "{.}", "{$.missing}", "{$[0]}", "{$[1].value}", "$.a", "value: {$.a}"));
  }
}
