package co.mumo.okra.failure;

import java.util.Optional;

/**
 * Attached to a failure (as a suppressed exception) by the adapter that made the call, to say which
 * call it was, e.g. {@code ElasticLoadBalancingV2 DescribeRules at https://elasticloadbalancing.eu-west-1.amazonaws.com}.
 */
public interface CallLabel {
  /** The service and operation, e.g. {@code ElasticLoadBalancingV2 DescribeRules}. */
  String call();

  /** scheme://host[:port], when known. */
  Optional<String> endpoint();
}
