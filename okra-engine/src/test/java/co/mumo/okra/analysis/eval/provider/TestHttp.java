package co.mumo.okra.analysis.eval.provider;

import co.mumo.okra.outbound.OutboundHttp;
import co.mumo.okra.policy.AnalysisPolicy;
import java.util.Optional;

/** Outbound HTTP for tests whose servers listen on loopback: the owner policy allows loopback, nothing else changes. */
public final class TestHttp {
  public static final AnalysisPolicy LOOPBACK = new AnalysisPolicy(Optional.empty(), true, false, false);

  private TestHttp() {}

  public static OutboundHttp loopback() {
    return new OutboundHttp(LOOPBACK);
  }
}
