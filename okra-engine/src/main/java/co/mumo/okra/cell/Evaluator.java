package co.mumo.okra.cell;

import java.util.Locale;

/**
 * Who judges an analysis: Argo Rollouts' controller (Okra creates the AnalysisRun and reads its verdict)
 * or Okra's own evaluator (Okra measures on each pass). Chosen per analysis step, then per Cell
 * (annotation), then by the runner's flag.
 */
public enum Evaluator {
  ARGO, OKRA;

  /** The names users write: {@code okra}, {@code argo} (or {@code argo-rollouts}). */
  public static Evaluator parse(String text) {
    return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
      case "okra" -> OKRA;
      case "argo", "argo-rollouts" -> ARGO;
      default -> throw new IllegalArgumentException("analysis evaluator must be okra or argo, got \"" + text + "\"");
    };
  }
}
