package co.mumo.okra.analysis.eval.expr;

import co.mumo.okra.analysis.eval.expr.Ast.ArrayNode;
import co.mumo.okra.analysis.eval.expr.Ast.BinaryNode;
import co.mumo.okra.analysis.eval.expr.Ast.BoolNode;
import co.mumo.okra.analysis.eval.expr.Ast.BuiltinNode;
import co.mumo.okra.analysis.eval.expr.Ast.CallNode;
import co.mumo.okra.analysis.eval.expr.Ast.ChainNode;
import co.mumo.okra.analysis.eval.expr.Ast.ConditionalNode;
import co.mumo.okra.analysis.eval.expr.Ast.FloatNode;
import co.mumo.okra.analysis.eval.expr.Ast.IdentifierNode;
import co.mumo.okra.analysis.eval.expr.Ast.IntegerNode;
import co.mumo.okra.analysis.eval.expr.Ast.MapNode;
import co.mumo.okra.analysis.eval.expr.Ast.MemberNode;
import co.mumo.okra.analysis.eval.expr.Ast.NilNode;
import co.mumo.okra.analysis.eval.expr.Ast.Node;
import co.mumo.okra.analysis.eval.expr.Ast.PairNode;
import co.mumo.okra.analysis.eval.expr.Ast.PointerNode;
import co.mumo.okra.analysis.eval.expr.Ast.PredicateNode;
import co.mumo.okra.analysis.eval.expr.Ast.SequenceNode;
import co.mumo.okra.analysis.eval.expr.Ast.SliceNode;
import co.mumo.okra.analysis.eval.expr.Ast.StringNode;
import co.mumo.okra.analysis.eval.expr.Ast.UnaryNode;
import co.mumo.okra.analysis.eval.expr.Ast.VariableDeclaratorNode;
import co.mumo.okra.analysis.eval.expr.Lexer.Kind;
import co.mumo.okra.analysis.eval.expr.Lexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** expr-lang's parser (package {@code parser}): precedence climbing, the same tree for the same text. */
final class Parser {
  private record Op(int precedence, boolean rightAssociative) {}

  private static final Map<String, Integer> UNARY = Map.of("not", 50, "!", 50, "-", 90, "+", 90);
  private static final Map<String, Op> BINARY = Map.ofEntries(
      Map.entry("|", new Op(0, false)), Map.entry("or", new Op(10, false)), Map.entry("||", new Op(10, false)),
      Map.entry("and", new Op(15, false)), Map.entry("&&", new Op(15, false)), Map.entry("==", new Op(20, false)),
      Map.entry("!=", new Op(20, false)), Map.entry("<", new Op(20, false)), Map.entry(">", new Op(20, false)),
      Map.entry(">=", new Op(20, false)), Map.entry("<=", new Op(20, false)), Map.entry("in", new Op(20, false)),
      Map.entry("matches", new Op(20, false)), Map.entry("contains", new Op(20, false)),
      Map.entry("startsWith", new Op(20, false)), Map.entry("endsWith", new Op(20, false)), Map.entry("..", new Op(25, false)),
      Map.entry("+", new Op(30, false)), Map.entry("-", new Op(30, false)), Map.entry("*", new Op(60, false)),
      Map.entry("/", new Op(60, false)), Map.entry("%", new Op(60, false)), Map.entry("**", new Op(100, true)),
      Map.entry("^", new Op(100, true)), Map.entry("??", new Op(500, false)));

  /** Builtins taking a predicate: the argument kinds (e = expression, p = predicate, optional when upper-case). */
  static final Map<String, String> PREDICATES = Map.ofEntries(Map.entry("all", "ep"), Map.entry("none", "ep"),
      Map.entry("any", "ep"), Map.entry("one", "ep"), Map.entry("filter", "ep"), Map.entry("map", "ep"),
      Map.entry("count", "eP"), Map.entry("sum", "eP"), Map.entry("find", "ep"), Map.entry("findIndex", "ep"),
      Map.entry("findLast", "ep"), Map.entry("findLastIndex", "ep"), Map.entry("groupBy", "ep"), Map.entry("sortBy", "epE"),
      Map.entry("reduce", "epE"));

