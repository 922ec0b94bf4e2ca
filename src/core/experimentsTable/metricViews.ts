/**
 * Metric columns on demand: beside a metric's latest value (what MLflow's listing carries), its
 * minimum, its maximum, or its value at a given step over the run's whole history. Each is a
 * column of its own (`metrics.loss@min`, `metrics.loss@max`, `metrics.loss@step=10`), so it sorts,
 * groups and renders like any metric column; the cells are filled from each run's metric history,
 * read once per run and metric and kept while the run's latest value of that metric is unchanged
 * (a running run that logs again is read again).
 *
 * What the history says, with MLflow's conventions: NaN points are left out of the minimum and
 * maximum (a run with only NaN points has NaN); several points at one step resolve as MLflow's
 * latest value does (the latest timestamp, then the larger value); a step the run never logged is
 * an empty cell. DVC rows summarise the history DVCLive keeps beside its metrics file
 * (dvcHistory.ts); a metric without one has empty cells.
 */
import type { Metric } from '../tracking/entities.js';
import { fromJsonDouble } from '../tracking/entities.js';
import type { CellValue, TableRow } from './rows.js';
import { metricViewColumn } from './metricViewColumns.js';
import type { MetricView } from './types.js';

export type { MetricAggregate, MetricView } from './types.js';
export { metricViewColumn, metricViewLabel, parseMetricViewColumn } from './metricViewColumns.js';

/** What one read of a run's history of one metric keeps: min, max and the values at the steps asked. */
export interface HistorySummary {
  readonly min: number;
  readonly max: number;
  readonly at: ReadonlyMap<number, number>;
  /** How many points the history had (0: the run never logged the metric). */
  readonly points: number;
}

