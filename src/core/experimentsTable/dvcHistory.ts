/**
 * Min/max/at-step cells of DVC rows: the history DVCLive keeps of each metric
 * (core/dvc/experiments/history.ts), read where the row's files are — its commit, the workspace,
 * or a running experiment's work tree. A queued or failed row has no run of its own to read (its
 * revision is the queue's stash commit), so its cells stay empty, as they do for a metric DVCLive
 * did not write.
 */
import type { DvcliveHistory, HistoryPlace } from '../dvc/experiments/history.js';
import { toJsonDouble } from '../tracking/entities.js';
import type { HistoryReader } from './metricViews.js';
import type { TableRow } from './rows.js';

export function historyPlace(row: TableRow): HistoryPlace | undefined {
  if (row.source !== 'dvc' || row.status === 'queued' || row.status === 'failed') return undefined;
  if (row.workTree) return { workTree: row.workTree };
  if (row.ref === 'workspace') return { workspace: true };
  return { commit: row.ref };
}

/** The table's history reader for a DVC root's rows. */
export function dvcHistoryReader(history: Pick<DvcliveHistory, 'read'>): HistoryReader {
  return async (row, key, signal) => {
    const place = historyPlace(row);
    const origin = row.metricFiles?.[key];
    if (!place || !origin) return [];
    const points = await history.read(place, origin.file, origin.key, signal);
    return points.map((point) => ({ key, value: toJsonDouble(point.value), timestamp: point.timestamp, step: point.step }));
  };
}
