package co.mumo.okra.cell;

import co.mumo.okra.core.Version;
import java.util.Optional;

/**
 * One target group's weight in the listener rule as the pass read it from the ALB: what the ALB
 * carries, beside what the Cell wants. {@code name} and {@code version} when the ARN is one of the
 * Cell's AWSTargetGroups.
 */
public record AlbWeight(String arn, Optional<String> name, Optional<Version> version, int weight) {}
