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
import co.mumo.okra.analysis.eval.expr.Ast.IntegerNode;
import co.mumo.okra.analysis.eval.expr.Ast.MapNode;
import co.mumo.okra.analysis.eval.expr.Ast.MemberNode;
import co.mumo.okra.analysis.eval.expr.Ast.Node;
import co.mumo.okra.analysis.eval.expr.Ast.PairNode;
import co.mumo.okra.analysis.eval.expr.Ast.PredicateNode;
import co.mumo.okra.analysis.eval.expr.Ast.SequenceNode;
import co.mumo.okra.analysis.eval.expr.Ast.SliceNode;
import co.mumo.okra.analysis.eval.expr.Ast.StringNode;
import co.mumo.okra.analysis.eval.expr.Ast.UnaryNode;
import co.mumo.okra.analysis.eval.expr.Ast.VariableDeclaratorNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The rewrites of expr-lang's optimizer (package {@code optimizer}) that change what a condition does, in
 * expr's order: {@code in [literals]} becomes a Go map lookup, constants fold ({@code x && false} is false
 * without evaluating x, {@code 1 % 0} is a compile error), {@code filter(...)[0]} becomes a find that stops
 * at the first match, and {@code all(x, p) && all(x, q)} becomes one pass.
 */
final class Optimizer {
  private boolean applied;

  private Optimizer() {}

  static Node optimize(Node root) {
    root = walk(root, Optimizer::inArray);
    for (int limit = 1000; limit >= 0; limit--) {
      Optimizer fold = new Optimizer();
      root = walk(root, fold::fold);
      if (!fold.applied) break;
    }
    root = walk(root, Optimizer::filterMap);
    root = walk(root, Optimizer::filterFirstLast);
    root = walk(root, Optimizer::predicateCombination);
    root = walk(root, Optimizer::sumArray);
    return root;
  }

  /** {@code sum([a, b, c])} (not all literals, or fold made it a constant) is {@code a + (b + c)}. */
  private static Node sumArray(Node node) {
    if (node instanceof BuiltinNode b && b.name.equals("sum") && b.arguments.size() == 1 && b.arguments.get(0) instanceof ArrayNode a
        && a.nodes.size() >= 2) {
      return typed(sumFold(a.nodes), node.type, node.pos);
    }
    return node;
  }

  private static Node sumFold(List<Node> nodes) {
    Node right = nodes.size() > 2 ? sumFold(nodes.subList(1, nodes.size())) : nodes.get(1);
    return new BinaryNode("+", nodes.get(0), right);
  }

  /** Post-order walk replacing each node by what {@code visit} returns, as expr's ast.Walk with Patch. */
  static Node walk(Node n, UnaryOperator<Node> visit) {
    if (n == null) return null;
    if (n instanceof UnaryNode u) {
      u.node = walk(u.node, visit);
    } else if (n instanceof BinaryNode b) {
      b.left = walk(b.left, visit);
      b.right = walk(b.right, visit);
    } else if (n instanceof ChainNode c) {
      c.node = walk(c.node, visit);
    } else if (n instanceof MemberNode m) {
      m.node = walk(m.node, visit);
      m.property = walk(m.property, visit);
    } else if (n instanceof SliceNode s) {
      s.node = walk(s.node, visit);
      s.from = walk(s.from, visit);
      s.to = walk(s.to, visit);
    } else if (n instanceof CallNode c) {
      c.callee = walk(c.callee, visit);
      c.arguments.replaceAll(a -> walk(a, visit));
    } else if (n instanceof BuiltinNode b) {
      b.arguments.replaceAll(a -> walk(a, visit));
    } else if (n instanceof PredicateNode p) {
      p.node = walk(p.node, visit);
    } else if (n instanceof VariableDeclaratorNode v) {
      v.value = walk(v.value, visit);
      v.expr = walk(v.expr, visit);
    } else if (n instanceof SequenceNode s) {
      s.nodes.replaceAll(a -> walk(a, visit));
    } else if (n instanceof ConditionalNode c) {
      c.cond = walk(c.cond, visit);
      c.exp1 = walk(c.exp1, visit);
      c.exp2 = walk(c.exp2, visit);
    } else if (n instanceof ArrayNode a) {
      a.nodes.replaceAll(x -> walk(x, visit));
    } else if (n instanceof MapNode m) {
      m.pairs.replaceAll(p -> (PairNode) walk(p, visit));
    } else if (n instanceof PairNode p) {
      p.key = walk(p.key, visit);
      p.value = walk(p.value, visit);
    }
    return visit.apply(n);
  }

  private static Node typed(Node n, GoType t, int pos) {
    n.type = t;
    n.pos = pos;
    return n;
  }

