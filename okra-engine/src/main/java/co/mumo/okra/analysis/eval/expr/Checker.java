package co.mumo.okra.analysis.eval.expr;

import co.mumo.okra.analysis.eval.expr.Ast.ArrayNode;
import co.mumo.okra.analysis.eval.expr.Ast.BinaryNode;
import co.mumo.okra.analysis.eval.expr.Ast.BoolNode;
import co.mumo.okra.analysis.eval.expr.Ast.BuiltinNode;
import co.mumo.okra.analysis.eval.expr.Ast.CallNode;
import co.mumo.okra.analysis.eval.expr.Ast.ChainNode;
import co.mumo.okra.analysis.eval.expr.Ast.ConditionalNode;
import co.mumo.okra.analysis.eval.expr.Ast.ConstantNode;
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
import co.mumo.okra.analysis.eval.expr.GoType.Check;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import com.google.re2j.PatternSyntaxException;

/**
 * expr-lang's type checker (package {@code checker}) for an env whose variables have the given types: the
 * first error wins and is a compile error ("invalid operation: == (mismatched types float64 and string)").
 * It annotates every node with its type and, as expr does, turns integer literals passed to float
 * parameters into floats.
 */
final class Checker {
  private record Scope(GoType collection, Map<String, GoType> vars) {}

  private record Var(String name, GoType type) {}

  private final Map<String, GoType> env;
  private final Deque<Scope> predicates = new ArrayDeque<>();
  private final List<Var> vars = new ArrayList<>();
  private String error;

  private Checker(Map<String, GoType> env) {
    this.env = env;
  }

  /** Checks {@code root} (annotating it); throws the first error as a compile error. */
  static GoType check(Node root, Map<String, GoType> env) {
    Checker c = new Checker(env);
    GoType t = c.visit(root);
    if (c.error != null) throw new ExprException(ExprException.Stage.COMPILE, c.error);
    return t;
  }

  private GoType error(Node node, String message) {
    if (error == null) error = message + " at position " + (node.pos + 1);
    return GoType.UNKNOWN;
  }

  private GoType visit(Node node) {
    GoType t = visitNode(node);
    node.type = t;
    return t;
  }

  private GoType visitNode(Node node) {
    if (node instanceof NilNode) return GoType.NIL;
    if (node instanceof IdentifierNode n) return identifier(n);
    if (node instanceof IntegerNode) return GoType.INT;
    if (node instanceof FloatNode) return GoType.FLOAT64;
    if (node instanceof BoolNode) return GoType.BOOL;
    if (node instanceof StringNode) return GoType.STRING;
    if (node instanceof ConstantNode n) return n.type;
    if (node instanceof UnaryNode n) return unary(n);
    if (node instanceof BinaryNode n) return binary(n);
    if (node instanceof ChainNode n) return visit(n.node);
    if (node instanceof MemberNode n) return member(n);
    if (node instanceof SliceNode n) return slice(n);
    if (node instanceof CallNode n) return call(n);
    if (node instanceof BuiltinNode n) return builtin(n);
    if (node instanceof PredicateNode n) return predicate(n);
    if (node instanceof PointerNode n) return pointer(n);
    if (node instanceof VariableDeclaratorNode n) return let(n);
    if (node instanceof SequenceNode n) {
      GoType last = GoType.UNKNOWN;
      for (Node x : n.nodes) last = visit(x);
      return last;
    }
    if (node instanceof ConditionalNode n) return conditional(n);
    if (node instanceof ArrayNode n) return array(n);
    if (node instanceof MapNode n) {
      for (PairNode p : n.pairs) visit(p);
      return GoType.ANY_MAP;
    }
    if (node instanceof PairNode n) {
      visit(n.key);
      visit(n.value);
      return GoType.NIL;
    }
    throw new IllegalStateException("undefined node type " + node.getClass().getSimpleName());
  }

  private GoType identifier(IdentifierNode node) {
    for (int i = vars.size() - 1; i >= 0; i--) {
      if (vars.get(i).name().equals(node.value)) return vars.get(i).type();
    }
    if (node.value.equals("$env")) return GoType.UNKNOWN;
    GoType t = env.get(node.value);
    if (t != null) return t;
    if (Builtins.NAMES.contains(node.value) || Parser.PREDICATES.containsKey(node.value)) {
      return error(node, "Okra's evaluator does not support the builtin " + node.value + " used as a value");
    }
    return error(node, "unknown name " + node.value);
  }

  private GoType unary(UnaryNode node) {
    GoType t = visit(node.node).deref();
    switch (node.operator) {
      case "!", "not" -> {
        if (t.isBool() || t.isUnknown()) return GoType.BOOL;
      }
      case "+", "-" -> {
        if (t.isNumber()) return t;
        if (t.isUnknown()) return GoType.UNKNOWN;
      }
      default -> {
        return error(node, "unknown operator (" + node.operator + ")");
      }
    }
    return error(node, "invalid operation: " + node.operator + " (mismatched type " + t + ")");
  }

