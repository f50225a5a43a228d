package co.mumo.okra.failure;

/** A failure to reach a server at all: which server, why, and what to check. */
public interface Unreachable {
  String server();

  String reason();

  String hint();

  /** The request that could not be made, in words (empty when unknown). */
  String call();
}