  private static Node inArray(Node node) {
    if (!(node instanceof BinaryNode b) || !b.operator.equals("in") || !(b.right instanceof ArrayNode array) || array.nodes.isEmpty()) {
      return node;
    }
    boolean leftIsInt = b.left.type.kind() == GoType.Kind.INT;
    if (leftIsInt && array.nodes.stream().allMatch(a -> a instanceof IntegerNode)) {
      Set<Object> keys = new HashSet<>();
      for (Node a : array.nodes) keys.add(((IntegerNode) a).value);
      b.right = typed(new ConstantNode(new Runtime.GoSet(keys, true)), GoType.mapOf(GoType.INT, GoType.ANY), array.pos);
      return b;
    }
    if (array.nodes.stream().allMatch(a -> a instanceof StringNode)) {
      Set<Object> keys = new HashSet<>();
      for (Node a : array.nodes) keys.add(((StringNode) a).value);
      b.right = typed(new ConstantNode(new Runtime.GoSet(keys, false)), GoType.mapOf(GoType.STRING, GoType.ANY), array.pos);
    }
    return node;
  }

  private Node patch(Node replacement, GoType type, Node old) {
    applied = true;
    return typed(replacement, type, old.pos);
  }

  private Node fold(Node node) {
    if (node instanceof UnaryNode u) {
      switch (u.operator) {
        case "-", "+" -> {
          boolean minus = u.operator.equals("-");
          if (u.node instanceof IntegerNode i) return patch(new IntegerNode(minus ? -i.value : i.value), GoType.INT, node);
          if (u.node instanceof FloatNode f) return patch(new FloatNode(minus ? -f.value : f.value), GoType.FLOAT64, node);
        }
        case "!", "not" -> {
          if (u.node instanceof BoolNode b) return patch(new BoolNode(!b.value), GoType.BOOL, node);
        }
        default -> {
        }
      }
      return node;
    }
    if (node instanceof BinaryNode b) return foldBinary(b);
    if (node instanceof ArrayNode a && !a.nodes.isEmpty()) {
      List<Object> values = new ArrayList<>();
      for (Node x : a.nodes) {
        if (x instanceof IntegerNode i) {
          values.add(i.value);
        } else if (x instanceof FloatNode f) {
          values.add(f.value);
        } else if (x instanceof StringNode s) {
          values.add(s.value);
        } else if (x instanceof BoolNode bo) {
          values.add(bo.value);
        } else {
          return node;
        }
      }
      return patch(new ConstantNode(values), GoType.ANY_SLICE, node);
    }
    if (node instanceof BuiltinNode f && f.name.equals("filter") && f.arguments.size() == 2
        && f.arguments.get(0) instanceof BuiltinNode base && base.name.equals("filter") && base.arguments.size() == 2) {
      Node both = new BinaryNode("&&", ((PredicateNode) base.arguments.get(1)).node, ((PredicateNode) f.arguments.get(1)).node);
      both.type = GoType.BOOL;
      BuiltinNode merged = new BuiltinNode("filter", new ArrayList<>(List.of(base.arguments.get(0), new PredicateNode(both))));
      return patch(merged, node.type, node);
    }
    return node;
  }

