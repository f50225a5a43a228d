package co.mumo.okra.cell;

/** A condition the pass computed; transition times are added when it is recorded. */
public record CellCondition(String type, boolean status, String reason, String message) {}