export function summarizeHistory(points: readonly Metric[], steps: Iterable<number>): HistorySummary {
  const wanted = new Set(steps);
  let min = Infinity;
  let max = -Infinity;
  let finite = 0;
  const at = new Map<number, { value: number; timestamp: number }>();
  for (const point of points) {
    const value = fromJsonDouble(point.value);
    if (!Number.isNaN(value)) {
      finite++;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    if (wanted.has(point.step)) {
      const seen = at.get(point.step);
      // MLflow's latest value at a step: the latest timestamp, then the larger value.
      if (!seen || point.timestamp > seen.timestamp || (point.timestamp === seen.timestamp && (value > seen.value || Number.isNaN(seen.value)))) at.set(point.step, { value, timestamp: point.timestamp });
    }
  }
  return {
    min: finite > 0 ? min : NaN,
    max: finite > 0 ? max : NaN,
    at: new Map([...at].map(([step, { value }]) => [step, value])),
    points: points.length,
  };
}

export function viewValue(summary: HistorySummary, view: MetricView): CellValue {
  if (summary.points === 0) return null;
  if (view.aggregate === 'min') return summary.min;
  if (view.aggregate === 'max') return summary.max;
  return summary.at.get(view.step ?? 0) ?? null;
}

/** Reads one run's whole history of one metric. */
export type HistoryReader = (row: TableRow, key: string, signal: AbortSignal) => Promise<readonly Metric[]>;

export interface MetricViewProgress {
  /** Histories read (or failed) of those the views need. */
  readonly done: number;
  readonly total: number;
  /** Histories that could not be read (the first few messages). */
  readonly failed: number;
  readonly errors: readonly string[];
}

/**
 * The derived cells of a table's rows: `apply` answers the rows with every view's cell filled from
 * what has been read so far (null while a read is pending) and starts the reads still needed, at
 * most `concurrency` at once; `onRead` is called as reads finish (the caller draws again, at its
 * pace). A new set of rows or views cancels reads no longer needed.
 */
export class MetricViewCells {
  /** By run, metric and latest point: the summary, and the steps it holds values at. */
  private readonly cache = new Map<string, { readonly summary: HistorySummary; readonly steps: ReadonlySet<number> }>();
  private readonly failures = new Map<string, string>();
  private readonly queue: { id: string; row: TableRow; key: string; steps: number[] }[] = [];
  private readonly running = new Set<string>();
  private controller = new AbortController();
  private wanted = new Set<string>();
  private progress = { done: 0, total: 0 };
  private disposed = false;

  constructor(
    /** The history reader of a row's source, or undefined when its source keeps no history. */
    private readonly readerFor: (row: TableRow) => HistoryReader | undefined,
    private readonly onRead: () => void,
    private readonly concurrency = 4,
  ) {}

  /** The rows with the views' cells; reads what is missing. */
  apply(rows: readonly TableRow[], views: readonly MetricView[]): TableRow[] {
    if (views.length === 0) {
      this.cancel();
      return [...rows];
    }
    const byKey = new Map<string, MetricView[]>();
    for (const view of views) byKey.set(view.key, [...(byKey.get(view.key) ?? []), view]);
    const wanted = new Set<string>();
    const queued: typeof this.queue = [];
    let done = 0;
    const out = rows.map((row) => {
      let cells: Record<string, CellValue> | undefined;
      for (const [key, keyViews] of byKey) {
        const latest = row.shadow.data.metrics?.find((m) => m.key === key);
        if (!latest) continue;
        const steps = keyViews.filter((v) => v.aggregate === 'step').map((v) => v.step ?? 0);
        // Not the steps: a min or max view added or a step view removed reads nothing again.
        const id = `${row.ref}\u0000${key}\u0000${latest.step}\u0000${latest.timestamp}\u0000${String(latest.value)}`;
        wanted.add(id);
        const cached = this.cache.get(id);
        const complete = cached !== undefined && steps.every((step) => cached.steps.has(step));
        if (complete || this.failures.has(id)) done++;
        else if (!this.running.has(id)) queued.push({ id, row, key, steps: [...new Set([...(cached?.steps ?? []), ...steps])] });
        cells ??= { ...row.cells };
        for (const view of keyViews) cells[metricViewColumn(view)] = cached && (view.aggregate !== 'step' || cached.steps.has(view.step ?? 0)) ? viewValue(cached.summary, view) : null;
      }
      return cells ? { ...row, cells } : row;
    });
    // Reads no longer wanted (other rows, other views) stop; what was read stays cached.
    if ([...this.running].some((id) => !wanted.has(id))) {
      this.controller.abort();
      this.controller = new AbortController();
      this.running.clear();
    }
    this.wanted = wanted;
    this.queue.length = 0;
    this.queue.push(...queued);
    this.progress = { done, total: wanted.size };
    this.pump();
    return out;
  }

  get status(): MetricViewProgress {
    const errors = [...this.failures].filter(([id]) => this.wanted.has(id)).map(([, message]) => message);
    return { done: this.progress.done, total: this.progress.total, failed: errors.length, errors: errors.slice(0, 3) };
  }

  /** Forgets the reads that failed, so that the next `apply` tries them again (the table's Refresh). */
  retryFailed(): void {
    this.failures.clear();
  }

  /** Stops every read. */
  cancel(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.running.clear();
    this.queue.length = 0;
    this.wanted = new Set();
    this.progress = { done: 0, total: 0 };
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private pump(): void {
    while (!this.disposed && this.running.size < this.concurrency && this.queue.length > 0) {
      const item = this.queue.shift()!;
      const reader = this.readerFor(item.row);
      if (!reader) {
        this.failures.set(item.id, `${item.row.name}: ${item.key}: its source keeps no metric history`);
        this.progress = { ...this.progress, done: this.progress.done + 1 };
        continue;
      }
      this.running.add(item.id);
      const signal = this.controller.signal;
      void reader(item.row, item.key, signal).then(
        (points) => {
          if (signal.aborted) return;
          this.cache.set(item.id, { summary: summarizeHistory(points, item.steps), steps: new Set(item.steps) });
          this.finish(item.id);
        },
        (error: unknown) => {
          if (signal.aborted) return;
          this.failures.set(item.id, `${item.row.name}: ${item.key}: ${(error as Error).message}`);
          this.finish(item.id);
        },
      );
    }
  }

  private finish(id: string): void {
    this.running.delete(id);
    if (this.wanted.has(id)) this.progress = { ...this.progress, done: this.progress.done + 1 };
    this.pump();
    this.onRead();
  }
}
