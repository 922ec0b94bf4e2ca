/**
 * One run's history of one metric as the chart panels hold it: MLflow's columns on the chosen x
 * axis (axes.ts), answering the overview (the whole history downsampled to the chart's width),
 * a zoom window (full detail when it fits) and the tail logged since the last answer (live runs).
 */
import type { MetricColumns } from '../tracking/metricColumns.js';
import { seriesFromColumns, type MetricSeries } from './axes.js';
import { querySeries, type SeriesSlice } from './rangePoints.js';

/** The panels' names for the axes: `time` is wall-clock time (axes.ts calls it `wall`). */
export type XAxis = 'step' | 'time' | 'relative';

export type ChartSeries = SeriesSlice;

export class ChartHistory {
  private readonly series: MetricSeries;

  /** `startTime` (ms, the run's start) is the zero of the relative axis. */
  constructor(columns: MetricColumns, axis: XAxis, startTime: number | undefined) {
    this.series = seriesFromColumns(columns, axis === 'time' ? 'wall' : axis, startTime === undefined ? {} : { startTime });
  }

  get length(): number {
    return this.series.x.length;
  }

  get steps(): Float64Array {
    return this.series.step;
  }

  get timestamps(): Float64Array {
    return this.series.timestamp;
  }

  /** The logged values (NaN and ±Infinity as logged), in x order. */
  get values(): Float64Array {
    return this.series.y;
  }

  /** The whole history, downsampled to about `target` points. */
  overview(target: number): ChartSeries {
    return querySeries(this.series.x, this.series.y, { target });
  }

  /** The points with x in [min, max] and one beyond each edge, downsampled only past `target`. */
  window(min: number, max: number, target: number): ChartSeries {
    return querySeries(this.series.x, this.series.y, { target, xmin: min, xmax: max });
  }

  /** Every point from index `from` on (a live run's new points), at full detail. */
  tail(from: number): ChartSeries {
    const x = this.series.x.subarray(from);
    const slice = querySeries(x, this.series.y.subarray(from), { target: x.length });
    return { ...slice, sourceIndex: slice.sourceIndex.map((i) => i + from), total: this.length };
  }
}
