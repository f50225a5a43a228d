package co.mumo.okra.runner;

import org.slf4j.LoggerFactory;

/** The runner's logging set up before anything logs. */
final class Logging {
  private Logging() {}

  /**
   * Binds SLF4J on the calling thread, before the threads a command starts (the AWS client built beside
   * the Kubernetes one, a pass's listeners in parallel) log: when several threads race the binding,
   * SLF4J queues their calls, replays them and says so on stderr. Its own remaining notices are kept
   * for errors.
   */
  static void initialise() {
    if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
    LoggerFactory.getILoggerFactory();
  }
}
