package co.mumo.okra.cell;

/** The Cell's phase, for humans and for the runner's exit code. */
public enum Phase {
  /** Nothing to roll out yet (no complete version). */
  Idle,
  /** Steps are being worked through. */
  Progressing,
  /** Waiting for a human: an indefinite pause, an inconclusive analysis, or {@code cell pause}. */
  Paused,
  /** The desired version has all the traffic. */
  Succeeded,
  /** A step failed: traffic went back to stable and the version is blocked. */
  Failed,
  /** The Cell (or what it refers to) cannot be acted on; nothing was changed. */
  Invalid;

  public boolean inRollout() {
    return this == Progressing || this == Paused;
  }

  public static Phase parse(String text) {
    if (text == null) return Idle;
    for (Phase p : values()) if (p.name().equalsIgnoreCase(text)) return p;
    return Idle;
  }
}