  private Node foldBinary(BinaryNode n) {
    Node l = n.left;
    Node r = n.right;
    switch (n.operator) {
      case "+", "-", "*", "/", "**", "^" -> {
        if (n.operator.equals("+") && l instanceof StringNode a && r instanceof StringNode b) {
          return patch(new StringNode(a.value + b.value), GoType.STRING, n);
        }
        if (l instanceof IntegerNode a && r instanceof IntegerNode b && !List.of("/", "**", "^").contains(n.operator)) {
          long v = switch (n.operator) {
            case "+" -> a.value + b.value;
            case "-" -> a.value - b.value;
            default -> a.value * b.value;
          };
          return patch(new IntegerNode(v), GoType.INT, n);
        }
        Double x = number(l);
        Double y = number(r);
        if (x != null && y != null) {
          double v = switch (n.operator) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> x / y;
            default -> Runtime.pow(x, y);
          };
          return patch(new FloatNode(v), GoType.FLOAT64, n);
        }
      }
      case "%" -> {
        if (l instanceof IntegerNode a && r instanceof IntegerNode b) {
          if (b.value == 0) throw new ExprException(ExprException.Stage.COMPILE, "integer divide by zero at position " + (n.pos + 1));
          return patch(new IntegerNode(a.value % b.value), GoType.INT, n);
        }
      }
      case "and", "&&" -> {
        if (l instanceof BoolNode a && a.value) return patchCopy(r, n);
        if (r instanceof BoolNode b && b.value) return patchCopy(l, n);
        if (l instanceof BoolNode a && !a.value || r instanceof BoolNode b && !b.value) return patch(new BoolNode(false), GoType.BOOL, n);
      }
      case "or", "||" -> {
        if (l instanceof BoolNode a && !a.value) return patchCopy(r, n);
        if (r instanceof BoolNode b && !b.value) return patchCopy(l, n);
        if (l instanceof BoolNode a && a.value || r instanceof BoolNode b && b.value) return patch(new BoolNode(true), GoType.BOOL, n);
      }
      case "==" -> {
        if (l instanceof IntegerNode a && r instanceof IntegerNode b) return patch(new BoolNode(a.value == b.value), GoType.BOOL, n);
        if (l instanceof StringNode a && r instanceof StringNode b) return patch(new BoolNode(a.value.equals(b.value)), GoType.BOOL, n);
        if (l instanceof BoolNode a && r instanceof BoolNode b) return patch(new BoolNode(a.value == b.value), GoType.BOOL, n);
      }
      default -> {
      }
    }
    return n;
  }

  /** expr's patchCopyType: the replacement keeps the replaced node's type. */
  private Node patchCopy(Node replacement, Node old) {
    applied = true;
    replacement.type = old.type;
    return replacement;
  }

  private static Double number(Node n) {
    if (n instanceof IntegerNode i) return (double) i.value;
    if (n instanceof FloatNode f) return f.value;
    return null;
  }

  /** {@code map(filter(xs, p), q)} is one filter that maps its matches with q (unless q uses #index). */
  private static Node filterMap(Node node) {
    if (node instanceof BuiltinNode m && m.name.equals("map") && m.arguments.size() == 2 && m.arguments.get(1) instanceof PredicateNode q
        && !usesIndex(q) && m.arguments.get(0) instanceof BuiltinNode f && f.name.equals("filter") && f.map == null) {
      BuiltinNode filter = new BuiltinNode("filter", f.arguments);
      filter.map = q.node;
      return typed(filter, node.type, node.pos);
    }
    return node;
  }

  private static boolean usesIndex(Node n) {
    boolean[] found = {false};
    walk(n, x -> {
      if (x instanceof Ast.PointerNode p && p.name.equals("index")) found[0] = true;
      return x;
    });
    return found[0];
  }

  /** Whether the tree runs one of expr's backward loops (findLast, findLastIndex, also from last(filter()) and filter()[-1]). */
  static boolean loopsBackwards(Node root) {
    boolean[] found = {false};
    walk(root, x -> {
      if (x instanceof BuiltinNode b && (b.name.equals("findLast") || b.name.equals("findLastIndex"))) found[0] = true;
      return x;
    });
    return found[0];
  }

  private static Node filterFirstLast(Node node) {
    if (node instanceof MemberNode m && !m.optional && m.property instanceof IntegerNode i && (i.value == 0 || i.value == -1)
        && m.node instanceof BuiltinNode f && f.name.equals("filter") && f.arguments.size() == 2) {
      BuiltinNode find = new BuiltinNode(i.value == 0 ? "find" : "findLast", f.arguments);
      find.throwsWhenMissing = true;
      find.map = f.map;
      return typed(find, node.type, node.pos);
    }
    if (node instanceof BuiltinNode b && (b.name.equals("first") || b.name.equals("last")) && b.arguments.size() == 1
        && b.arguments.get(0) instanceof BuiltinNode f && f.name.equals("filter") && f.arguments.size() == 2) {
      BuiltinNode find = new BuiltinNode(b.name.equals("first") ? "find" : "findLast", f.arguments);
      find.map = f.map;
      return typed(find, node.type, node.pos);
    }
    return node;
  }

  private static Node predicateCombination(Node node) {
    if (!(node instanceof BinaryNode op) || !List.of("and", "&&", "or", "||").contains(op.operator)) return node;
    if (!(op.left instanceof BuiltinNode left) || !(op.right instanceof BuiltinNode right) || !left.name.equals(right.name)) return node;
    String combined = switch (left.name) {
      case "all" -> op.operator.equals("and") || op.operator.equals("&&") ? op.operator : null;
      case "any" -> op.operator.equals("or") || op.operator.equals("||") ? op.operator : null;
      case "none" -> op.operator.equals("and") ? "or" : op.operator.equals("&&") ? "||" : null;
      default -> null;
    };
    if (combined == null || left.arguments.size() < 2 || right.arguments.size() < 2) return node;
    Node a = left.arguments.get(0);
    Node b = right.arguments.get(0);
    if (!a.type.sameGoType(b.type) || !Ast.print(a).equals(Ast.print(b))) return node;
    BinaryNode body = new BinaryNode(combined, ((PredicateNode) left.arguments.get(1)).node, ((PredicateNode) right.arguments.get(1)).node);
    body.type = GoType.BOOL;
    PredicateNode predicate = new PredicateNode(predicateCombination(body));
    return typed(new BuiltinNode(left.name, new ArrayList<>(List.of(a, predicate))), node.type, node.pos);
  }
}