  private final List<Token> tokens;
  private int at;
  private Token current;
  private int depth;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
    this.current = tokens.get(0);
  }

  /** expr's DefaultMaxNodes. */
  static final int MAX_NODES = 10_000;

  static Node parse(String source) {
    Parser p = new Parser(Lexer.lex(source));
    Node node = p.parseSequenceExpression();
    if (!p.current.is(Kind.EOF)) throw p.error("unexpected token " + p.current);
    int[] nodes = {0};
    Optimizer.walk(node, n -> {
      nodes[0]++;
      return n;
    });
    if (nodes[0] > MAX_NODES) {
      throw new ExprException(ExprException.Stage.PARSE, "compilation failed: expression exceeds maximum allowed nodes");
    }
    return node;
  }

  private ExprException error(String message) {
    return new ExprException(ExprException.Stage.PARSE, message + " at position " + (current.pos() + 1));
  }

  private void next() {
    if (at < tokens.size() - 1) at++;
    current = tokens.get(at);
  }

  private void expect(Kind kind, String... values) {
    if (current.is(kind, values)) {
      next();
      return;
    }
    throw error("unexpected token " + current);
  }

  private Node parseSequenceExpression() {
    List<Node> nodes = new ArrayList<>();
    nodes.add(parseExpression(0));
    while (current.is(Kind.OPERATOR, ";")) {
      next();
      if (current.is(Kind.EOF)) break;
      nodes.add(parseExpression(0));
    }
    if (nodes.size() == 1) return nodes.get(0);
    return new SequenceNode(nodes).at(nodes.get(0).pos);
  }

  private Node parseExpression(int precedence) {
    if (precedence == 0 && current.is(Kind.OPERATOR, "let")) return parseVariableDeclaration();
    if (precedence == 0 && current.is(Kind.OPERATOR, "if")) return parseConditionalIf();
    Node left = parsePrimary();
    String prevOperator = "";
    Token opToken = current;
    while (opToken.is(Kind.OPERATOR)) {
      boolean negate = opToken.is(Kind.OPERATOR, "not");
      if (negate) {
        int backup = at;
        next();
        if (List.of("contains", "matches", "startsWith", "endsWith", "in").contains(current.value())) {
          Op op = BINARY.get(current.value());
          if (op != null && op.precedence() >= precedence) {
            opToken = current;
          } else {
            at = backup;
            current = tokens.get(at);
            break;
          }
        } else {
          throw error("unexpected token " + current);
        }
      }
      Op op = BINARY.get(opToken.value());
      if (op == null || op.precedence() < precedence) break;
      next();
      if (opToken.value().equals("|")) {
        Token ident = current;
        expect(Kind.IDENTIFIER);
        List<Node> args = new ArrayList<>();
        args.add(left);
        left = parseCall(ident, args);
      } else {
        if (prevOperator.equals("??") && !opToken.value().equals("??") && !opToken.is(Kind.BRACKET, "(")) {
          throw new ExprException(ExprException.Stage.PARSE, "Operator (" + opToken.value()
              + ") and coalesce expressions (??) cannot be mixed. Wrap either by parentheses. At position " + (opToken.pos() + 1));
        }
        if (isComparison(opToken.value())) {
          left = parseComparison(left, opToken, op.precedence());
        } else {
          Node right = parseExpression(op.rightAssociative() ? op.precedence() : op.precedence() + 1);
          left = new BinaryNode(opToken.value(), left, right).at(opToken.pos());
          if (negate) left = new UnaryNode("not", left).at(opToken.pos());
        }
      }
      prevOperator = opToken.value();
      opToken = current;
    }
    if (precedence == 0) left = parseConditional(left);
    return left;
  }

  private static boolean isComparison(String op) {
    return op.equals("<") || op.equals(">") || op.equals(">=") || op.equals("<=");
  }

  private Node parseVariableDeclaration() {
    expect(Kind.OPERATOR, "let");
    Token name = current;
    expect(Kind.IDENTIFIER);
    expect(Kind.OPERATOR, "=");
    Node value = parseExpression(0);
    expect(Kind.OPERATOR, ";");
    Node body = parseSequenceExpression();
    return new VariableDeclaratorNode(name.value(), value, body).at(name.pos());
  }

  private Node parseConditionalIf() {
    int pos = current.pos();
    next();
    Node cond = parseExpression(0);
    expect(Kind.BRACKET, "{");
    Node e1 = parseSequenceExpression();
    expect(Kind.BRACKET, "}");
    expect(Kind.OPERATOR, "else");
    Node e2;
    if (current.is(Kind.OPERATOR, "if")) {
      e2 = parseConditionalIf();
    } else {
      expect(Kind.BRACKET, "{");
      e2 = parseSequenceExpression();
      expect(Kind.BRACKET, "}");
    }
    return new ConditionalNode(cond, e1, e2).at(pos);
  }

  private Node parseConditional(Node node) {
    while (current.is(Kind.OPERATOR, "?")) {
      next();
      Node e1;
      Node e2;
      if (!current.is(Kind.OPERATOR, ":")) {
        e1 = parseExpression(0);
        expect(Kind.OPERATOR, ":");
        e2 = parseExpression(0);
      } else {
        next();
        e1 = node;
        e2 = parseExpression(0);
      }
      node = new ConditionalNode(node, e1, e2).at(current.pos());
    }
    return node;
  }

  private Node parsePrimary() {
    Token token = current;
    if (token.is(Kind.OPERATOR) && UNARY.containsKey(token.value())) {
      next();
      Node expr = parseExpression(UNARY.get(token.value()));
      return parsePostfixExpression(new UnaryNode(token.value(), expr).at(token.pos()));
    }
    if (token.is(Kind.BRACKET, "(")) {
      next();
      Node expr = parseSequenceExpression();
      expect(Kind.BRACKET, ")");
      return parsePostfixExpression(expr);
    }
    if (depth > 0 && (token.is(Kind.OPERATOR, "#") || token.is(Kind.OPERATOR, "."))) {
      String name = "";
      if (token.is(Kind.OPERATOR, "#")) {
        next();
        if (current.is(Kind.IDENTIFIER)) {
          name = current.value();
          next();
        }
      }
      return parsePostfixExpression(new PointerNode(name).at(token.pos()));
    }
    if (token.is(Kind.OPERATOR, "::")) {
      next();
      token = current;
      expect(Kind.IDENTIFIER);
      return parsePostfixExpression(parseCall(token, new ArrayList<>()));
    }
    return parseSecondary();
  }

  private Node parseSecondary() {
    Token token = current;
    Node node;
    switch (token.kind()) {
      case IDENTIFIER -> {
        next();
        switch (token.value()) {
          case "true":
            return new BoolNode(true).at(token.pos());
          case "false":
            return new BoolNode(false).at(token.pos());
          case "nil":
            return new NilNode().at(token.pos());
          default:
            node = current.is(Kind.BRACKET, "(") ? parseCall(token, new ArrayList<>())
                : new IdentifierNode(token.value()).at(token.pos());
        }
      }
      case NUMBER -> {
        next();
        return number(token);
      }
      case STRING -> {
        next();
        node = new StringNode(token.value()).at(token.pos());
      }
      default -> {
        if (token.is(Kind.BRACKET, "[")) {
          node = parseArrayExpression(token);
        } else if (token.is(Kind.BRACKET, "{")) {
          node = parseMapExpression(token);
        } else {
          throw error("unexpected token " + token);
        }
      }
    }
    return parsePostfixExpression(node);
  }

  private Node number(Token token) {
    String value = token.value().replace("_", "");
    String lower = value.toLowerCase();
    try {
      if (lower.startsWith("0x")) return new IntegerNode(Strings.parseInt(value.substring(2), 16)).at(token.pos());
      if (lower.contains(".") || lower.contains("e")) {
        double d = Strings.parseFloat(value);
        return new FloatNode(d).at(token.pos());
      }
      if (lower.startsWith("0b")) return new IntegerNode(Strings.parseInt(value.substring(2), 2)).at(token.pos());
      if (lower.startsWith("0o")) return new IntegerNode(Strings.parseInt(value.substring(2), 8)).at(token.pos());
      return new IntegerNode(Strings.parseInt(value, 10)).at(token.pos());
    } catch (NumberFormatException e) {
      throw error("invalid number literal " + token.value() + ": " + e.getMessage());
    }
  }

  private Node parseCall(Token token, List<Node> arguments) {
    String name = token.value();
    String kinds = PREDICATES.get(name);
    if (kinds != null) {
      expect(Kind.BRACKET, "(");
      String args = kinds.substring(arguments.size());
      for (int i = 0; i < args.length(); i++) {
        char arg = args.charAt(i);
        boolean optional = Character.isUpperCase(arg);
        if (optional) {
          if (current.is(Kind.BRACKET, ")")) break;
        } else if (current.is(Kind.BRACKET, ")")) {
          throw error("expected at least " + args.length() + " arguments");
        }
        if (i > 0) expect(Kind.OPERATOR, ",");
        arguments.add(Character.toLowerCase(arg) == 'e' ? parseExpression(0) : parsePredicate());
      }
      if (current.is(Kind.OPERATOR, ",")) next();
      expect(Kind.BRACKET, ")");
      return new BuiltinNode(name, arguments).at(token.pos());
    }
    if (Builtins.NAMES.contains(name)) return new BuiltinNode(name, parseArguments(arguments)).at(token.pos());
    return new CallNode(new IdentifierNode(name).at(token.pos()), parseArguments(arguments)).at(token.pos());
  }

  private List<Node> parseArguments(List<Node> arguments) {
    int offset = arguments.size();
    expect(Kind.BRACKET, "(");
    while (!current.is(Kind.BRACKET, ")")) {
      if (arguments.size() > offset) expect(Kind.OPERATOR, ",");
      if (current.is(Kind.BRACKET, ")")) break;
      arguments.add(parseExpression(0));
    }
    expect(Kind.BRACKET, ")");
    return arguments;
  }

  private Node parsePredicate() {
    Token start = current;
    boolean brackets = false;
    if (current.is(Kind.BRACKET, "{")) {
      next();
      brackets = true;
    }
    depth++;
    Node node;
    if (brackets) {
      node = parseSequenceExpression();
    } else {
      node = parseExpression(0);
      if (current.is(Kind.OPERATOR, ";")) throw error("wrap predicate with brackets { and }");
    }
    depth--;
    if (brackets) expect(Kind.BRACKET, "}");
    return new PredicateNode(node).at(start.pos());
  }

  private Node parseArrayExpression(Token token) {
    List<Node> nodes = new ArrayList<>();
    expect(Kind.BRACKET, "[");
    while (!current.is(Kind.BRACKET, "]")) {
      if (!nodes.isEmpty()) {
        expect(Kind.OPERATOR, ",");
        if (current.is(Kind.BRACKET, "]")) break;
      }
      nodes.add(parseExpression(0));
    }
    expect(Kind.BRACKET, "]");
    return new ArrayNode(nodes).at(token.pos());
  }

  private Node parseMapExpression(Token token) {
    expect(Kind.BRACKET, "{");
    List<PairNode> pairs = new ArrayList<>();
    while (!current.is(Kind.BRACKET, "}")) {
      if (!pairs.isEmpty()) {
        expect(Kind.OPERATOR, ",");
        if (current.is(Kind.BRACKET, "}")) break;
        if (current.is(Kind.OPERATOR, ",")) throw error("unexpected token " + current);
      }
      Node key;
      if (current.is(Kind.NUMBER) || current.is(Kind.STRING) || current.is(Kind.IDENTIFIER)) {
        key = new StringNode(current.value()).at(current.pos());
        next();
      } else if (current.is(Kind.BRACKET, "(")) {
        key = parseExpression(0);
      } else {
        throw error("a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses"
            + " (unexpected token " + current + ")");
      }
      expect(Kind.OPERATOR, ":");
      Node value = parseExpression(0);
      pairs.add((PairNode) new PairNode(key, value).at(token.pos()));
    }
    expect(Kind.BRACKET, "}");
    return new MapNode(pairs).at(token.pos());
  }

  private Node parsePostfixExpression(Node node) {
    Token postfix = current;
    while (postfix.is(Kind.OPERATOR) || postfix.is(Kind.BRACKET)) {
      boolean optional = postfix.value().equals("?.");
      boolean handled = false;
      if (postfix.value().equals(".") || postfix.value().equals("?.")) {
        next();
        Token property = current;
        if (optional && property.is(Kind.BRACKET, "[")) {
          postfix = property;
        } else {
          next();
          if (property.kind() != Kind.IDENTIFIER && (property.kind() != Kind.OPERATOR || !validIdentifier(property.value()))) {
            throw error("expected name");
          }
          boolean isChain = node instanceof ChainNode;
          if (isChain) node = ((ChainNode) node).node;
          MemberNode member = (MemberNode) new MemberNode(node, new StringNode(property.value()).at(property.pos()), optional)
              .at(property.pos());
          if (current.is(Kind.BRACKET, "(")) {
            member.method = true;
            node = new CallNode(member, parseArguments(new ArrayList<>())).at(property.pos());
          } else {
            node = member;
          }
          if (isChain || optional) node = new ChainNode(node).at(property.pos());
          handled = true;
        }
      }
      if (!handled && postfix.value().equals("[")) {
        next();
        if (current.is(Kind.OPERATOR, ":")) {
          next();
          Node to = current.is(Kind.BRACKET, "]") ? null : parseExpression(0);
          node = new SliceNode(node, null, to).at(postfix.pos());
          expect(Kind.BRACKET, "]");
        } else {
          Node from = parseExpression(0);
          if (current.is(Kind.OPERATOR, ":")) {
            next();
            Node to = current.is(Kind.BRACKET, "]") ? null : parseExpression(0);
            node = new SliceNode(node, from, to).at(postfix.pos());
            expect(Kind.BRACKET, "]");
          } else {
            node = new MemberNode(node, from, optional).at(postfix.pos());
            if (optional) node = new ChainNode(node).at(postfix.pos());
            expect(Kind.BRACKET, "]");
          }
        }
        handled = true;
      }
      if (!handled) break;
      postfix = current;
    }
    return node;
  }

  private static boolean validIdentifier(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); ) {
      int r = s.codePointAt(i);
      if (!(i == 0 ? Lexer.isAlphabetic(r) : Lexer.isAlphaNumeric(r))) return false;
      i += Character.charCount(r);
    }
    return true;
  }

  private Node parseComparison(Node left, Token token, int precedence) {
    Node root = null;
    while (true) {
      Node comparator = parseExpression(precedence + 1);
      Node cmp = new BinaryNode(token.value(), left, comparator).at(token.pos());
      root = root == null ? cmp : new BinaryNode("&&", root, cmp).at(token.pos());
      left = comparator;
      token = current;
      if (!(token.is(Kind.OPERATOR) && isComparison(token.value()))) break;
      next();
    }
    return root;
  }
}
