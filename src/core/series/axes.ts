/**
 * A MLflow metric history ({key, value, timestamp in ms, step}[], as a store returns it) as
 * columns of typed arrays ordered for one x axis, the shape every other module of series/ takes:
 *
 * - `step`: x = step, ordered by (step, timestamp) as MLflow's charts do (RunsMetricsLinePlot.tsx
 *   sorts the history by step, stably, after its store ordered it by timestamp). Every value
 *   logged at one step is kept, in timestamp order: the chart draws them as a vertical run.
 * - `wall`: x = timestamp / 1000, seconds since the epoch (uPlot's time scale), ordered by
 *   (timestamp, step).
 * - `relative`: x = (timestamp − origin) / 1000, seconds since `startTime` when given (the run's
 *   start) or else since the history's first point (MLflow's "Relative time"), ordered like wall.
 * Ties beyond those keys keep the input order (the stores order by value last, like MLflow).
 *
 * Histories usually arrive already in order (steps grow with time), so ordering is one check
 * pass; only an out-of-order history pays for a sort.
 */
import { fromJsonDouble, type JsonDouble } from '../tracking/entities.js';

export type XAxisMode = 'step' | 'wall' | 'relative';

/** One point of a metric history; MLflow's Metric fits. */
export interface HistoryPoint {
  readonly value: JsonDouble;
  readonly timestamp: number;
  readonly step: number;
}

export interface MetricSeries {
  readonly axis: XAxisMode;
  /** Non-decreasing. The same array as `step` on the step axis. */
  readonly x: Float64Array;
  /** The logged values, NaN and ±Infinity as logged. */
  readonly y: Float64Array;
  readonly step: Float64Array;
  /** Milliseconds since the epoch. */
  readonly timestamp: Float64Array;
  /** Milliseconds subtracted from timestamps on the relative axis (undefined on the others). */
  readonly origin?: number;
}

export interface AxisOptions {
  /** The run's start_time (ms): the origin of relative time instead of the first point. */
  readonly startTime?: number;
}

/** The history's columns ordered and mapped for `axis`. */
export function metricSeries(history: readonly HistoryPoint[], axis: XAxisMode, options: AxisOptions = {}): MetricSeries {
  const n = history.length;
  const step = new Float64Array(n);
  const timestamp = new Float64Array(n);
  const value = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const point = history[i]!;
    step[i] = point.step;
    timestamp[i] = point.timestamp;
    value[i] = fromJsonDouble(point.value);
  }
  return seriesFromColumns({ step, timestamp, value }, axis, options);
}

/** The same points on another axis (reordered only when the two orders differ). */
export function changeAxis(series: MetricSeries, axis: XAxisMode, options: AxisOptions = {}): MetricSeries {
  return seriesFromColumns({ step: series.step, timestamp: series.timestamp, value: series.y }, axis, options);
}

/** Columns of equal length in any order; they are reordered into new arrays when out of order. */
export function seriesFromColumns(
  columns: { readonly step: Float64Array; readonly timestamp: Float64Array; readonly value: Float64Array },
  axis: XAxisMode,
  options: AxisOptions = {},
): MetricSeries {
  const { length } = columns.step;
  if (columns.timestamp.length !== length || columns.value.length !== length) throw new RangeError('step, timestamp and value differ in length');
  const [primary, secondary] = axis === 'step' ? [columns.step, columns.timestamp] : [columns.timestamp, columns.step];
  const order = isOrdered(primary, secondary) ? undefined : sortedOrder(primary, secondary);
  const step = order ? permute(columns.step, order) : columns.step;
  const timestamp = order ? permute(columns.timestamp, order) : columns.timestamp;
  const y = order ? permute(columns.value, order) : columns.value;
  if (axis === 'step') return { axis, x: step, y, step, timestamp };
  const origin = axis === 'relative' ? (options.startTime ?? (length > 0 ? timestamp[0]! : 0)) : 0;
  const x = new Float64Array(length);
  for (let i = 0; i < length; i++) x[i] = (timestamp[i]! - origin) / 1000;
  return axis === 'relative' ? { axis, x, y, step, timestamp, origin } : { axis, x, y, step, timestamp };
}

function isOrdered(primary: Float64Array, secondary: Float64Array): boolean {
  for (let i = 1; i < primary.length; i++) {
    const a = primary[i - 1]!;
    const b = primary[i]!;
    if (a > b || (a === b && secondary[i - 1]! > secondary[i]!)) return false;
  }
  return true;
}

/** Indices in (primary, secondary, input position) order: a stable sort. */
function sortedOrder(primary: Float64Array, secondary: Float64Array): Uint32Array {
  const order = new Uint32Array(primary.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => primary[a]! - primary[b]! || secondary[a]! - secondary[b]! || a - b);
}

function permute(column: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = column[order[i]!]!;
  return out;
}
