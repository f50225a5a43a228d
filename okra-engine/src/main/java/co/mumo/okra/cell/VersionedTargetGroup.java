package co.mumo.okra.cell;

/** A target group whose version label parsed. */
public record VersionedTargetGroup(String name, String arn, Version version) {}
