/**
 * Chart data for one column, reference against current: for numbers the bins Evidently's
 * distribution chart uses (Doane's rule over both samples together, `histogram_bin_edges_doane`
 * in evidently/legacy/utils/visualizations.py), counted as np.histogram counts (the last bin
 * closed); for categories the most frequent ones over both samples.
 */
import type { DriftHistogram } from './model';
import { displayKey } from './table/column';
import type { Counts } from './methods';

/** A chart shows at most this many bins; Doane's rule on wide integer ranges can ask for more. */
const MAX_BINS = 100;
const MAX_CATEGORIES = 20;

function moments(a: Float64Array, b: Float64Array): { n: number; mean: number; std: number; skew: number } {
  const n = a.length + b.length;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  for (let i = 0; i < b.length; i++) sum += b[i]!;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (const x of [a, b]) {
    for (let i = 0; i < x.length; i++) {
      const d = x[i]! - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
    }
  }
  const std = Math.sqrt(m2 / n);
  return { n, mean, std, skew: std > 0 ? m3 / n / (std * std * std) : 0 };
}

/** Doane's bin edges for the two sorted samples together. */
export function doaneEdges(a: Float64Array, b: Float64Array, integers: boolean): number[] {
  let first = Math.min(a[0] ?? Infinity, b[0] ?? Infinity);
  let last = Math.max(a[a.length - 1] ?? -Infinity, b[b.length - 1] ?? -Infinity);
  if (!Number.isFinite(first)) [first, last] = [0, 1];
  if (first === last) [first, last] = [first - 0.5, last + 0.5];
  const { n, std, skew } = moments(a, b);
  let bins = 1;
  if (n > 2 && std > 0) {
    const sg1 = Math.sqrt((6 * (n - 2)) / ((n + 1) * (n + 3)));
    let width = (last - first) / (1 + Math.log2(n) + Math.log2(1 + Math.abs(skew) / sg1));
    if (integers && width < 1) width = 1;
    bins = Math.ceil((last - first) / width);
  }
  bins = Math.max(1, Math.min(bins, MAX_BINS));
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? last : first + ((last - first) * i) / bins));
}

/** Values of a sorted sample in each bin [e_i, e_i+1), the last bin closed. */
export function binCounts(sorted: Float64Array, edges: readonly number[]): number[] {
  const counts: number[] = [];
  let position = lowerBound(sorted, edges[0]!);
  for (let i = 1; i < edges.length; i++) {
    const end = i === edges.length - 1 ? upperBound(sorted, edges[i]!) : lowerBound(sorted, edges[i]!);
    counts.push(end - position);
    position = end;
  }
  return counts;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function numericHistogram(reference: Float64Array, current: Float64Array, integers: boolean): DriftHistogram {
  const edges = doaneEdges(reference, current, integers);
  return { kind: 'numeric', edges, reference: binCounts(reference, edges), current: binCounts(current, edges) };
}

export function categoricalHistogram(reference: Counts, current: Counts): DriftHistogram {
  const keys = [...new Set([...reference.keys(), ...current.keys()])];
  keys.sort((x, y) => (reference.get(y) ?? 0) + (current.get(y) ?? 0) - ((reference.get(x) ?? 0) + (current.get(x) ?? 0)) || (x < y ? -1 : x > y ? 1 : 0));
  const shown = keys.slice(0, MAX_CATEGORIES);
  const rest = keys.slice(MAX_CATEGORIES);
  const histogram: DriftHistogram = {
    kind: 'categorical',
    categories: shown.map(displayKey),
    reference: shown.map((k) => reference.get(k) ?? 0),
    current: shown.map((k) => current.get(k) ?? 0),
    ...(rest.length > 0
      ? { other: { categories: rest.length, reference: rest.reduce((s, k) => s + (reference.get(k) ?? 0), 0), current: rest.reduce((s, k) => s + (current.get(k) ?? 0), 0) } }
      : {}),
  };
  return histogram;
}
