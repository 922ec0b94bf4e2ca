/**
 * What a chart asks the host for: the points of an x range (the whole history when not zoomed),
 * downsampled to the chart's budget, or every point of the range when it holds no more than that
 * ("full detail": zooming in far enough always ends at the exact logged values).
 */
import { alignSeries, type Aligned } from './align.js';
import { downsample, MIN_TARGET, type Downsampled, type IndexRange } from './lttb.js';
import { windowRange } from './window.js';

export interface SeriesQuery {
  /** Most points wanted, e.g. a few per pixel of the plot's width. */
  readonly target: number;
  /** The zoomed range, inclusive; either bound left out is open. */
  readonly xmin?: number;
  readonly xmax?: number;
}

export interface SeriesSlice extends Downsampled {
  /** Every point of `range` is here (nothing was downsampled away). */
  readonly full: boolean;
  /** The input indices selected: the zoomed range and one point beyond each edge. */
  readonly range: IndexRange;
  /** Points in the whole input. */
  readonly total: number;
}

/** The query's range of one series (xs non-decreasing), downsampled unless it fits the target. */
export function querySeries(xs: Float64Array, ys: Float64Array, query: SeriesQuery): SeriesSlice {
  const range = windowRange(xs, query.xmin ?? -Infinity, query.xmax ?? Infinity);
  const sampled = downsample(xs, ys, query.target, range);
  return { ...sampled, full: range.end - range.start <= Math.max(query.target, MIN_TARGET), range, total: xs.length };
}

export interface RunsQueryResult {
  /** Per run, in input order. */
  readonly slices: readonly SeriesSlice[];
  /** The slices on one shared x array, for uPlot. */
  readonly aligned: Aligned;
}

/** querySeries for each run (each gets the whole target), then one shared x array. */
export function queryRuns(runs: readonly { readonly x: Float64Array; readonly y: Float64Array }[], query: SeriesQuery): RunsQueryResult {
  const slices = runs.map((run) => querySeries(run.x, run.y, query));
  return { slices, aligned: alignSeries(slices) };
}

/**
 * The values of a column at the kept points: the step and timestamp of each drawn point for a
 * tooltip, the smoothed value at the raw points, the exact value (±Infinity included) for a CSV.
 */
export function valuesAt(column: Float64Array, sourceIndex: Uint32Array): Float64Array {
  const out = new Float64Array(sourceIndex.length);
  for (let i = 0; i < sourceIndex.length; i++) out[i] = column[sourceIndex[i]!]!;
  return out;
}
