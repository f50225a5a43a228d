package co.mumo.okra.cell;

/** The Cell's phase, for humans and for the runner's exit code. */
public enum Phase {
  /** Nothing to roll out yet (no complete version). */
  Idle,
  /** Steps are being worked through. */
  Progressing,
  /** Waiting for a human: an indefinite pause, an inconclusive analysis, or {@code cell pause}. */
  Paused,
  /**
   * One version is to get all the traffic (the last step passed, the first version, a fall-back, a manual
   * rollback): the weights are recorded and being applied; Succeeded once the ALB is seen to carry them.
   */
  Promoting,
  /** The desired version has all the traffic, as the ALB was seen to carry it. */
  Succeeded,
  /** A step failed: the version is blocked and traffic is going back to stable; Failed once the ALB carries that. */
  RollingBack,
  /** A step failed: traffic is back on stable, as the ALB was seen to carry it, and the version is blocked. */
  Failed,
  /** The Cell (or what it refers to) cannot be acted on; nothing was changed. */
  Invalid;

  public boolean inRollout() {
    return this == Progressing || this == Paused;
  }

  /** Final weights recorded, not yet seen on the ALB. */
  public boolean applying() {
    return this == Promoting || this == RollingBack;
  }

  /** A failed rollout, whether or not its rollback is on the ALB yet. */
  public boolean failed() {
    return this == Failed || this == RollingBack;
  }

  public static Phase parse(String text) {
    if (text == null) return Idle;
    for (Phase p : values()) if (p.name().equalsIgnoreCase(text)) return p;
    return Idle;
  }
}
