/**
 * What a Metrics panel shows, decided without VS Code: the runs of a selection read from a
 * TrackingStore, each metric's full history as typed columns, the series sent for a chart width
 * (downsampled to a few points per pixel, or a zoomed window at full detail when it fits), the
 * points a RUNNING run logged since the last read, and the rows of a CSV export.
 */
import { chartKind, type ChartKind } from './chartShape.js';
import { ChartHistory, type ChartSeries, type XAxis } from '../series/chartHistory.js';
import type { CsvSeries } from '../series/csv.js';
import { hasSample, metricColumns, type MetricColumns } from '../tracking/metricColumns.js';
import type { Run } from '../tracking/entities.js';
import { runDisplayName } from '../tracking/runTree.js';
import type { TrackingStore } from '../tracking/store.js';

/** Histories read at once: enough to overlap the store's latency, few enough not to flood a server. */
const PARALLEL_READS = 4;
/** Points per pixel of chart width sent: enough for min/max per pixel column. */
const POINTS_PER_PIXEL = 2;
/** A zoomed window is sent whole up to this many points per pixel (then each one is drawable). */
const ZOOM_POINTS_PER_PIXEL = 4;
/** Charts are never drawn from fewer points than this, however narrow. */
const MIN_ZOOM_WIDTH = 50;

export interface MetricsRequest {
  readonly runIds: readonly string[];
  /** Only these metrics, in this order; every metric of the runs when absent. */
  readonly keys?: readonly string[];
}

export interface OpenOptions {
  /** Called once with a session whose long histories are samples, before they are read whole. */
  readonly onSample?: (session: MetricsSession) => void;
  /** Points per sampled history (default 1,000 shared by the runs: 4,000 in all, at least 200 each). */
  readonly samplePoints?: number;
  /**
   * The long histories' whole reads wait for this after `onSample` (a panel: until the sample is
   * drawn), so they do not take the cores the first frame needs; the caller bounds the wait.
   */
  readonly wholeReadsAfter?: () => Promise<unknown>;
}

/** Points per sampled history: a few per pixel of a chart, found in milliseconds... */
const SAMPLE_POINTS = 1_000;
/** ...shared by the runs of a selection (20 runs: 200 points each), but never fewer than this. */
const SAMPLE_BUDGET = 4_000;
const MIN_SAMPLE_POINTS = 200;

export interface MetricsProblem {
  readonly runId?: string;
  readonly key?: string;
  readonly message: string;
}

/** One run's series of one chart, as sent: x per the axis, y, non-finite flags. */
export interface SeriesData {
  readonly runId: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly flags: Uint8Array;
  readonly total: number;
  readonly full: boolean;
  /** A sample of a long history (`total` counts the sample): the whole history follows. */
  readonly sample?: boolean;
}

export interface ChartData {
  readonly key: string;
  readonly kind: ChartKind;
  readonly series: readonly SeriesData[];
}

export interface LiveUpdate {
  readonly appended: readonly { readonly key: string; readonly series: SeriesData }[];
  /** A run logged a metric the session has no chart for: open the session again. */
  readonly newKeys: boolean;
  readonly statusChanged: boolean;
}

export function isActiveStatus(status: string): boolean {
  return status === 'RUNNING' || status === 'SCHEDULED';
}

export class MetricsSession {
  /** What was last sent per chart and run: the "shown points" of a CSV export. */
  private readonly lastShown = new Map<string, Map<string, ChartSeries>>();
  /** The live re-read in progress, if any (the next one starts after it). */
  private liveReads: Promise<void> = Promise.resolve();

  private constructor(
    readonly title: string,
    private runList: Run[],
    readonly keys: readonly string[],
    private readonly series: Map<string, Map<string, ChartHistory>>,
    readonly problems: readonly MetricsProblem[],
    private readonly store: TrackingStore,
    private readonly axis: XAxis,
    /** `sampleId(key, runId)` of the histories that are samples. */
    private readonly sampled: ReadonlySet<string>,
  ) {}

