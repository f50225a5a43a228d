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
import com.google.re2j.PatternSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a checked, optimised tree as expr-lang's VM would: the same values, the same panics (as RUN errors). */
final class Interpreter {
  /** A Go function value in the env ({@code asInt}, {@code default}, ...). */
  interface GoFunc {
    Object call(List<Object> args);
  }

  private static final class Scope {
    final Object collection;
    final int length;
    int index;
    Object acc;

    Scope(Object collection) {
      this.collection = collection;
      if (collection instanceof List<?> l) {
        length = l.size();
      } else if (collection instanceof Map<?, ?> m) {
        length = m.size();
      } else if (collection instanceof String s) {
        length = s.getBytes(StandardCharsets.UTF_8).length;
      } else {
        throw Runtime.panic(collection == null ? "reflect: call of reflect.Value.Len on zero Value"
            : "reflect: call of reflect.Value.Len on " + Runtime.typeName(collection) + " Value");
      }
    }

    Object element() {
      if (collection instanceof List<?> l) return l.get(index);
      if (collection instanceof String s) return (long) (s.getBytes(StandardCharsets.UTF_8)[index] & 0xff);
      throw Runtime.panic("reflect: call of reflect.Value.Index on map Value");
    }
  }

  /** An optional chain met nil: the whole chain is nil. */
  private static final class ChainNil extends RuntimeException {
    ChainNil() {
      super(null, null, false, false);
    }
  }

  private final Map<String, Object> env;
  private final Deque<Scope> scopes = new ArrayDeque<>();
  private final List<Map.Entry<String, Object>> vars = new ArrayList<>();

  Interpreter(Map<String, Object> env) {
    this.env = env;
  }

  Object run(Node node) {
    return eval(node);
  }

