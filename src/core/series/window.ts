/**
 * Selecting the part of a sorted x array that a zoomed chart shows, by binary search: O(log n),
 * so re-fetching "full detail" on every zoom of a 1,000,000-point history costs nothing before
 * the downsampling of what is selected (rangePoints.ts).
 */
import type { IndexRange } from './lttb.js';

/** The first index whose x is >= value (xs.length if none): Python's bisect_left. */
export function lowerBound(xs: Float64Array, value: number, from = 0, to = xs.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose x is > value (xs.length if none): Python's bisect_right. */
export function upperBound(xs: Float64Array, value: number, from = 0, to = xs.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The indices of the points with xmin <= x <= xmax (xs non-decreasing), widened by one point on
 * each side when there is one, so the chart's lines run on to the plot's edges instead of stopping
 * at the last point inside. An inverted range (xmin > xmax) or a NaN bound selects nothing but the
 * neighbours; use the whole array for "no zoom".
 */
export function windowRange(xs: Float64Array, xmin: number, xmax: number): IndexRange {
  if (Number.isNaN(xmin) || Number.isNaN(xmax)) return { start: 0, end: 0 };
  const first = lowerBound(xs, xmin);
  const afterLast = Math.max(first, upperBound(xs, xmax));
  return { start: Math.max(0, first - 1), end: Math.min(xs.length, afterLast + 1) };
}
