package co.mumo.okra.analysis.eval;

import co.mumo.okra.analysis.eval.expr.Expr;
import co.mumo.okra.analysis.eval.expr.ExprException;
import co.mumo.okra.analysis.eval.expr.GoValue;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A success or failure condition, judged as Argo Rollouts judges it: expr-lang (v1.17, the version Argo
 * v1.10 pins) compiled against {@code result} and Argo's functions, then run ({@link Expr}). Compiling
 * depends on the result's Go type, so a type error ({@code result == "1"} on a number) is an error of that
 * measurement, as in Argo.
 *
 * <p>{@link #parse} refuses a condition that no result could make valid (a syntax error, an unknown name
 * or function, a wrong number of arguments, a builtin Okra does not run): Argo would report an Error for
 * every measurement of it; Okra says so before any traffic moves.
 */
public final class Condition {
  private final String text;

  private Condition(String text) {
    this.text = text;
  }

  public static Condition parse(String text) {
    Objects.requireNonNull(text, "condition");
    if (text.isEmpty()) throw new ConditionSyntaxException("condition \"\": the condition is empty");
    try {
      Expr.checkForAnyResult(text);
    } catch (ExprException e) {
      throw new ConditionSyntaxException("condition \"" + text + "\": " + e.getMessage());
    }
    return new Condition(text);
  }

  public String text() {
    return text;
  }

  /** The value of the expression for a JSON-like {@code result} (numbers are float64, as Go decodes JSON). */
  public Object evaluate(Object result) {
    return evaluate(GoValue.json(result));
  }

  public Object evaluate(GoValue result) {
    try {
      return Expr.evaluate(text, result == null ? GoValue.json(null) : result);
    } catch (ExprException e) {
      throw new ConditionException(e.getMessage());
    }
  }

  /** Evaluates to a boolean, as Argo requires of a condition ("expected bool, but got float64" otherwise). */
  public boolean test(GoValue result) {
    Object v = evaluate(result);
    if (v instanceof Boolean b) return b;
    throw new ConditionException("expected bool, but got " + goType(v));
  }

  public boolean test(Object result) {
    return test(GoValue.json(result));
  }

  private static String goType(Object v) {
    if (v == null) return "<nil>";
    if (v instanceof Long) return "int";
    if (v instanceof Double) return "float64";
    if (v instanceof String) return "string";
    if (v instanceof List) return "[]interface {}";
    if (v instanceof Map) return "map[string]interface {}";
    return v.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return text;
  }

  /** No result could make the condition valid: refused when the template is read. */
  public static final class ConditionSyntaxException extends IllegalArgumentException {
    public ConditionSyntaxException(String message) {
      super(message);
    }
  }

  /** The condition cannot be judged on this result (a measurement Error in Argo's terms). */
  public static final class ConditionException extends RuntimeException {
    public ConditionException(String message) {
      super(message);
    }
  }
}