  /**
   * Reads the runs and their histories. Each run's histories start as soon as that run is known;
   * a run or history that cannot be read becomes a problem, the rest still shows. Throws only
   * when `signal` aborts.
   *
   * With `onSample`, on a store that samples long histories (SQLite and file stores), each long
   * history is first sampled (milliseconds, by index lookups or small reads), the short ones read
   * whole, and `onSample` gets a session of those before the long histories are read whole: a
   * panel draws it at once and replaces it with the session this answers.
   */
  static async open(store: TrackingStore, request: MetricsRequest, axis: XAxis, signal: AbortSignal, options: OpenOptions = {}): Promise<MetricsSession> {
    const problems: MetricsProblem[] = [];
    const histories = new Map<string, Map<string, ChartHistory>>();
    const samples = new Map<string, Map<string, ChartHistory>>();
    const slots = limiter(PARALLEL_READS);
    const put = (into: Map<string, Map<string, ChartHistory>>, key: string, run: Run, columns: MetricColumns): void => {
      let byRun = into.get(key);
      if (!byRun) into.set(key, (byRun = new Map()));
      byRun.set(run.info.run_id, new ChartHistory(columns, axis, run.info.start_time));
    };
    const readHistory = async (run: Run, key: string): Promise<void> => {
      try {
        put(histories, key, run, await metricColumns(store, run.info.run_id, key, { signal }));
      } catch (error) {
        if (signal.aborted) throw error;
        problems.push({ runId: run.info.run_id, key, message: `${runDisplayName(run)} · ${key}: ${(error as Error).message}` });
      }
    };
    const sampling = options.onSample !== undefined && hasSample(store) ? store : undefined;
    const long: [Run, string][] = [];
    // Many runs share the budget: a chart of 20 lines needs fewer points of each to show its shape.
    const points = options.samplePoints ?? Math.round(Math.min(SAMPLE_POINTS, Math.max(MIN_SAMPLE_POINTS, SAMPLE_BUDGET / Math.max(1, request.runIds.length))));
    /** A long history's sample (then read whole later), or a short one read whole now. */
    const firstRead = async (run: Run, key: string): Promise<void> => {
      if (sampling) {
        try {
          const sample = await sampling.getMetricSample(run.info.run_id, key, points, { signal });
          if (sample) {
            put(samples, key, run, sample);
            long.push([run, key]);
            return;
          }
        } catch (error) {
          if (signal.aborted) throw error;
          // The whole read says what is wrong with this history.
        }
      }
      await readHistory(run, key);
    };
    const runs = await Promise.all(
      request.runIds.map(async (runId): Promise<Run | undefined> => {
        let run: Run;
        try {
          run = await store.getRun(runId, { signal });
        } catch (error) {
          if (signal.aborted) throw error;
          problems.push({ runId, message: `Run ${runId}: ${(error as Error).message}` });
          return undefined;
        }
        const keys = (run.data.metrics ?? []).map((m) => m.key).filter((key) => !request.keys || request.keys.includes(key));
        await Promise.all(keys.map((key) => slots(() => firstRead(run, key))));
        return run;
      }),
    );
    const present = runs.filter((r): r is Run => r !== undefined);
    if (long.length > 0) {
      const merged = new Map([...histories].map(([key, byRun]) => [key, new Map(byRun)]));
      for (const [key, byRun] of samples) {
        const into = merged.get(key) ?? new Map<string, ChartHistory>();
        merged.set(key, into);
        for (const [runId, history] of byRun) into.set(runId, history);
      }
      const sampled = new Set(long.map(([run, key]) => sampleId(key, run.info.run_id)));
      options.onSample!(MetricsSession.of(present, request, merged, [...problems], store, axis, sampled));
      if (options.wholeReadsAfter) await options.wholeReadsAfter();
      signal.throwIfAborted();
      await Promise.all(long.map(([run, key]) => slots(() => readHistory(run, key))));
    }
    return MetricsSession.of(present, request, histories, problems, store, axis, new Set());
  }

  private static of(present: Run[], request: MetricsRequest, histories: Map<string, Map<string, ChartHistory>>, problems: MetricsProblem[], store: TrackingStore, axis: XAxis, sampled: ReadonlySet<string>): MetricsSession {
    const found = new Set(histories.keys());
    const keys = request.keys ? request.keys.filter((k) => found.has(k)) : [...found].sort((a, b) => a.localeCompare(b));
    // The request's run order (the Runs view's), whatever order the reads finished in.
    const series = new Map(keys.map((key) => [key, new Map(request.runIds.filter((id) => histories.get(key)!.has(id)).map((id) => [id, histories.get(key)!.get(id)!]))]));
    const title = present.length === 1 ? `Metrics: ${runDisplayName(present[0]!)}` : `Metrics: ${present.length} runs`;
    return new MetricsSession(title, present, keys, series, problems, store, axis, sampled);
  }

