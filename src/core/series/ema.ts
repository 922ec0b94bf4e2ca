/**
 * TensorBoard's smoothing slider: a debiased exponential moving average, value for value as
 * `classicSmoothing` in tensorflow/tensorboard
 * (tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts):
 *
 *   last = last × w + (1 − w) × y;  numAccum += 1;  smoothed = last / (1 − w^numAccum)
 *
 * starting from last = 0, where the divisor undoes the pull towards that 0 start. Its details,
 * kept here because they show on a chart:
 * - a weight that is not a finite number counts as 0, and weights are clamped to [0, 1];
 * - a non-finite value passes through unchanged (NaN stays NaN, ±Infinity stays ±Infinity) and
 *   neither moves the average nor counts in numAccum;
 * - a constant series (every y == the first, so one holding NaN never is) is returned as is;
 * - w = 1 divides by 1, which leaves every finite point at 0, as TensorBoard draws it.
 * Weight 0 is the identity (TensorBoard computes y + 0 × last, which differs only for −0).
 *
 * Smoothing is per point, so what it gives depends on which points it sees: smooth a full
 * history then downsample it (LTTB keeps the smoothed extremes), or smooth what is drawn, as
 * TensorBoard does with its sampled series; the two differ on long histories.
 */

/**
 * Smooths `ys` into `out` (a new array by default; `out` may be `ys` itself) and returns it.
 * Works on any slice of a series, for instance a window's ys.subarray(start, end).
 */
export function emaSmooth(ys: Float64Array, weight: number, out: Float64Array = new Float64Array(ys.length)): Float64Array {
  if (out.length !== ys.length) throw new RangeError(`out has ${out.length} points and ys ${ys.length}`);
  const w = Number.isFinite(weight) ? Math.max(0, Math.min(weight, 1)) : 0;
  if (w === 0 || isConstant(ys)) {
    if (out !== ys) out.set(ys);
    return out;
  }
  let last = 0;
  let numAccum = 0;
  // Once w^numAccum < 2^-54, 1 − w^numAccum rounds to exactly 1 and stays there (the power only
  // decreases): skipping Math.pow from then on changes no bit of the result.
  let debiased = w !== 1;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i]!;
    if (y - y !== 0) {
      out[i] = y;
      continue;
    }
    last = last * w + (1 - w) * y;
    numAccum++;
    if (debiased) {
      const debiasWeight = 1 - Math.pow(w, numAccum);
      if (debiasWeight === 1) debiased = false;
      out[i] = last / debiasWeight;
    } else {
      out[i] = last;
    }
  }
  return out;
}

/** TensorBoard's `series.points.every((point) => point.y == initialYVal)`. */
function isConstant(ys: Float64Array): boolean {
  if (ys.length === 0) return true;
  const first = ys[0]!;
  for (let i = 1; i < ys.length; i++) if (ys[i] !== first) return false;
  return first === first;
}
