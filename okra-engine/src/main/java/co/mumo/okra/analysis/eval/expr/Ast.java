package co.mumo.okra.analysis.eval.expr;

import java.util.List;

/**
 * expr-lang's syntax tree (package {@code ast}), node for node. Nodes are mutable as in expr: the checker
 * records each node's type on it and turns integer literals passed to float parameters into floats, and
 * the optimizer replaces nodes.
 */
final class Ast {
  private Ast() {}

  abstract static class Node {
    /** Position in the condition (0-based, in characters), for messages. */
    int pos;
    /** Set by the checker. */
    GoType type = GoType.UNKNOWN;

    Node at(int p) {
      pos = p;
      return this;
    }
  }

  static final class NilNode extends Node {}

  static final class IdentifierNode extends Node {
    final String value;

    IdentifierNode(String value) {
      this.value = value;
    }
  }

  static final class IntegerNode extends Node {
    final long value;

    IntegerNode(long value) {
      this.value = value;
    }
  }

  static final class FloatNode extends Node {
    final double value;

    FloatNode(double value) {
      this.value = value;
    }
  }

  static final class BoolNode extends Node {
    final boolean value;

    BoolNode(boolean value) {
      this.value = value;
    }
  }

  static final class StringNode extends Node {
    final String value;

    StringNode(String value) {
      this.value = value;
    }
  }

  /** A value the optimizer computed (a folded array, an {@code in} set). */
  static final class ConstantNode extends Node {
    final Object value;

    ConstantNode(Object value) {
      this.value = value;
    }
  }

  static final class UnaryNode extends Node {
    final String operator;
    Node node;

    UnaryNode(String operator, Node node) {
      this.operator = operator;
      this.node = node;
    }
  }

  static final class BinaryNode extends Node {
    final String operator;
    Node left;
    Node right;

    BinaryNode(String operator, Node left, Node right) {
      this.operator = operator;
      this.left = left;
      this.right = right;
    }
  }

  /** Wraps an optional chain ({@code a?.b.c}): a nil anywhere in it makes the whole chain nil. */
  static final class ChainNode extends Node {
    Node node;

    ChainNode(Node node) {
      this.node = node;
    }
  }

  static final class MemberNode extends Node {
    Node node;
    Node property;
    final boolean optional;
    boolean method;

    MemberNode(Node node, Node property, boolean optional) {
      this.node = node;
      this.property = property;
      this.optional = optional;
    }
  }

  static final class SliceNode extends Node {
    Node node;
    Node from;
    Node to;

    SliceNode(Node node, Node from, Node to) {
      this.node = node;
      this.from = from;
      this.to = to;
    }
  }

  static final class CallNode extends Node {
    Node callee;
    final List<Node> arguments;

    CallNode(Node callee, List<Node> arguments) {
      this.callee = callee;
      this.arguments = arguments;
    }
  }

  static final class BuiltinNode extends Node {
    final String name;
    final List<Node> arguments;
    /** find() standing for filter()[0]: no match is an error, as the index would be. */
    boolean throwsWhenMissing;
    /** map() folded into a filter(): applied to each match. */
    Node map;

    BuiltinNode(String name, List<Node> arguments) {
      this.name = name;
      this.arguments = arguments;
    }
  }

  static final class PredicateNode extends Node {
    Node node;

    PredicateNode(Node node) {
      this.node = node;
    }
  }

  /** {@code #} (the element), {@code #index}, {@code #acc}; {@code .field} inside a predicate is {@code #.field}. */
  static final class PointerNode extends Node {
    final String name;

    PointerNode(String name) {
      this.name = name;
    }
  }

  static final class VariableDeclaratorNode extends Node {
    final String name;
    Node value;
    Node expr;

    VariableDeclaratorNode(String name, Node value, Node expr) {
      this.name = name;
      this.value = value;
      this.expr = expr;
    }
  }

  static final class SequenceNode extends Node {
    final List<Node> nodes;

    SequenceNode(List<Node> nodes) {
      this.nodes = nodes;
    }
  }

  static final class ConditionalNode extends Node {
    Node cond;
    Node exp1;
    Node exp2;

    ConditionalNode(Node cond, Node exp1, Node exp2) {
      this.cond = cond;
      this.exp1 = exp1;
      this.exp2 = exp2;
    }
  }

  static final class ArrayNode extends Node {
    final List<Node> nodes;

    ArrayNode(List<Node> nodes) {
      this.nodes = nodes;
    }
  }

  static final class MapNode extends Node {
    final List<PairNode> pairs;

    MapNode(List<PairNode> pairs) {
      this.pairs = pairs;
    }
  }

  static final class PairNode extends Node {
    Node key;
    Node value;

    PairNode(Node key, Node value) {
      this.key = key;
      this.value = value;
    }
  }

  /** The node as source text, for the optimizer's "same collection" test (expr's {@code Node.String()}). */
  static String print(Node n) {
    if (n == null) return "";
    if (n instanceof NilNode) return "nil";
    if (n instanceof IdentifierNode i) return i.value;
    if (n instanceof IntegerNode i) return Long.toString(i.value);
    if (n instanceof FloatNode f) return Double.toString(f.value);
    if (n instanceof BoolNode b) return Boolean.toString(b.value);
    if (n instanceof StringNode s) return '"' + s.value.replace("\"", "\\\"") + '"';
    if (n instanceof ConstantNode c) return String.valueOf(c.value);
    if (n instanceof UnaryNode u) return "(" + u.operator + " " + print(u.node) + ")";
    if (n instanceof BinaryNode b) return "(" + print(b.left) + " " + b.operator + " " + print(b.right) + ")";
    if (n instanceof ChainNode c) return print(c.node);
    if (n instanceof MemberNode m) return print(m.node) + (m.optional ? "?." : "") + "[" + print(m.property) + "]";
    if (n instanceof SliceNode s) return print(s.node) + "[" + print(s.from) + ":" + print(s.to) + "]";
    if (n instanceof CallNode c) return print(c.callee) + "(" + printAll(c.arguments) + ")";
    if (n instanceof BuiltinNode b) return b.name + "(" + printAll(b.arguments) + ")";
    if (n instanceof PredicateNode p) return "{" + print(p.node) + "}";
    if (n instanceof PointerNode p) return "#" + p.name;
    if (n instanceof VariableDeclaratorNode v) return "let " + v.name + " = " + print(v.value) + "; " + print(v.expr);
    if (n instanceof SequenceNode s) return printAll(s.nodes).replace(", ", "; ");
    if (n instanceof ConditionalNode c) return "(" + print(c.cond) + " ? " + print(c.exp1) + " : " + print(c.exp2) + ")";
    if (n instanceof ArrayNode a) return "[" + printAll(a.nodes) + "]";
    if (n instanceof MapNode m) return "{" + printAll(List.copyOf(m.pairs)) + "}";
    if (n instanceof PairNode p) return print(p.key) + ": " + print(p.value);
    return n.getClass().getSimpleName();
  }

  private static String printAll(List<? extends Node> nodes) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      if (i > 0) b.append(", ");
      b.append(print(nodes.get(i)));
    }
    return b.toString();
  }
}
