/**
 * One run's history of one metric, held as typed arrays for the chart panels: the x of the chosen
 * axis, the values, and MLflow's step and timestamp (for CSV export). Answers the overview (the
 * whole history downsampled to the chart's width), a zoom window (full detail when it fits), and
 * the tail logged since the last answer (live runs).
 */
import { fromJsonDouble, type Metric } from '../tracking/model.js';
import { downsample, type Downsampled } from './lttb.js';
import { lowerBound, upperBound } from './window.js';

export type XAxis = 'step' | 'time' | 'relative';

export interface ChartSeries {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly flags: Uint8Array;
  /** Points in the full history. */
  readonly total: number;
  /** True when no point of the requested range was left out. */
  readonly full: boolean;
  /** Index of each point in {@link ChartHistory} order (for CSV of the shown points). */
  readonly sourceIndex: Uint32Array;
}

export class ChartHistory {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  private x: Float64Array;

  /**
   * `history` in any order (stores differ): sorted here by (step, timestamp) for the step axis, as
   * MLflow's UI plots it, else by (timestamp, step). `startTime` (ms) is the relative axis' zero.
   */
  constructor(history: readonly Metric[], readonly axis: XAxis, private readonly startTime: number | undefined) {
    const n = history.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const byStep = (a: Metric, b: Metric): number => Number(a.step ?? 0) - Number(b.step ?? 0) || Number(a.timestamp) - Number(b.timestamp);
    const byTime = (a: Metric, b: Metric): number => Number(a.timestamp) - Number(b.timestamp) || Number(a.step ?? 0) - Number(b.step ?? 0);
    const compare = axis === 'step' ? byStep : byTime;
    if (!isSorted(history, compare)) order.sort((i, j) => compare(history[i]!, history[j]!) || i - j);
    this.steps = new Float64Array(n);
    this.timestamps = new Float64Array(n);
    this.values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = history[order[i]!]!;
      this.steps[i] = Number(m.step ?? 0);
      this.timestamps[i] = Number(m.timestamp);
      this.values[i] = fromJsonDouble(m.value);
    }
    this.x = this.xOf(0, n);
  }

  get length(): number {
    return this.values.length;
  }

  /** The whole history, downsampled to about `target` points. */
  overview(target: number): ChartSeries {
    return this.answer(downsample(this.x, this.values, target), { start: 0, end: this.length });
  }

  /** The points with x in [min, max] and one beyond each edge, so lines reach the chart's border. */
  window(min: number, max: number, target: number): ChartSeries {
    const start = Math.max(0, lowerBound(this.x, min) - 1);
    const end = Math.min(this.length, upperBound(this.x, max) + 1);
    return this.answer(downsample(this.x, this.values, target, { start, end }), { start, end });
  }

  /** Every point from `from` on (a live run's new points), at full detail. */
  tail(from: number): ChartSeries {
    return this.answer(downsample(this.x, this.values, Number.MAX_SAFE_INTEGER, { start: from, end: this.length }), { start: from, end: this.length });
  }

  private answer(sampled: Downsampled, range: { start: number; end: number }): ChartSeries {
    return { x: sampled.x, y: sampled.y, flags: sampled.flags, sourceIndex: sampled.sourceIndex, total: this.length, full: sampled.x.length >= range.end - range.start };
  }

  private firstTimestamp(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const t of this.timestamps) if (t < min) min = t;
    return Number.isFinite(min) ? min : 0;
  }

  private xOf(from: number, to: number): Float64Array {
    const x = new Float64Array(to - from);
    const origin = this.startTime ?? this.firstTimestamp();
    for (let i = from; i < to; i++) {
      x[i - from] = this.axis === 'step' ? this.steps[i]! : this.axis === 'time' ? this.timestamps[i]! / 1000 : (this.timestamps[i]! - origin) / 1000;
    }
    return x;
  }
}

function isSorted(history: readonly Metric[], compare: (a: Metric, b: Metric) => number): boolean {
  for (let i = 1; i < history.length; i++) if (compare(history[i - 1]!, history[i]!) > 0) return false;
  return true;
}
