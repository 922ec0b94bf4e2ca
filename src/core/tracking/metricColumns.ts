/**
 * A metric history as three typed columns, for charts: millions of points without an object per
 * point. Stores that can read straight into columns implement `getMetricColumns`; the others go
 * through their `getMetricHistory` ({@link metricColumns}).
 */
import { TrackingError } from './errors.js';
import { parseMetricLine, parsePythonFloat } from './metricFile.js';
import { fromJsonDouble, type Metric } from './entities.js';
import type { QueryOptions, TrackingStore } from './store.js';

export interface MetricColumns {
  readonly step: Float64Array;
  /** Milliseconds since the epoch. */
  readonly timestamp: Float64Array;
  /** As logged: NaN and ±Infinity included. */
  readonly value: Float64Array;
}

export interface ColumnarHistory {
  getMetricColumns(runId: string, metricKey: string, options?: QueryOptions): Promise<MetricColumns>;
}

export function hasColumns(store: object): store is ColumnarHistory {
  return typeof (store as Partial<ColumnarHistory>).getMetricColumns === 'function';
}

/**
 * A history at least this long (in steps for SQLite, about this many lines for a file store) is
 * worth a sample first: shorter ones are read whole in about the time a sample takes.
 */
export const LONG_HISTORY = 20_000;

/** Stores that can answer a bounded sample of a long history in milliseconds, before the whole of it. */
export interface SampledHistory {
  /**
   * About `points` points spread evenly over the history (the first and last included), in step
   * order: a picture of its shape while the whole is read, not its extremes. Undefined when the
   * history is short enough to read whole (or empty): then there is nothing to gain.
   */
  getMetricSample(runId: string, metricKey: string, points: number, options?: QueryOptions): Promise<MetricColumns | undefined>;
}

export function hasSample(store: object): store is SampledHistory {
  return typeof (store as Partial<SampledHistory>).getMetricSample === 'function';
}

/** The history of one metric as columns, in the store's order. */
export async function metricColumns(store: TrackingStore, runId: string, metricKey: string, options: QueryOptions = {}): Promise<MetricColumns> {
  if (hasColumns(store)) return store.getMetricColumns(runId, metricKey, options);
  return columnsOf(await store.getMetricHistory(runId, metricKey, options));
}

export function columnsOf(history: readonly Metric[]): MetricColumns {
  const builder = new ColumnBuilder(history.length);
  for (const m of history) builder.push(Number(m.step ?? 0), Number(m.timestamp), fromJsonDouble(m.value));
  return builder.finish();
}

/** Columns that grow by doubling: SQLite answers rows one at a time, the count unknown. */
export class ColumnBuilder {
  private step: Float64Array;
  private timestamp: Float64Array;
  private value: Float64Array;
  private length = 0;

  constructor(capacity = 1024) {
    this.step = new Float64Array(Math.max(16, capacity));
    this.timestamp = new Float64Array(this.step.length);
    this.value = new Float64Array(this.step.length);
  }

  push(step: number, timestamp: number, value: number): void {
    if (this.length === this.step.length) this.grow();
    this.step[this.length] = step;
    this.timestamp[this.length] = timestamp;
    this.value[this.length] = value;
    this.length++;
  }

  finish(): MetricColumns {
    const n = this.length;
    return { step: this.step.slice(0, n), timestamp: this.timestamp.slice(0, n), value: this.value.slice(0, n) };
  }

  private grow(): void {
    const size = this.step.length * 2;
    const copy = (from: Float64Array): Float64Array => {
      const to = new Float64Array(size);
      to.set(from);
      return to;
    };
    this.step = copy(this.step);
    this.timestamp = copy(this.timestamp);
    this.value = copy(this.value);
  }
}

/**
 * A file-store metric file (`timestamp value [step [dataset_name dataset_digest]]` per line, as
 * file_store.py writes and metricFile.ts reads point by point) straight into columns. Integers
 * are read digit by digit; only the value goes through a string (Python float syntax).
 */
export function parseMetricColumns(text: string, key: string): MetricColumns {
  const builder = new ColumnBuilder(Math.max(16, Math.floor(text.length / 24)));
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let lineEnd = end;
    if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd > start) parseLine(text, start, lineEnd, key, builder);
    start = end + 1;
  }
  return builder.finish();
}

function parseLine(text: string, start: number, end: number, key: string, builder: ColumnBuilder): void {
  if (text.charCodeAt(start) <= 32 || text.charCodeAt(end - 1) <= 32) {
    // Surrounding whitespace (never written by MLflow): the point-by-point parser trims as MLflow does.
    if (text.slice(start, end).trim() === '') return;
    const point = parseMetricLine(text.slice(start, end), key);
    return builder.push(point.step, point.timestamp, point.value);
  }
  const a = text.indexOf(' ', start);
  if (a < 0 || a >= end) {
    if (text.slice(start, end).trim() === '') return;
    throw new TrackingError('corrupt-entity', `Metric '${key}' is malformed: a line has 1 fields, expected 2, 3 or 5`, key);
  }
  const timestamp = integer(text, start, a, key);
  let b = text.indexOf(' ', a + 1);
  if (b < 0 || b > end) b = end;
  const value = parsePythonFloat(text.slice(a + 1, b), key);
  if (b === end) return builder.push(0, timestamp, value);
  const c = text.indexOf(' ', b + 1);
  if (c < 0 || c >= end) return builder.push(integer(text, b + 1, end, key), timestamp, value);
  // Anything longer is metricFile.ts's business: MLflow reads a 5-field line (with a dataset)
  // with step 0, and refuses other shapes; the point-by-point parser knows them all.
  const point = parseMetricLine(text.slice(start, end), key);
  builder.push(point.step, point.timestamp, point.value);
}

function integer(text: string, start: number, end: number, key: string): number {
  let i = start;
  const negative = text.charCodeAt(i) === 45;
  if (negative || text.charCodeAt(i) === 43) i++;
  if (i >= end || end - i > 15) return slowInteger(text.slice(start, end), key);
  let n = 0;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return slowInteger(text.slice(start, end), key);
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

/** Long or unusual integers (MLflow steps go up to 2^63): what Number() makes of the digits. */
function slowInteger(text: string, key: string): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new TrackingError('corrupt-entity', `Metric '${key}' has a malformed integer field: ${JSON.stringify(text.slice(0, 40))}`, key);
  return Number(text.trim());
}
