package co.mumo.okra.policy;

/** Listener rule priorities {@code from..to}, both included; ALB's are 1..50000. */
public record PriorityRange(int from, int to) {
  public static final PriorityRange ALL = new PriorityRange(1, 50_000);

  public PriorityRange {
    if (from < 1 || to > 50_000 || from > to) {
      throw new IllegalArgumentException("a priority range must lie in 1..50000 with from <= to, got " + from + "-" + to);
    }
  }

  /** {@code "100-199"} or a single {@code "100"}. */
  public static PriorityRange parse(String text) {
    String t = text.trim();
    int dash = t.indexOf('-');
    try {
      if (dash < 0) {
        int p = Integer.parseInt(t);
        return new PriorityRange(p, p);
      }
      return new PriorityRange(Integer.parseInt(t.substring(0, dash).trim()), Integer.parseInt(t.substring(dash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a priority range (e.g. 100-199, or 100)", e);
    }
  }

  public boolean contains(int priority) {
    return priority >= from && priority <= to;
  }

  @Override
  public String toString() {
    return from == to ? String.valueOf(from) : from + "-" + to;
  }
}