  private GoType binary(BinaryNode node) {
    GoType l = visit(node.left).deref();
    GoType r = visit(node.right).deref();
    switch (node.operator) {
      case "==", "!=" -> {
        if (l.comparableTo(r)) return GoType.BOOL;
      }
      case "or", "||", "and", "&&" -> {
        if (l.isBool() && r.isBool() || l.maybeCompatible(r, Check.BOOL)) return GoType.BOOL;
      }
      case "<", ">", ">=", "<=" -> {
        if (l.isNumber() && r.isNumber() || l.isString() && r.isString() || l.isTime() && r.isTime()
            || l.maybeCompatible(r, Check.NUMBER, Check.STRING, Check.TIME)) {
          return GoType.BOOL;
        }
      }
      case "-" -> {
        if (l.isNumber() && r.isNumber()) return l.promote(r);
        if (l.maybeCompatible(r, Check.NUMBER, Check.TIME)) return GoType.UNKNOWN;
      }
      case "*" -> {
        if (l.isNumber() && r.isNumber()) return l.promote(r);
        if (l.maybeCompatible(r, Check.NUMBER)) return GoType.UNKNOWN;
      }
      case "/", "**", "^" -> {
        if (l.isNumber() && r.isNumber() || l.maybeCompatible(r, Check.NUMBER)) return GoType.FLOAT64;
      }
      case "%" -> {
        if (l.isInteger() && r.isInteger() || l.maybeCompatible(r, Check.INTEGER)) return GoType.INT;
      }
      case "+" -> {
        if (l.isNumber() && r.isNumber()) return l.promote(r);
        if (l.isString() && r.isString()) return GoType.STRING;
        if (l.maybeCompatible(r, Check.NUMBER, Check.STRING, Check.TIME)) return GoType.UNKNOWN;
      }
      case "in" -> {
        if ((l.isString() || l.isUnknown()) && r.isStruct()) return GoType.BOOL;
        if (r.isMap()) {
          if (!l.isUnknown() && !l.assignableTo(r.key())) {
            return error(node, "cannot use " + l + " as type " + r.key() + " in map key");
          }
          return GoType.BOOL;
        }
        if (r.isArray()) {
          if (!l.comparableTo(r.elem())) return error(node, "cannot use " + l + " as type " + r.elem() + " in array");
          return GoType.BOOL;
        }
        if (l.isUnknown() && r.isAnyOf(Check.STRING, Check.ARRAY, Check.MAP)) return GoType.BOOL;
        if (r.isUnknown()) return GoType.BOOL;
      }
      case "matches" -> {
        if (node.right instanceof StringNode s) {
          try {
            Regexes.compile(s.value);
          } catch (PatternSyntaxException e) {
            return error(node, "error parsing regexp: " + e.getDescription());
          }
        }
        if (l.isString() && r.isString() || l.maybeCompatible(r, Check.STRING)) return GoType.BOOL;
      }
      case "contains", "startsWith", "endsWith" -> {
        if (l.isString() && r.isString() || l.maybeCompatible(r, Check.STRING)) return GoType.BOOL;
      }
      case ".." -> {
        if (l.isInteger() && r.isInteger() || l.maybeCompatible(r, Check.INTEGER)) return GoType.arrayOf(GoType.INT);
      }
      case "??" -> {
        if (l.isNil() && !r.isNil()) return r;
        if (!l.isNil() && r.isNil()) return l;
        if (l.isNil() && r.isNil()) return GoType.NIL;
        if (r.assignableTo(l)) return l;
        return GoType.UNKNOWN;
      }
      default -> {
        return error(node, "unknown operator (" + node.operator + ")");
      }
    }
    return error(node, "invalid operation: " + node.operator + " (mismatched types " + l + " and " + r + ")");
  }

