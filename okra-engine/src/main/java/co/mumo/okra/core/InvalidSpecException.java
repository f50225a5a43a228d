package co.mumo.okra.core;

import java.util.List;
import java.util.stream.Collectors;

/** A resource that cannot be acted on as written. Terminal: reported, not retried. */
public class InvalidSpecException extends InputException {
  private final String resource;
  private final List<FieldError> errors;

  public InvalidSpecException(String resource, List<FieldError> errors) {
    super(resource + " is invalid: " + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    this.resource = resource;
    this.errors = List.copyOf(errors);
  }

  public String resource() {
    return resource;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
