package co.mumo.okra.analysis.eval;

import co.mumo.okra.core.FieldError;
import co.mumo.okra.core.InputException;
import java.util.List;

/** An analysis that cannot run as written; every problem is named by its field. Terminal: not retried. */
public final class InvalidAnalysisException extends InputException {
  private final List<FieldError> errors;

  public InvalidAnalysisException(List<FieldError> errors) {
    super(String.join("; ", errors.stream().map(FieldError::toString).toList()));
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
