import { ChartHistory, type ChartSeries, type XAxis } from '../../../core/series/chartHistory.js';
import { metricColumns } from '../../../core/tracking/metricColumns.js';
import type { Run } from '../../../core/tracking/model.js';
import { runDisplayName } from '../../../core/tracking/runTree.js';
import type { MetricsSelection, PanelProblem } from '../../../protocol/metricsPanel.js';
import type { Store, TrackingService } from '../../tracking.js';

/** Histories read at once: enough to overlap the store's latency, few enough not to flood a server. */
const PARALLEL_READS = 4;

/** Everything a Metrics panel holds: the runs, and per metric per run the full history as arrays. */
export class LoadedMetrics {
  /** What was last sent per chart and run: the "shown points" of a CSV export. */
  readonly lastShown = new Map<string, Map<string, ChartSeries>>();

  constructor(
    readonly title: string,
    public runs: Run[],
    readonly keys: readonly string[],
    readonly series: Map<string, Map<string, ChartHistory>>,
    readonly problems: PanelProblem[],
    readonly store: Store,
  ) {}

  shown(key: string, runId: string, series: ChartSeries): ChartSeries {
    let byRun = this.lastShown.get(key);
    if (!byRun) this.lastShown.set(key, (byRun = new Map()));
    byRun.set(runId, series);
    return series;
  }

  runName(runId: string): string {
    const run = this.runs.find((r) => r.info.run_id === runId);
    return run ? runDisplayName(run) : runId;
  }
}

export interface LiveUpdate {
  readonly appended: { key: string; runId: string; series: ChartSeries }[];
  /** A run logged a metric the panel has no chart for: reload. */
  readonly newKeys: boolean;
  readonly statusChanged: boolean;
}

export class MetricsLoader {
  constructor(private readonly tracking: TrackingService) {}

  private store(trackingKey: string): Store {
    const folder = this.tracking.forKey(trackingKey);
    if (folder?.state.kind !== 'ready') throw new Error('The tracking store of these runs is no longer open. Select it again with "ML Workbench: Select Tracking Store…".');
    return folder.state.store;
  }

  async load(selection: MetricsSelection, axis: XAxis, signal: AbortSignal): Promise<LoadedMetrics> {
    const store = this.store(selection.trackingKey);
    const problems: PanelProblem[] = [];
    const histories = new Map<string, Map<string, ChartHistory>>();
    const slots = limiter(PARALLEL_READS);
    // Each run's histories start reading as soon as that run is known: no waiting for the others.
    const runs = await Promise.all(
      selection.runIds.map(async (runId): Promise<Run | undefined> => {
        let run: Run;
        try {
          run = await store.getRun(runId, { signal });
        } catch (error) {
          if (signal.aborted) throw error;
          problems.push({ runId, message: `Run ${runId}: ${(error as Error).message}` });
          return undefined;
        }
        const keys = (run.data.metrics ?? []).map((m) => m.key).filter((key) => !selection.keys || selection.keys.includes(key));
        await Promise.all(keys.map((key) => slots(() => this.readHistory(store, run, key, axis, signal, histories, problems))));
        return run;
      }),
    );
    const present = runs.filter((r): r is Run => r !== undefined);
    const found = new Set(histories.keys());
    const keys = selection.keys ? selection.keys.filter((k) => found.has(k)) : [...found].sort((a, b) => a.localeCompare(b));
    // Keep the selection's run order (the Runs view's), whatever order the reads finished in.
    const series = new Map(keys.map((key) => [key, new Map(selection.runIds.filter((id) => histories.get(key)!.has(id)).map((id) => [id, histories.get(key)!.get(id)!]))]));
    const title = present.length === 1 ? `Metrics: ${runDisplayName(present[0]!)}` : `Metrics: ${present.length} runs`;
    return new LoadedMetrics(title, present, keys, series, problems, store);
  }

  private async readHistory(store: Store, run: Run, key: string, axis: XAxis, signal: AbortSignal, into: Map<string, Map<string, ChartHistory>>, problems: PanelProblem[]): Promise<void> {
    try {
      const columns = await metricColumns(store, run.info.run_id, key, { signal });
      let byRun = into.get(key);
      if (!byRun) into.set(key, (byRun = new Map()));
      byRun.set(run.info.run_id, new ChartHistory(columns, axis, run.info.start_time));
    } catch (error) {
      if (signal.aborted) throw error;
      problems.push({ runId: run.info.run_id, key, message: `${runDisplayName(run)} · ${key}: ${(error as Error).message}` });
    }
  }

  /** Re-reads the runs still RUNNING; returns the points each logged since the last read. */
  async refreshActive(loaded: LoadedMetrics, axis: XAxis): Promise<LiveUpdate> {
    const appended: LiveUpdate['appended'] = [];
    let newKeys = false;
    let statusChanged = false;
    const active = loaded.runs.filter((r) => r.info.status === 'RUNNING' || r.info.status === 'SCHEDULED');
    for (const old of active) {
      const run = await loaded.store.getRun(old.info.run_id);
      statusChanged ||= run.info.status !== old.info.status;
      loaded.runs = loaded.runs.map((r) => (r.info.run_id === run.info.run_id ? run : r));
      for (const metric of run.data.metrics ?? []) {
        const byRun = loaded.series.get(metric.key);
        if (!byRun) {
          newKeys = true;
          continue;
        }
        const columns = await metricColumns(loaded.store, run.info.run_id, metric.key);
        // Read after the await: a refresh that ran meanwhile may have appended these points already.
        const before = byRun.get(run.info.run_id);
        if (before && columns.step.length === before.length) continue;
        const after = new ChartHistory(columns, axis, run.info.start_time);
        byRun.set(run.info.run_id, after);
        appended.push({ key: metric.key, runId: run.info.run_id, series: after.tail(before?.length ?? 0) });
      }
    }
    return { appended, newKeys, statusChanged };
  }
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
