package co.mumo.okra.analysis.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A success or failure condition in the expression language Argo Rollouts uses (expr-lang), as far as
 * analysis templates use it: {@code result}, literals, indexing and fields, comparisons, arithmetic,
 * {@code && || !} (and {@code and or not}), {@code in}, {@code ? :}, and the functions {@code len},
 * {@code all any none one filter map count} with a predicate ({@code {# > 1}} or {@code # > 1}),
 * {@code default isNil isNaN isInf asInt asFloat abs max min}. See docs/analysis.md for the table.
 *
 * <p>{@link #parse} fails with a {@link ConditionSyntaxException} naming the position; evaluation fails with
 * a {@link ConditionException} (a measurement error in Argo's terms). Values are what JSON decodes to:
 * {@code null}, {@code Boolean}, {@code Long}, {@code Double}, {@code String}, {@code List}, {@code Map}.
 */
public final class Condition {
  private final String text;
  private final Node root;

  private Condition(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  public static Condition parse(String text) {
    Objects.requireNonNull(text, "condition");
    Parser p = new Parser(text);
    Node root = p.parseAll();
    return new Condition(text, root);
  }

  public String text() {
    return text;
  }

  /** The value of the expression with {@code result} bound to {@code result}. */
  public Object evaluate(Object result) {
    return root.eval(new Env(Values.normalize(result), null, false));
  }

  /** Evaluates to a boolean, as Argo requires of a condition ("expected bool, but got ..." otherwise). */
  public boolean test(Object result) {
    Object v = evaluate(result);
    if (v instanceof Boolean b) return b;
    throw new ConditionException("expected bool, but got " + Values.typeName(v) + " (" + Values.show(v) + ")");
  }

  @Override
  public String toString() {
    return text;
  }

  /** The expression does not parse. */
  public static final class ConditionSyntaxException extends IllegalArgumentException {
    public ConditionSyntaxException(String message) {
      super(message);
    }
  }

  /** The expression parsed but cannot be evaluated on this value. */
  public static final class ConditionException extends RuntimeException {
    public ConditionException(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------- evaluation

  private record Env(Object result, Object element, boolean inPredicate) {}

  private interface Node {
    Object eval(Env env);
  }

  private record Literal(Object value) implements Node {
    public Object eval(Env env) {
      return value;
    }
  }

  private record Ident(String name) implements Node {
    public Object eval(Env env) {
      if (name.equals("result")) return env.result();
      throw new ConditionException("unknown name " + name + " (the only variable is result)");
    }
  }

  private record Element() implements Node {
    public Object eval(Env env) {
      if (!env.inPredicate()) throw new ConditionException("# is only defined inside a predicate, e.g. all(result, {# > 1})");
      return env.element();
    }
  }

  private record ListLit(List<Node> items) implements Node {
    public Object eval(Env env) {
      List<Object> out = new ArrayList<>();
      for (Node n : items) out.add(n.eval(env));
      return out;
    }
  }

  private record MapLit(List<String> keys, List<Node> values) implements Node {
    public Object eval(Env env) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < keys.size(); i++) out.put(keys.get(i), values.get(i).eval(env));
      return out;
    }
  }

  private record Member(Node target, Node key, boolean optional) implements Node {
    public Object eval(Env env) {
      Object t = target.eval(env);
      if (t == null) {
        if (optional) return null;
        throw new ConditionException("cannot fetch " + Values.show(key.eval(env)) + " from nil");
      }
      return Values.index(t, key.eval(env));
    }
  }

  private record Slice(Node target, Node from, Node to) implements Node {
    public Object eval(Env env) {
      Object t = target.eval(env);
      int size = t instanceof List<?> l ? l.size() : t instanceof String s ? s.length() : -1;
      if (size < 0) throw new ConditionException("cannot slice " + Values.typeName(t));
      int a = from == null ? 0 : clamp(Values.toInt(from.eval(env)), size);
      int b = to == null ? size : clamp(Values.toInt(to.eval(env)), size);
      if (b < a) b = a;
      return t instanceof List<?> l ? List.copyOf(l.subList(a, b)) : ((String) t).substring(a, b);
    }

    private static int clamp(long i, int size) {
      if (i < 0) i += size;
      return (int) Math.max(0, Math.min(size, i));
    }
  }

  private record Unary(String op, Node operand) implements Node {
    public Object eval(Env env) {
      Object v = operand.eval(env);
      return switch (op) {
        case "!" -> !Values.truth(v, "!");
        case "-" -> v instanceof Long l ? (Object) (-l) : (Object) (-Values.toDouble(v, "-"));
        default -> {
          Values.toDouble(v, "+");
          yield v;
        }
      };
    }
  }

  private record And(Node left, Node right) implements Node {
    public Object eval(Env env) {
      return Values.truth(left.eval(env), "&&") && Values.truth(right.eval(env), "&&");
    }
  }

  private record Or(Node left, Node right) implements Node {
    public Object eval(Env env) {
      return Values.truth(left.eval(env), "||") || Values.truth(right.eval(env), "||");
    }
  }

  private record Ternary(Node cond, Node then, Node otherwise) implements Node {
    public Object eval(Env env) {
      return Values.truth(cond.eval(env), "?:") ? then.eval(env) : otherwise.eval(env);
    }
  }

  private record Binary(String op, Node left, Node right) implements Node {
    public Object eval(Env env) {
      Object a = left.eval(env);
      Object b = right.eval(env);
      return switch (op) {
        case "==" -> Values.equal(a, b);
        case "!=" -> !Values.equal(a, b);
        case "<", "<=", ">", ">=" -> Values.ordered(op, a, b);
        case "in" -> Values.contains(b, a);
        case "not in" -> !Values.contains(b, a);
        case "contains" -> Values.string(a, op).contains(Values.string(b, op));
        case "startsWith" -> Values.string(a, op).startsWith(Values.string(b, op));
        case "endsWith" -> Values.string(a, op).endsWith(Values.string(b, op));
        case "matches" -> Pattern.compile(Values.string(b, op)).matcher(Values.string(a, op)).find();
        default -> Values.arithmetic(op, a, b);
      };
    }
  }

  /** A predicate argument, evaluated once per element with {@code #} bound to it. */
  private record Predicate(Node body) implements Node {
    public Object eval(Env env) {
      throw new ConditionException("a predicate {...} is only allowed as the second argument of all, any, none, one, filter, map, count");
    }

    Object apply(Env env, Object element) {
      return body.eval(new Env(env.result(), element, true));
    }
  }

  private record Call(String name, List<Node> args) implements Node {
    public Object eval(Env env) {
      return switch (name) {
        case "all", "any", "none", "one", "filter", "map", "count" -> collection(env);
        case "default" -> {
          Object v;
          try {
            v = args.get(0).eval(env);
          } catch (ConditionException missing) {
            v = null; // e.g. default(result[0], 0) on an empty result: the default, not an error
          }
          yield v == null ? args.get(1).eval(env) : v;
        }
        case "isNil" -> args.get(0).eval(env) == null;
        case "len" -> Values.len(args.get(0).eval(env));
        case "isNaN" -> Double.isNaN(Values.toDouble(args.get(0).eval(env), "isNaN"));
        case "isInf" -> Double.isInfinite(Values.toDouble(args.get(0).eval(env), "isInf"));
        case "asInt" -> Values.asInt(args.get(0).eval(env));
        case "asFloat" -> Values.asFloat(args.get(0).eval(env));
        case "abs" -> {
          Object v = args.get(0).eval(env);
          yield v instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(Values.toDouble(v, "abs"));
        }
        case "max", "min" -> {
          Object best = null;
          for (Node n : args) {
            Object v = n.eval(env);
            Values.toDouble(v, name);
            if (best == null || (name.equals("max") ? Values.compare(v, best, name) > 0 : Values.compare(v, best, name) < 0)) best = v;
          }
          yield best;
        }
        default -> throw new ConditionException("unknown function " + name);
      };
    }

    private Object collection(Env env) {
      Object subject = args.get(0).eval(env);
      if (!(subject instanceof List<?> list)) {
        throw new ConditionException(name + "() needs an array, got " + Values.typeName(subject));
      }
      Predicate p = (Predicate) args.get(1);
      int matched = 0;
      List<Object> out = new ArrayList<>();
      for (Object e : list) {
        Object v = p.apply(env, e);
        switch (name) {
          case "map" -> out.add(v);
          default -> {
            boolean t = Values.truth(v, name + "() predicate");
            if (t) {
              matched++;
              out.add(e);
            }
            if (name.equals("all") && !t) return false;
            if (name.equals("any") && t) return true;
            if (name.equals("none") && t) return false;
          }
        }
      }
      return switch (name) {
        case "all", "none" -> true;
        case "any" -> false;
        case "one" -> matched == 1;
        case "count" -> (long) matched;
        default -> out;
      };
    }
  }

  // ---------------------------------------------------------------- parsing

  private static final Map<String, Integer> ARITY = Map.ofEntries(
      Map.entry("all", 2), Map.entry("any", 2), Map.entry("none", 2), Map.entry("one", 2), Map.entry("filter", 2),
      Map.entry("map", 2), Map.entry("count", 2), Map.entry("default", 2), Map.entry("isNil", 1), Map.entry("len", 1),
      Map.entry("isNaN", 1), Map.entry("isInf", 1), Map.entry("asInt", 1), Map.entry("asFloat", 1), Map.entry("abs", 1),
      Map.entry("max", -1), Map.entry("min", -1));

  private record Token(String kind, String text, int pos) {
    boolean is(String k) {
      return kind.equals("op") && text.equals(k) || kind.equals("ident") && text.equals(k);
    }
  }

  private static final class Parser {
    private final String src;
    private final List<Token> tokens;
    private int at;
    private int predicateDepth;

    Parser(String src) {
      this.src = src;
      this.tokens = lex(src);
    }

    Node parseAll() {
      if (tokens.size() == 1) throw error(tokens.get(0), "the condition is empty");
      Node n = expression();
      Token t = peek();
      if (!t.kind().equals("eof")) throw error(t, "unexpected " + describe(t));
      return n;
    }

    private Node expression() {
      Node cond = or();
      if (accept("?")) {
        Node then = expression();
        expect(":");
        Node otherwise = expression();
        return new Ternary(cond, then, otherwise);
      }
      return cond;
    }

    private Node or() {
      Node left = and();
      while (accept("||") || accept("or")) left = new Or(left, and());
      return left;
    }

    private Node and() {
      Node left = comparison();
      while (accept("&&") || accept("and")) left = new And(left, comparison());
      return left;
    }

    private Node comparison() {
      Node left = additive();
      while (true) {
        Token t = peek();
        String op = null;
        for (String c : List.of("==", "!=", "<=", ">=", "<", ">", "in", "contains", "startsWith", "endsWith", "matches")) {
          if (t.is(c)) op = c;
        }
        if (op == null && t.is("not") && peek(1).is("in")) {
          next();
          op = "not in";
        }
        if (op == null) return left;
        next();
        left = new Binary(op, left, additive());
      }
    }

    private Node additive() {
      Node left = multiplicative();
      while (peek().is("+") || peek().is("-")) left = new Binary(next().text(), left, multiplicative());
      return left;
    }

    private Node multiplicative() {
      Node left = unary();
      while (peek().is("*") || peek().is("/") || peek().is("%")) left = new Binary(next().text(), left, unary());
      return left;
    }

    private Node unary() {
      if (accept("!") || (peek().is("not") && !peek(1).is("in") && accept("not"))) return new Unary("!", unary());
      if (accept("-")) return new Unary("-", unary());
      if (accept("+")) return new Unary("+", unary());
      return power();
    }

    private Node power() {
      Node base = postfix(primary());
      if (accept("**") || accept("^")) return new Binary("**", base, unary());
      return base;
    }

    private Node postfix(Node n) {
      while (true) {
        if (accept(".")) {
          n = new Member(n, new Literal(name()), false);
        } else if (accept("?.")) {
          n = new Member(n, new Literal(name()), true);
        } else if (peek().is("[")) {
          next();
          Node from = peek().is(":") ? null : expression();
          if (accept(":")) {
            Node to = peek().is("]") ? null : expression();
            expect("]");
            n = new Slice(n, from, to);
          } else {
            expect("]");
            n = new Member(n, from, false);
          }
        } else {
          return n;
        }
      }
    }

    private Node primary() {
      Token t = next();
      switch (t.kind()) {
        case "int":
          try {
            return new Literal(Long.parseLong(t.text().replace("_", "")));
          } catch (NumberFormatException e) {
            throw error(t, "integer " + t.text() + " is too large");
          }
        case "float":
          return new Literal(Double.parseDouble(t.text().replace("_", "")));
        case "string":
          return new Literal(t.text());
        case "ident":
          return identifier(t);
        case "op":
          break;
        default:
          throw error(t, "unexpected " + describe(t));
      }
      switch (t.text()) {
        case "(" -> {
          Node n = expression();
          expect(")");
          return n;
        }
        case "[" -> {
          List<Node> items = new ArrayList<>();
          if (!accept("]")) {
            do {
              if (peek().is("]")) break;
              items.add(expression());
            } while (accept(","));
            expect("]");
          }
          return new ListLit(items);
        }
        case "{" -> {
          List<String> keys = new ArrayList<>();
          List<Node> values = new ArrayList<>();
          if (!accept("}")) {
            do {
              if (peek().is("}")) break;
              Token k = next();
              if (!k.kind().equals("ident") && !k.kind().equals("string")) throw error(k, "expected a map key, found " + describe(k));
              expect(":");
              keys.add(k.text());
              values.add(expression());
            } while (accept(","));
            expect("}");
          }
          return new MapLit(keys, values);
        }
        case "#" -> {
          if (predicateDepth == 0) throw error(t, "# is only allowed inside a predicate, e.g. all(result, {# > 1})");
          return new Element();
        }
        case "." -> {
          // .field inside a predicate is #.field
          if (predicateDepth == 0) throw error(t, "unexpected .");
          return new Member(new Element(), new Literal(name()), false);
        }
        default -> throw error(t, "unexpected " + describe(t));
      }
    }

    private Node identifier(Token t) {
      switch (t.text()) {
        case "true":
          return new Literal(Boolean.TRUE);
        case "false":
          return new Literal(Boolean.FALSE);
        case "nil":
          return new Literal(null);
        case "NaN":
          return new Literal(Double.NaN);
        default:
          break;
      }
      if (!peek().is("(")) {
        if (!t.text().equals("result")) {
          throw error(t, "unknown name " + t.text() + " (the only variable is result)");
        }
        return new Ident(t.text());
      }
      next();
      Integer arity = ARITY.get(t.text());
      if (arity == null) throw error(t, "unknown function " + t.text() + "()");
      boolean takesPredicate = List.of("all", "any", "none", "one", "filter", "map", "count").contains(t.text());
      List<Node> args = new ArrayList<>();
      if (!accept(")")) {
        do {
          if (takesPredicate && args.size() == 1) {
            args.add(predicate());
          } else {
            args.add(expression());
          }
        } while (accept(","));
        expect(")");
      }
      if (arity >= 0 && args.size() != arity || arity < 0 && args.isEmpty()) {
        throw error(t, t.text() + "() takes " + (arity < 0 ? "at least 1" : arity) + " argument" + (arity == 1 ? "" : "s")
            + ", got " + args.size());
      }
      return new Call(t.text(), args);
    }

    private Node predicate() {
      predicateDepth++;
      try {
        boolean braced = peek().is("{") && !looksLikeMap();
        if (braced) next();
        Node body = expression();
        if (braced) expect("}");
        return new Predicate(body);
      } finally {
        predicateDepth--;
      }
    }

    /** {@code {a: 1}} is a map, {@code {# > 1}} a predicate. */
    private boolean looksLikeMap() {
      Token k = peek(1);
      return (k.kind().equals("ident") || k.kind().equals("string")) && peek(2).is(":");
    }

    private String name() {
      Token t = next();
      if (!t.kind().equals("ident")) throw error(t, "expected a field name, found " + describe(t));
      return t.text();
    }

    private Token peek() {
      return tokens.get(at);
    }

    private Token peek(int ahead) {
      return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
      Token t = tokens.get(at);
      if (at < tokens.size() - 1) at++;
      return t;
    }

    private boolean accept(String op) {
      if (peek().is(op)) {
        next();
        return true;
      }
      return false;
    }

    private void expect(String op) {
      Token t = peek();
      if (!t.is(op)) throw error(t, "expected " + op + ", found " + describe(t));
      next();
    }

    private static String describe(Token t) {
      return switch (t.kind()) {
        case "eof" -> "the end of the condition";
        case "string" -> "string \"" + t.text() + "\"";
        default -> "\"" + t.text() + "\"";
      };
    }

    private ConditionSyntaxException error(Token t, String message) {
      return new ConditionSyntaxException("condition \"" + src + "\": " + message + " at position " + (t.pos() + 1));
    }

    private static List<Token> lex(String s) {
      List<Token> out = new ArrayList<>();
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))
            && (out.isEmpty() || !endsOperand(out.get(out.size() - 1))))) {
          int start = i;
          boolean isFloat = false;
          if (c == '0' && i + 1 < s.length() && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
            i += 2;
            while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) i++;
            out.add(new Token("int", String.valueOf(Long.parseLong(s.substring(start + 2, i), 16)), start));
            continue;
          }
          while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
          if (i + 1 < s.length() && s.charAt(i) == '.' && Character.isDigit(s.charAt(i + 1))) {
            isFloat = true;
            i++;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
          } else if (i < s.length() && s.charAt(i) == '.' && (i + 1 >= s.length() || s.charAt(i + 1) != '.')
              && (i + 1 >= s.length() || !Character.isLetter(s.charAt(i + 1)))) {
            isFloat = true; // "1." is a float
            i++;
          }
          if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int save = i;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            if (i < s.length() && Character.isDigit(s.charAt(i))) {
              isFloat = true;
              while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            } else {
              i = save;
            }
          }
          out.add(new Token(isFloat ? "float" : "int", s.substring(start, i), start));
        } else if (Character.isLetter(c) || c == '_' || c == '$') {
          int start = i;
          while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) i++;
          out.add(new Token("ident", s.substring(start, i), start));
        } else if (c == '"' || c == '\'' || c == '`') {
          int start = i;
          StringBuilder b = new StringBuilder();
          i++;
          while (true) {
            if (i >= s.length()) {
              throw new ConditionSyntaxException("condition \"" + s + "\": unterminated string at position " + (start + 1));
            }
            char d = s.charAt(i);
            if (d == c) break;
            if (d == '\\' && c != '`' && i + 1 < s.length()) {
              char e = s.charAt(++i);
              b.append(switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> e;
              });
            } else {
              b.append(d);
            }
            i++;
          }
          i++;
          out.add(new Token("string", b.toString(), start));
        } else {
          String op = null;
          for (String o : List.of("?.", "**", "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", "{", "}", ",", ":", ".",
              "?", "!", "<", ">", "+", "-", "*", "/", "%", "^", "#")) {
            if (s.startsWith(o, i)) {
              op = o;
              break;
            }
          }
          if (op == null) {
            throw new ConditionSyntaxException("condition \"" + s + "\": unexpected character '" + c + "' at position " + (i + 1));
          }
          out.add(new Token("op", op, i));
          i += op.length();
        }
      }
      out.add(new Token("eof", "", s.length()));
      return out;
    }

    private static boolean endsOperand(Token t) {
      return t.kind().equals("ident") || t.kind().equals("int") || t.kind().equals("float") || t.kind().equals("string")
          || t.is(")") || t.is("]");
    }
  }
}