  private GoType member(MemberNode node) {
    if (node.node instanceof IdentifierNode id && id.value.equals("$env")) {
      visit(node.node);
      visit(node.property);
      if (node.property instanceof StringNode name) {
        GoType t = env.get(name.value);
        if (t != null) return t;
        if (!node.optional) return error(node, "unknown name " + name.value);
      }
      return GoType.UNKNOWN;
    }
    GoType base = visit(node.node);
    GoType prop = visit(node.property);
    if (base.isUnknown()) return GoType.UNKNOWN;
    if (node.property instanceof StringNode name && base.isNil()) return error(node, "type nil has no field " + name.value);
    base = base.deref();
    switch (base.kind()) {
      case MAP -> {
        if (!prop.assignableTo(base.key()) && prop.deref().assignableTo(base.key())) prop = prop.deref();
        if (!prop.assignableTo(base.key()) && !prop.isUnknown()) {
          return error(node.property, "cannot use " + prop + " to get an element from " + base);
        }
        return base.elem();
      }
      case SLICE -> {
        prop = prop.deref();
        if (!prop.isInteger() && !prop.isUnknown()) {
          return error(node.property, "array elements can only be selected using an integer (got " + prop + ")");
        }
        return base.elem();
      }
      case STRUCT -> {
        if (node.property instanceof StringNode name) {
          GoType field = base.fields().get(name.value);
          if (field != null) return field;
          return error(node, "type " + base + " has no " + (node.method ? "method " : "field ") + name.value);
        }
      }
      default -> {
      }
    }
    if (node.property instanceof StringNode name) {
      return error(node, "type " + base + " has no " + (node.method ? "method " : "field ") + name.value);
    }
    return error(node, "type " + base + "[" + prop + "] is undefined");
  }

  private GoType slice(SliceNode node) {
    GoType t = visit(node.node);
    if (t.isUnknown()) return GoType.UNKNOWN;
    if (!t.isString() && !t.isArray()) return error(node, "cannot slice " + t);
    for (Node bound : new Node[] {node.from, node.to}) {
      if (bound == null) continue;
      GoType b = visit(bound).deref();
      if (!b.isInteger() && !b.isUnknown()) return error(bound, "non-integer slice index " + b);
    }
    return t;
  }

  private GoType call(CallNode node) {
    GoType fn = visit(node.callee);
    if (fn.isUnknown()) {
      for (Node a : node.arguments) visit(a);
      return GoType.UNKNOWN;
    }
    String name = node.callee instanceof IdentifierNode id ? id.value
        : node.callee instanceof MemberNode m && m.property instanceof StringNode s ? s.value : "function";
    if (fn.isNil()) return error(node, name + " is nil; cannot call nil as function");
    if (fn.isFunc()) {
      String err = checkArguments(name, fn, node.arguments, node);
      if (err != null) {
        if (error == null) error = err;
        return GoType.UNKNOWN;
      }
      return fn.out();
    }
    return error(node, fn + " is not callable");
  }

  /** expr's checkArguments: arity, then each argument against the parameter; integer literals to float parameters become floats. */
  private String checkArguments(String name, GoType fn, List<Node> args, Node node) {
    int numIn = fn.in().size();
    String err = null;
    if (fn.variadic()) {
      if (args.size() < numIn - 1) err = "not enough arguments to call " + name;
    } else {
      if (args.size() > numIn) err = "too many arguments to call " + name;
      if (args.size() < numIn) err = "not enough arguments to call " + name;
    }
    if (err != null) {
      for (Node a : args) visit(a);
      return err + " at position " + (node.pos + 1);
    }
    for (int i = 0; i < args.size(); i++) {
      GoType arg = visit(args.get(i));
      GoType in = fn.variadic() && i >= numIn - 1 ? fn.in().get(numIn - 1).elem() : fn.in().get(i);
      if (in.isFloat() && arg.isInteger()) {
        args.set(i, integersToFloats(args.get(i)));
        continue;
      }
      if (in.isInteger() && arg.isInteger()) continue;
      if (arg.isNil()) {
        if (in.isPointer() || in.kind() == GoType.Kind.INTERFACE) continue;
        return "cannot use nil as argument (type " + in + ") to call " + name + " at position " + (args.get(i).pos + 1);
      }
      boolean assignable = arg.assignableTo(in) || arg.isPointer() && arg.deref().assignableTo(in);
      if (!assignable && !arg.isUnknown()) {
        return "cannot use " + arg + " as argument (type " + in + ") to call " + name + " at position " + (args.get(i).pos + 1);
      }
    }
    return null;
  }

  private static Node integersToFloats(Node node) {
    if (node instanceof IntegerNode i) {
      Node f = new FloatNode(i.value).at(i.pos);
      f.type = GoType.FLOAT64;
      return f;
    }
    if (node instanceof UnaryNode u) {
      u.node = integersToFloats(u.node);
    } else if (node instanceof BinaryNode b && List.of("+", "-", "*").contains(b.operator)) {
      b.left = integersToFloats(b.left);
      b.right = integersToFloats(b.right);
    }
    return node;
  }

  private GoType predicateOf(BuiltinNode node, GoType collection, Map<String, GoType> vars) {
    predicates.push(new Scope(collection, vars));
    GoType p = visit(node.arguments.get(1));
    predicates.pop();
    return p;
  }

  private GoType collection(BuiltinNode node) {
    GoType c = visit(node.arguments.get(0)).deref();
    if (!c.isArray() && !c.isUnknown()) {
      error(node.arguments.get(0), "builtin " + node.name + " takes only array (got " + c + ")");
      return null;
    }
    return c;
  }

