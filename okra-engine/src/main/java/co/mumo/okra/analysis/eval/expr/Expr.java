package co.mumo.okra.analysis.eval.expr;

import co.mumo.okra.analysis.eval.expr.Ast.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Argo Rollouts' {@code EvalCondition} (utils/evaluate): the condition compiled by expr-lang against an
 * env of {@code result} and Argo's functions ({@code asInt asFloat isNaN isInf isNil default}), then run.
 * Compiling depends on {@code result}'s Go type, so it happens per measurement, as in Argo.
 */
public final class Expr {
  private static final GoType ANY_TO_BOOL = GoType.func(List.of(GoType.ANY), GoType.BOOL, false);
  private static final GoType FLOAT_TO_BOOL = GoType.func(List.of(GoType.FLOAT64), GoType.BOOL, false);

  private Expr() {}

  /**
   * Parses and checks the condition against a {@code result} of unknown type: what fails here fails for
   * every result (a syntax error, an unknown name or function, a wrong argument count, ...).
   *
   * @throws ExprException at stage PARSE or COMPILE
   */
  public static void checkForAnyResult(String condition) {
    withStack(() -> compile(condition, GoType.ANY));
  }

  /** The value of the condition for this result (any type; Argo requires a bool of a condition). */
  public static Object evaluate(String condition, GoValue result) {
    return withStack(() -> new Interpreter(env(result)).run(compile(condition, result.type())));
  }

  /** Stack for expr's deepest trees (10,000 nodes, e.g. a long a + b + ... chain), which Go's growing stacks take. */
  private static final long DEEP_STACK_BYTES = 256L << 20;

  /**
   * Runs on the caller's thread, and again on a thread with a deep stack if that one was too shallow:
   * whatever a condition nests, Okra judges it (or reports it) instead of failing the pass.
   */
  private static <T> T withStack(Supplier<T> work) {
    try {
      return work.get();
    } catch (StackOverflowError shallow) {
      Object[] out = new Object[1];
      Throwable[] failed = new Throwable[1];
      Thread t = new Thread(null, () -> {
        try {
          out[0] = work.get();
        } catch (StackOverflowError | RuntimeException e) {
          failed[0] = e;
        }
      }, "okra-condition", DEEP_STACK_BYTES);
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExprException(ExprException.Stage.RUN, "interrupted");
      }
      if (failed[0] instanceof RuntimeException e) throw e;
      if (failed[0] != null) throw new ExprException(ExprException.Stage.PARSE, "the condition is nested too deeply for Okra's evaluator");
      @SuppressWarnings("unchecked")
      T result = (T) out[0];
      return result;
    }
  }

  private static Node compile(String condition, GoType resultType) {
    Node tree = Parser.parse(condition);
    Checker.check(tree, types(resultType));
    Node optimized = Optimizer.optimize(tree);
    if (Optimizer.loopsBackwards(optimized)) {
      // expr v1.17's backward loop leaves values on its VM's stack, so what such a condition computes
      // depends on its surroundings (e.g. "x >= last(filter(...))" compares true with the element).
      throw new ExprException(ExprException.Stage.COMPILE, BACKWARD_LOOP);
    }
    return optimized;
  }

  /** Why findLast, findLastIndex, last(filter(...)) and filter(...)[-1] are refused. */
  public static final String BACKWARD_LOOP = "findLast, findLastIndex, last(filter(...)) and filter(...)[-1] are refused: "
      + "expr v1.17 (Argo v1.10) runs them with a loop that corrupts its stack, so Argo's verdict on them is not reliable";

  private static Map<String, GoType> types(GoType result) {
    return Map.of("result", result,
        "asInt", GoType.func(List.of(GoType.ANY), GoType.INT64, false),
        "asFloat", GoType.func(List.of(GoType.ANY), GoType.FLOAT64, false),
        "isNaN", FLOAT_TO_BOOL,
        "isInf", FLOAT_TO_BOOL,
        "isNil", ANY_TO_BOOL,
        "default", GoType.func(List.of(GoType.ANY, GoType.ANY), GoType.ANY, false));
  }

  private static Map<String, Object> env(GoValue result) {
    boolean nil = result.isNil();
    Object value = result.value();
    HashMap<String, Object> env = new HashMap<>();
    env.put("result", value);
    env.put("asInt", (Interpreter.GoFunc) args -> new Runtime.Int64(asInt(args.get(0))));
    env.put("asFloat", (Interpreter.GoFunc) args -> asFloat(args.get(0)));
    env.put("isNaN", (Interpreter.GoFunc) args -> Double.isNaN(float64Argument(args.get(0))));
    env.put("isInf", (Interpreter.GoFunc) args -> Double.isInfinite(float64Argument(args.get(0))));
    env.put("isNil", (Interpreter.GoFunc) args -> nil);
    env.put("default", (Interpreter.GoFunc) args -> nil ? args.get(1) : value);
    return env;
  }

  /** isNaN and isInf are Go funcs of a float64: expr asserts the argument is one. */
  private static double float64Argument(Object v) {
    if (v instanceof Double d) return d;
    throw Runtime.panic("interface conversion: interface {} is " + Runtime.typeName(v) + ", not float64");
  }

  /** Argo's asInt: numbers converted as Go converts them, strings by strconv.ParseInt. */
  static long asInt(Object in) {
    if (in instanceof Double d) return Runtime.floatToInt(d);
    if (in instanceof Long l) return l;
    if (in instanceof Runtime.Int64 i) return i.value();
    if (in instanceof String s) {
      try {
        return Strings.parseInt(s, 10);
      } catch (NumberFormatException e) {
        throw Runtime.panic("strconv.ParseInt: parsing \"" + s + "\": " + e.getMessage());
      }
    }
    throw Runtime.panic("asInt() not supported on " + Runtime.typeName(in) + " " + Runtime.show(in));
  }

  /** Argo's asFloat: numbers as float64, strings by strconv.ParseFloat. */
  static double asFloat(Object in) {
    if (in instanceof Double d) return d;
    if (in instanceof Long l) return l;
    if (in instanceof Runtime.Int64 i) return i.value();
    if (in instanceof String s) {
      try {
        return Strings.parseFloat(s);
      } catch (NumberFormatException e) {
        throw Runtime.panic("strconv.ParseFloat: parsing \"" + s + "\": " + e.getMessage());
      }
    }
    throw Runtime.panic("asFloat() not supported on " + Runtime.typeName(in) + " " + Runtime.show(in));
  }
}
