/**
 * Our core, timed inside the process as bench/mlflow_peer.py times MLflow: imports left out, the
 * store's own work (opening the file, reading, shaping runs in MLflow's REST shape) timed. Prints
 * one JSON line: {"seconds": ..., "count": ...}. The SQLite driver comes from
 * ML_WORKBENCH_SQLITE_DRIVER, as for the CLI.
 *
 *   node --import tsx bench/core.ts listing URI EXPERIMENT_ID
 *   node --import tsx bench/core.ts history URI RUN_ID KEY [MAX_POINTS]
 */
import type { SqliteDriverName } from '../src/core/sqlite/database';
import { openTrackingStore } from '../src/core/tracking/open';
import type { TrackingStore } from '../src/core/tracking/store';

async function measure(store: TrackingStore, what: string, args: readonly string[]): Promise<number> {
  if (what === 'listing') {
    const listing = await store.searchRuns({ experimentIds: [args[0]!] });
    if (listing.problems.length > 0) throw new Error(`${listing.problems.length} problems, first: ${listing.problems[0]!.message}`);
    return listing.items.length;
  }
  if (what === 'history') {
    const [runId, key, maxPoints] = args as [string, string, string | undefined];
    const points =
      maxPoints === undefined
        ? await store.getMetricHistory(runId, key)
        : await store.getMetricHistoryBulkInterval({ runIds: [runId], metricKey: key, maxResults: Number(maxPoints) });
    return points.length;
  }
  throw new Error(`unknown measurement '${what}'`);
}

async function main(): Promise<void> {
  const [what, uri, ...rest] = process.argv.slice(2);
  if (!what || !uri) throw new Error('usage: core.ts listing|history URI ...');
  const driver = process.env['ML_WORKBENCH_SQLITE_DRIVER'] as SqliteDriverName | undefined;
  const started = performance.now();
  const store = openTrackingStore(uri, { cwd: process.cwd(), sqlite: driver ? { driver } : {} });
  try {
    const count = await measure(store, what, rest);
    process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, count }) + '\n');
  } finally {
    store.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`core.ts: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
