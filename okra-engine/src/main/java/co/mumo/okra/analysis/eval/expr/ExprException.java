package co.mumo.okra.analysis.eval.expr;

/** A condition that expr-lang would not run: a syntax error, a type error found when compiling, or a runtime error. */
public final class ExprException extends RuntimeException {
  /** When expr reports it: parsing, compiling (type checking, optimising) or running. */
  public enum Stage { PARSE, COMPILE, RUN }

  private final Stage stage;

  public ExprException(Stage stage, String message) {
    super(message);
    this.stage = stage;
  }

  public Stage stage() {
    return stage;
  }

  static ExprException run(String message) {
    return new ExprException(Stage.RUN, message);
  }
}
