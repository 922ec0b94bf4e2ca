/**
 * Downsampling of one metric history for a line chart: Largest-Triangle-Three-Buckets (Steinarsson,
 * "Downsampling Time Series for Visual Representation", 2013) with each bucket's minimum and
 * maximum kept as well, so a spike or a dip narrower than a pixel is never smoothed away (plain
 * LTTB keeps one point per bucket and can miss both extremes of a noisy bucket).
 *
 * Invariants of the output (property-tested in test/unit/seriesLttb.test.ts):
 * - the first and the last point of the range are always kept;
 * - points are kept in source order, each at most once, so x is non-decreasing when the input is
 *   (ties, as several values logged at one step, stay in their order);
 * - every bucket keeps its finite minimum and maximum (first occurrence) and its LTTB point;
 * - non-finite values are never used in a triangle or an average and never dropped: each bucket
 *   that holds any keeps its first one as a gap marker (y = NaN) whose flags are the union of the
 *   kinds found in the bucket (flags.ts);
 * - with no more points than the target, every point is returned (only ±Infinity become NaN).
 *
 * Speed: two reads of each point (once for the next bucket's average, once for the areas), no
 * allocation per point or per bucket; about a dozen arithmetic operations per point.
 */
import { nonFiniteFlag } from './flags.js';

