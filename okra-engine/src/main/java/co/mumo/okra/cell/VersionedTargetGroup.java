package co.mumo.okra.cell;

import co.mumo.okra.core.Version;

/** A target group whose version label parsed. */
public record VersionedTargetGroup(String name, String arn, Version version) {}
