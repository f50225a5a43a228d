package co.mumo.okra.cell;

/** An AnalysisRun or Experiment a Cell created, as observed. */
public record ChildRun(String name, String kind, RunPhase phase, String message) {}