  private Object eval(Node node) {
    if (node instanceof NilNode) return null;
    if (node instanceof IdentifierNode n) return identifier(n);
    if (node instanceof IntegerNode n) return n.value;
    if (node instanceof FloatNode n) return n.value;
    if (node instanceof BoolNode n) return n.value;
    if (node instanceof StringNode n) return n.value;
    if (node instanceof ConstantNode n) return n.value;
    if (node instanceof UnaryNode n) return unary(n);
    if (node instanceof BinaryNode n) return binary(n);
    if (node instanceof ChainNode n) {
      try {
        return eval(n.node);
      } catch (ChainNil nil) {
        return null;
      }
    }
    if (node instanceof MemberNode n) return member(n);
    if (node instanceof SliceNode n) {
      Object base = eval(n.node);
      Object to = n.to == null ? Runtime.lenForSlice(base) : eval(n.to);
      Object from = n.from == null ? 0L : eval(n.from);
      return Runtime.slice(base, from, to);
    }
    if (node instanceof CallNode n) return call(n);
    if (node instanceof BuiltinNode n) return builtin(n);
    if (node instanceof PredicateNode n) return eval(n.node);
    if (node instanceof PointerNode n) return pointer(n);
    if (node instanceof VariableDeclaratorNode n) {
      vars.add(Map.entry(n.name, box(eval(n.value))));
      try {
        return eval(n.expr);
      } finally {
        vars.remove(vars.size() - 1);
      }
    }
    if (node instanceof SequenceNode n) {
      Object last = null;
      for (Node x : n.nodes) last = eval(x);
      return last;
    }
    if (node instanceof ConditionalNode n) {
      return Runtime.toBool(eval(n.cond), "") ? eval(n.exp1) : eval(n.exp2);
    }
    if (node instanceof ArrayNode n) {
      List<Object> out = new ArrayList<>(n.nodes.size());
      for (Node x : n.nodes) out.add(eval(x));
      return out;
    }
    if (node instanceof MapNode n) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (PairNode p : n.pairs) {
        Object k = eval(p.key);
        if (!(k instanceof String s)) throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(k) + ", not string");
        out.put(s, eval(p.value));
      }
      return out;
    }
    throw new IllegalStateException("undefined node type " + node.getClass().getSimpleName());
  }

  private static final Object NIL = new Object();

  private static Object box(Object v) {
    return v == null ? NIL : v;
  }

  private Object identifier(IdentifierNode n) {
    for (int i = vars.size() - 1; i >= 0; i--) {
      if (vars.get(i).getKey().equals(n.value)) {
        Object v = vars.get(i).getValue();
        return v == NIL ? null : v;
      }
    }
    if (n.value.equals("$env")) return new LinkedHashMap<>(env);
    return env.get(n.value);
  }

  private Object unary(UnaryNode n) {
    Object v = eval(n.node);
    return switch (n.operator) {
      case "!", "not" -> !Runtime.toBool(v, "");
      case "-" -> Runtime.negate(v);
      default -> v;
    };
  }

  private Object binary(BinaryNode n) {
    switch (n.operator) {
      case "or", "||": {
        Object l = eval(n.left);
        return Runtime.toBool(l, "") ? l : eval(n.right);
      }
      case "and", "&&": {
        Object l = eval(n.left);
        return !Runtime.toBool(l, "") ? l : eval(n.right);
      }
      case "??": {
        Object l = eval(n.left);
        return l != null ? l : eval(n.right);
      }
      default:
        break;
    }
    Object l = eval(n.left);
    if (n.operator.equals("matches") && n.right instanceof StringNode s) {
      if (l == null) return false;
      if (!(l instanceof String text)) throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(l) + ", not []uint8");
      return Regexes.find(s.value, text);
    }
    Object r = eval(n.right);
    switch (n.operator) {
      case "==", "!=": {
        // expr compiles == of two int (or two string) typed operands to OpEqualInt (OpEqualString), which
        // asserts the runtime values are exactly that: max(1, 0.5) is typed int and holds a float64.
        // (only for Go's own int and string: a named type from a package, like types.StatusCode, is not "simple")
        GoType lt = n.left.type;
        if (lt.equals(n.right.type) && (lt.equals(GoType.INT) || lt.equals(GoType.STRING))) {
          Class<?> want = lt.equals(GoType.INT) ? Long.class : String.class;
          String goName = lt.toString();
          for (Object v : new Object[] {l, r}) {
            if (!want.isInstance(v)) throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(v) + ", not " + goName);
          }
        }
        boolean eq = Runtime.equal(l, r);
        return n.operator.equals("==") == eq;
      }
      case "<", ">", "<=", ">=":
        return Runtime.compare(n.operator, l, r);
      case "+", "-", "*", "/", "%", "**", "^":
        return Runtime.arithmetic(n.operator, l, r);
      case "in":
        return Runtime.in(l, r);
      case "matches": {
        if (l == null || r == null) return false;
        if (!(r instanceof String pattern)) throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(r) + ", not string");
        if (!(l instanceof String text)) throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(l) + ", not []uint8");
        try {
          return Regexes.find(pattern, text);
        } catch (PatternSyntaxException e) {
          throw Runtime.panic("error parsing regexp: " + e.getDescription());
        }
      }
      case "contains", "startsWith", "endsWith": {
        if (l == null || r == null) return false;
        if (!(l instanceof String a)) throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(l) + ", not string");
        if (!(r instanceof String b)) throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(r) + ", not string");
        return n.operator.equals("contains") ? a.contains(b) : n.operator.equals("startsWith") ? a.startsWith(b) : a.endsWith(b);
      }
      case "..": {
        long from = Runtime.toInt(l);
        long to = Runtime.toInt(r);
        List<Object> out = new ArrayList<>();
        if (to - from + 1 > 1_000_000) throw Runtime.panic("memory budget exceeded"); // expr's DefaultMemoryBudget
        for (long i = from; i <= to; i++) out.add(i);
        return out;
      }
      default:
        throw Runtime.panic("unknown operator (" + n.operator + ")");
    }
  }

  private Object member(MemberNode n) {
    if (n.node instanceof IdentifierNode id && id.value.equals("$env") && n.property instanceof StringNode s) {
      return env.get(s.value);
    }
    Object base = eval(n.node);
    if (n.optional && base == null) throw new ChainNil();
    Object prop = eval(n.property);
    if (n.node.type.deref().isStruct() && base instanceof Map<?, ?> struct) return struct.get(prop);
    return Runtime.fetch(base, prop);
  }

  private Object call(CallNode n) {
    Object fn = eval(n.callee);
    List<Object> args = new ArrayList<>();
    for (Node a : n.arguments) args.add(eval(a));
    if (fn == null) throw Runtime.panic("invalid operation: cannot call nil");
    if (!(fn instanceof GoFunc f)) throw Runtime.panic("invalid operation: cannot call non-function of type " + Runtime.typeName(fn));
    return f.call(args);
  }

  private Object pointer(PointerNode n) {
    Scope s = scopes.peek();
    return switch (n.name) {
      case "index" -> (long) s.index;
      case "acc" -> s.acc;
      default -> s.element();
    };
  }

  private Object builtin(BuiltinNode n) {
    switch (n.name) {
      case "all", "none", "any", "one", "filter", "map", "count", "sum", "find", "findIndex", "findLast", "findLastIndex":
        return loop(n);
      default: {
        List<Object> args = new ArrayList<>();
        for (Node a : n.arguments) args.add(eval(a));
        return Builtins.call(n.name, args);
      }
    }
  }

  private Object loop(BuiltinNode n) {
    Scope s = new Scope(eval(n.arguments.get(0)));
    scopes.push(s);
    try {
      boolean backwards = n.name.equals("findLast") || n.name.equals("findLastIndex");
      Node predicate = n.arguments.size() > 1 ? n.arguments.get(1) : null;
      long count = 0;
      List<Object> out = new ArrayList<>();
      Object acc = 0L;
      for (int k = 0; k < s.length; k++) {
        s.index = backwards ? s.length - 1 - k : k;
        Object v = predicate == null ? s.element() : eval(predicate);
        switch (n.name) {
          case "all":
            if (!Runtime.toBool(v, "")) return false;
            break;
          case "none":
            if (Runtime.toBool(v, "")) return false;
            break;
          case "any":
            if (Runtime.toBool(v, "")) return true;
            break;
          case "one", "count":
            if (Runtime.toBool(v, "")) count++;
            break;
          case "filter":
            if (Runtime.toBool(v, "")) out.add(n.map == null ? s.element() : eval(n.map));
            break;
          case "map":
            out.add(v);
            break;
          case "sum":
            acc = Runtime.arithmetic("+", v, acc);
            break;
          default: // find, findIndex, findLast, findLastIndex
            if (Runtime.toBool(v, "")) {
              if (n.name.endsWith("Index")) return (long) s.index;
              return n.map == null ? s.element() : eval(n.map);
            }
            break;
        }
      }
      return switch (n.name) {
        case "all", "none" -> true;
        case "any" -> false;
        case "one" -> count == 1;
        case "count" -> count;
        case "filter", "map" -> out;
        case "sum" -> acc;
        case "findIndex", "findLastIndex" -> -1L;
        default -> {
          if (n.throwsWhenMissing) throw Runtime.panic("reflect: slice index out of range");
          yield null;
        }
      };
    } finally {
      scopes.pop();
    }
  }
}