  /** Some histories are samples: a session with every point follows (see `open`). */
  get isSample(): boolean {
    return this.sampled.size > 0;
  }

  get runs(): readonly Run[] {
    return this.runList;
  }

  /** Some run may still log points (RUNNING or SCHEDULED). */
  get hasActiveRuns(): boolean {
    return this.runList.some((r) => isActiveStatus(r.info.status));
  }

  runName(runId: string): string {
    const run = this.runList.find((r) => r.info.run_id === runId);
    return run ? runDisplayName(run) : runId;
  }

  /** Every chart for a webview `width` pixels wide, and how many points the histories hold. */
  overview(width: number): { charts: ChartData[]; points: number } {
    const target = width * POINTS_PER_PIXEL;
    let points = 0;
    const charts = this.keys.map((key): ChartData => {
      const series = [...(this.series.get(key) ?? new Map<string, ChartHistory>())].map(([runId, history]) => {
        points += history.length;
        return this.shown(key, runId, history.overview(target));
      });
      return { key, kind: chartKind(series), series };
    });
    return { charts, points };
  }

  /** One chart over an x window (null: all of it) for a chart `width` pixels wide: whole when it fits. */
  detail(key: string, window: readonly [number, number] | null, width: number): SeriesData[] {
    const target = Math.max(MIN_ZOOM_WIDTH, width) * (window ? ZOOM_POINTS_PER_PIXEL : POINTS_PER_PIXEL);
    return [...(this.series.get(key) ?? [])].map(([runId, history]) => this.shown(key, runId, window ? history.window(window[0], window[1], target) : history.overview(target)));
  }

  /**
   * Re-reads the runs still active; returns the points each logged since the last read. Calls run
   * one after another (a tick that overlaps a slow read waits for it), so no point comes back twice.
   */
  refreshActive(): Promise<LiveUpdate> {
    const next = this.liveReads.then(() => this.readActive());
    this.liveReads = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private async readActive(): Promise<LiveUpdate> {
    const appended: { key: string; series: SeriesData }[] = [];
    let newKeys = false;
    let statusChanged = false;
    for (const old of this.runList.filter((r) => isActiveStatus(r.info.status))) {
      const run = await this.store.getRun(old.info.run_id);
      statusChanged ||= run.info.status !== old.info.status;
      this.runList = this.runList.map((r) => (r.info.run_id === run.info.run_id ? run : r));
      for (const metric of run.data.metrics ?? []) {
        const byRun = this.series.get(metric.key);
        if (!byRun) {
          newKeys = true;
          continue;
        }
        const before = byRun.get(run.info.run_id);
        const columns = await metricColumns(this.store, run.info.run_id, metric.key);
        if (before && columns.step.length === before.length) continue;
        const after = new ChartHistory(columns, this.axis, run.info.start_time);
        byRun.set(run.info.run_id, after);
        appended.push({ key: metric.key, series: seriesData(run.info.run_id, after.tail(before?.length ?? 0)) });
      }
    }
    return { appended, newKeys, statusChanged };
  }

  /** A chart's rows for CSV: every point (`full`), or the points last sent to the chart. */
  csvSeries(key: string, full: boolean): CsvSeries[] {
    const histories = this.series.get(key);
    if (!histories) return [];
    return [...histories].map(([runId, history]) => ({
      runId,
      runName: this.runName(runId),
      key,
      step: history.steps,
      timestamp: history.timestamps,
      value: history.values,
      rows: full ? undefined : this.lastShown.get(key)?.get(runId)?.sourceIndex,
    }));
  }

  private shown(key: string, runId: string, series: ChartSeries): SeriesData {
    let byRun = this.lastShown.get(key);
    if (!byRun) this.lastShown.set(key, (byRun = new Map()));
    byRun.set(runId, series);
    const data = seriesData(runId, series);
    return this.sampled.has(sampleId(key, runId)) ? { ...data, full: false, sample: true } : data;
  }
}

function sampleId(key: string, runId: string): string {
  return `${runId}\u0000${key}`;
}

function seriesData(runId: string, series: ChartSeries): SeriesData {
  return { runId, x: series.x, y: series.y, flags: series.flags, total: series.total, full: series.full };
}

/** Runs at most `limit` of the given tasks at once. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
