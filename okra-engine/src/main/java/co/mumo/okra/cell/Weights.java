package co.mumo.okra.cell;

import java.util.ArrayList;
import java.util.List;

/** Splits traffic between the stable and the canary target groups so that the weights total exactly 100. */
public final class Weights {
  private Weights() {}

  /** One target group's share, with its role for status and progress output. */
  public record Share(VersionedTargetGroup group, Role role, int weight) {}

  public enum Role { STABLE, CANARY }

  /**
   * The canary gets {@code canaryPercent}, split evenly over its groups; the stable groups share the
   * rest. Remainders go one point each to the first groups in name order, e.g. 100 over 3 = 34/33/33.
   * With no stable groups left the canary takes everything: a rule never forwards to nothing.
   */
  public static List<Share> split(List<VersionedTargetGroup> stable, List<VersionedTargetGroup> canary, int canaryPercent) {
    if (canaryPercent < 0 || canaryPercent > 100) throw new IllegalArgumentException("canary percent must be 0..100");
    if (stable.isEmpty() && canary.isEmpty()) throw new IllegalArgumentException("no target groups to forward to");
    int canaryShare = stable.isEmpty() ? 100 : canary.isEmpty() ? 0 : canaryPercent;
    List<Share> out = new ArrayList<>();
    spread(stable, Role.STABLE, 100 - canaryShare, out);
    spread(canary, Role.CANARY, canaryShare, out);
    return out;
  }

  private static void spread(List<VersionedTargetGroup> groups, Role role, int total, List<Share> out) {
    if (groups.isEmpty()) return;
    int base = total / groups.size();
    int extra = total % groups.size();
    for (int i = 0; i < groups.size(); i++) {
      out.add(new Share(groups.get(i), role, base + (i < extra ? 1 : 0)));
    }
  }
}
