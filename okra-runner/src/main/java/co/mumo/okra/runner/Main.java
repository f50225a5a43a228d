package co.mumo.okra.runner;

/** Entry point of {@code java -jar okra-runner.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(OkraRunner.execute(args));
  }
}
