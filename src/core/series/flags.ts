/**
 * Per-point flags of chart series. MLflow keeps non-finite metric values (the file store writes
 * `nan` / `inf` / `-inf`; the SQLite store keeps NaN through `is_nan` but turns ±Infinity into
 * ±DBL_MAX; a tracking server answers "NaN" / "Infinity" / "-Infinity"), so a chart sees them. It
 * must show them as gaps and mark them, never drop them or draw them as a number: every series
 * shape here carries a parallel `flags` array.
 *
 * Flags are bits so that one gap marker can stand for several non-finite points of a downsampled
 * bucket (a NaN and a +Infinity in the same pixel column give NAN | POS_INF). The webview cannot
 * import core; its protocol module (src/protocol/metricsPanel.ts, PointFlag) restates these values.
 */

/** The point's value was NaN. */
export const FLAG_NAN = 1;
/** The point's value was +Infinity. */
export const FLAG_POS_INF = 2;
/** The point's value was -Infinity. */
export const FLAG_NEG_INF = 4;

/**
 * Not a value at all: the run logged nothing at this x of an aligned array (align.ts). A chart
 * joins its line across an absent point (uPlot: undefined) but breaks it at a non-finite one
 * (uPlot: null).
 */
export const FLAG_ABSENT = 8;

/** The flag of one value: 0 when finite. */
export function nonFiniteFlag(value: number): number {
  if (value - value === 0) return 0;
  if (value === Infinity) return FLAG_POS_INF;
  if (value === -Infinity) return FLAG_NEG_INF;
  return FLAG_NAN;
}
