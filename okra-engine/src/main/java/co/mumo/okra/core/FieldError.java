package co.mumo.okra.core;

/** A problem with one field of a resource, named by its path, e.g. {@code spec.replicas}. */
public record FieldError(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