/** A chart-ready series: `y` is NaN wherever `flags` is non-zero. */
export interface Downsampled {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Index of each kept point in the input arrays (not relative to a range's start). */
  readonly sourceIndex: Uint32Array;
  /** 0 for a finite point, else FLAG_NAN | FLAG_POS_INF | FLAG_NEG_INF bits. */
  readonly flags: Uint8Array;
}

/** A half-open range of indices [start, end) of the input arrays. */
export interface IndexRange {
  readonly start: number;
  readonly end: number;
}

/** Smaller targets are raised to this: the first, the last and one bucket's three points. */
export const MIN_TARGET = 5;

/**
 * Buckets for a target of `target` output points: each bucket keeps up to three finite points
 * (LTTB, min, max), so a finite series never exceeds the target. A gap marker adds at most one
 * point per bucket: the worst case is 2 + 4 × buckets.
 */
export function bucketCount(target: number): number {
  return Math.max(1, Math.floor((Math.max(target, MIN_TARGET) - 2) / 3));
}

/**
 * Bucket b covers input indices [edges[b], edges[b + 1]): the range without its first and last
 * point, cut into bucketCount(target) runs of (almost) equal length. Only meaningful when the
 * range holds more than max(target, MIN_TARGET) points (otherwise nothing is downsampled).
 */
export function bucketEdges(range: IndexRange, target: number): Uint32Array {
  const inner = range.end - range.start - 2;
  const buckets = bucketCount(target);
  const edges = new Uint32Array(buckets + 1);
  // b × inner stays far below 2^53, and a quotient within 1/buckets of an integer is never
  // rounded across it, so Math.floor is exact.
  for (let b = 0; b <= buckets; b++) edges[b] = range.start + 1 + Math.floor((b * inner) / buckets);
  return edges;
}

/**
 * Downsamples xs/ys[range] (xs non-decreasing, same length as ys) to about `target` points.
 * Returns every point of the range, unchanged, when it holds at most max(target, MIN_TARGET).
 */
export function downsample(xs: Float64Array, ys: Float64Array, target: number, range?: IndexRange): Downsampled {
  const { start, end } = checkedRange(xs, ys, range);
  if (!(target >= 0)) throw new RangeError(`target must be a number >= 0, not ${target}`);
  if (end - start <= Math.max(target, MIN_TARGET)) return copyRange(xs, ys, start, end);
  const edges = bucketEdges({ start, end }, target);
  const buckets = edges.length - 1;
  const kept = new Uint32Array(2 + 4 * buckets);
  const keptFlags = new Uint8Array(kept.length);
  const picks = new Int32Array(PICKS);
  const mean = new Float64Array(2);
  kept[0] = start;
  keptFlags[0] = nonFiniteFlag(ys[start]!);
  let count = 1;
  let ax = xs[start]!;
  let ay = ys[start]!;
  for (let b = 0; b < buckets; b++) {
    if (b + 1 < buckets) bucketMean(xs, ys, edges[b + 1]!, edges[b + 2]!, mean);
    else lastPoint(xs, ys, end - 1, mean);
    const cx = mean[0]!;
    let cy = mean[1]!;
    // Without a finite anchor or next average, lean the triangle on whichever exists (areas
    // then rank points by their distance from it); min and max are kept either way.
    if (ay - ay !== 0) ay = cy - cy === 0 ? cy : 0;
    if (cy - cy !== 0) cy = ay;
    const flags = pickBucket(xs, ys, edges[b]!, edges[b + 1]!, ax, ay, cx, cy, picks);
    count = emitSorted(picks, flags, kept, keptFlags, count);
    const chosen = picks[LTTB]!;
    if (chosen >= 0) {
      ax = xs[chosen]!;
      ay = ys[chosen]!;
    }
  }
  kept[count] = end - 1;
  keptFlags[count] = nonFiniteFlag(ys[end - 1]!);
  return gather(xs, ys, kept.subarray(0, count + 1), keptFlags.subarray(0, count + 1));
}

const LTTB = 0;
const MIN = 1;
const MAX = 2;
const GAP = 3;
const PICKS = 4;

/**
 * The hot loop: one pass over a bucket choosing the largest triangle (anchor a, point, next
 * bucket's mean c), the minimum, the maximum and the first non-finite point. Fills `picks`
 * (-1 where none) and returns the union of the bucket's non-finite flags.
 */
function pickBucket(xs: Float64Array, ys: Float64Array, lo: number, hi: number, ax: number, ay: number, cx: number, cy: number, picks: Int32Array): number {
  // Twice the triangle's area is |(ax - cx)(y - ay) + (x - ax)(cy - ay)|; relative to the anchor,
  // so large x (epoch seconds) lose no precision.
  const dx = ax - cx;
  const dy = cy - ay;
  let best = -1;
  let bestArea = -1;
  let min = -1;
  let max = -1;
  let minY = Infinity;
  let maxY = -Infinity;
  let gap = -1;
  let flags = 0;
  for (let i = lo; i < hi; i++) {
    const y = ys[i]!;
    if (y - y !== 0) {
      if (gap < 0) gap = i;
      flags |= nonFiniteFlag(y);
      continue;
    }
    const area = Math.abs(dx * (y - ay) + (xs[i]! - ax) * dy);
    if (area > bestArea) {
      bestArea = area;
      best = i;
    }
    if (y < minY) {
      minY = y;
      min = i;
    }
    if (y > maxY) {
      maxY = y;
      max = i;
    }
  }
  picks[LTTB] = best;
  picks[MIN] = min;
  picks[MAX] = max;
  picks[GAP] = gap;
  return flags;
}

/** Mean x and y of the bucket's finite points; with none, the mean x of all and y = NaN. */
function bucketMean(xs: Float64Array, ys: Float64Array, lo: number, hi: number, out: Float64Array): void {
  let sumX = 0;
  let sumY = 0;
  let finite = 0;
  for (let i = lo; i < hi; i++) {
    const y = ys[i]!;
    if (y - y !== 0) continue;
    sumX += xs[i]!;
    sumY += y;
    finite++;
  }
  if (finite > 0) {
    out[0] = sumX / finite;
    out[1] = sumY / finite;
    return;
  }
  out[0] = (xs[lo]! + xs[hi - 1]!) / 2;
  out[1] = NaN;
}

function lastPoint(xs: Float64Array, ys: Float64Array, index: number, out: Float64Array): void {
  out[0] = xs[index]!;
  out[1] = ys[index]!;
}

/** Appends the bucket's picks in index order, each once; the gap marker carries `flags`. */
function emitSorted(picks: Int32Array, flags: number, kept: Uint32Array, keptFlags: Uint8Array, count: number): number {
  const gap = picks[GAP]!;
  // Insertion sort of four small integers, in place.
  for (let i = 1; i < PICKS; i++) {
    const value = picks[i]!;
    let j = i - 1;
    while (j >= 0 && picks[j]! > value) {
      picks[j + 1] = picks[j]!;
      j--;
    }
    picks[j + 1] = value;
  }
  let last = -1;
  for (let i = 0; i < PICKS; i++) {
    const index = picks[i]!;
    if (index < 0 || index === last) continue;
    kept[count] = index;
    keptFlags[count] = index === gap ? flags : 0;
    count++;
    last = index;
  }
  return count;
}

/** Every point of [start, end), with non-finite values turned into flagged NaN. */
function copyRange(xs: Float64Array, ys: Float64Array, start: number, end: number): Downsampled {
  const n = end - start;
  const sourceIndex = new Uint32Array(n);
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    sourceIndex[i] = start + i;
    flags[i] = nonFiniteFlag(ys[start + i]!);
  }
  return gather(xs, ys, sourceIndex, flags);
}

function gather(xs: Float64Array, ys: Float64Array, indices: Uint32Array, flags: Uint8Array): Downsampled {
  const n = indices.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const source = indices[i]!;
    x[i] = xs[source]!;
    y[i] = flags[i] === 0 ? ys[source]! : NaN;
  }
  // slice() so the arrays own compact buffers: they are transferred to the webview as is.
  return { x, y, sourceIndex: indices.slice(), flags: flags.slice() };
}

function checkedRange(xs: Float64Array, ys: Float64Array, range: IndexRange | undefined): IndexRange {
  if (xs.length !== ys.length) throw new RangeError(`xs has ${xs.length} points and ys ${ys.length}`);
  const start = range?.start ?? 0;
  const end = range?.end ?? xs.length;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= xs.length)) {
    throw new RangeError(`range [${start}, ${end}) is not within [0, ${xs.length})`);
  }
  return { start, end };
}