  private GoType builtin(BuiltinNode node) {
    switch (node.name) {
      case "all", "none", "any", "one", "filter", "find", "findLast", "findIndex", "findLastIndex", "count", "map", "sum" -> {
        GoType c = collection(node);
        if (c == null) return GoType.UNKNOWN;
        if (node.arguments.size() == 1) {
          if (node.name.equals("count")) return GoType.INT;
          return c.isUnknown() ? GoType.UNKNOWN : c.elem();
        }
        GoType out = predicateOf(node, c, node.name.equals("map") ? Map.of("index", GoType.INT) : Map.of());
        // a predicate of type nil is a Go func with no result
        if (out.isNil()) return error(node.arguments.get(1), "predicate should has one input and one output param");
        if (node.name.equals("map")) return GoType.arrayOf(out);
        if (node.name.equals("sum")) return out;
        if (!out.isBool() && !out.isUnknown()) {
          return error(node.arguments.get(1), "predicate should return boolean (got " + out + ")");
        }
        return switch (node.name) {
          case "filter" -> c.isUnknown() ? GoType.ANY_SLICE : GoType.arrayOf(c.elem());
          case "find", "findLast" -> c.isUnknown() ? GoType.UNKNOWN : c.elem();
          case "findIndex", "findLastIndex", "count" -> GoType.INT;
          default -> GoType.BOOL;
        };
      }
      default -> {
        if (!Builtins.SUPPORTED.contains(node.name)) {
          for (Node a : node.arguments) visit(a);
          return error(node, "Okra's evaluator does not support the builtin " + node.name + "()");
        }
        List<GoType> args = new ArrayList<>();
        for (Node a : node.arguments) {
          GoType t = visit(a);
          args.add(t.isUnknown() ? GoType.ANY : t.goType());
        }
        List<GoType> overloads = Builtins.overloads(node.name);
        if (overloads.isEmpty()) {
          try {
            return Builtins.validate(node.name, args);
          } catch (IllegalArgumentException e) {
            return error(node, e.getMessage());
          }
        }
        String last = null;
        for (GoType fn : overloads) {
          String err = checkArguments(node.name, fn, node.arguments, node);
          if (err == null) return fn.out();
          last = err;
        }
        if (error == null) error = last;
        return GoType.UNKNOWN;
      }
    }
  }

  private GoType predicate(PredicateNode node) {
    return visit(node.node);
  }

  private GoType pointer(PointerNode node) {
    if (predicates.isEmpty()) return error(node, "cannot use pointer accessor outside predicate");
    Scope scope = predicates.peek();
    if (node.name.isEmpty()) {
      if (scope.collection().isUnknown()) return GoType.UNKNOWN;
      if (scope.collection().isArray()) return scope.collection().elem();
      return error(node, "cannot use " + scope.collection() + " as array");
    }
    GoType v = scope.vars().get(node.name);
    if (v != null) return v;
    return error(node, "unknown pointer #" + node.name);
  }

  private GoType let(VariableDeclaratorNode node) {
    if (env.containsKey(node.name)) return error(node, "cannot redeclare " + node.name);
    if (Builtins.NAMES.contains(node.name) || Parser.PREDICATES.containsKey(node.name)) {
      return error(node, "cannot redeclare builtin " + node.name);
    }
    for (Var v : vars) if (v.name().equals(node.name)) return error(node, "cannot redeclare variable " + node.name);
    GoType value = visit(node.value);
    vars.add(new Var(node.name, value));
    GoType t = visit(node.expr);
    vars.remove(vars.size() - 1);
    return t;
  }

  private GoType conditional(ConditionalNode node) {
    GoType c = visit(node.cond).deref();
    if (!c.isBool() && !c.isUnknown()) return error(node.cond, "non-bool expression (type " + c + ") used as condition");
    GoType t1 = visit(node.exp1);
    GoType t2 = visit(node.exp2);
    if (t1.isNil() && !t2.isNil()) return t2;
    if (!t1.isNil() && t2.isNil()) return t1;
    if (t1.isNil() && t2.isNil()) return GoType.NIL;
    if (t1.assignableTo(t2)) {
      if (t1.isArray() && t2.isArray()) {
        if (!t1.elem().assignableTo(t2.elem()) || !t2.elem().assignableTo(t1.elem())) return GoType.ANY_SLICE;
      }
      return t1;
    }
    return GoType.UNKNOWN;
  }

  private GoType array(ArrayNode node) {
    GoType prev = GoType.UNKNOWN;
    boolean same = true;
    for (int i = 0; i < node.nodes.size(); i++) {
      GoType cur = visit(node.nodes.get(i));
      if (i > 0 && cur.kind() != prev.kind()) same = false;
      prev = cur;
    }
    return same ? GoType.arrayOf(prev) : GoType.ANY_SLICE;
  }
}
