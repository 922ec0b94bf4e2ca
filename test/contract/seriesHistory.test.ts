/**
 * Chart series against MLflow's client on real stores: a history read by our store, put on the
 * step or wall-time axis (src/core/series/axes.ts) and exported (csv.ts) must give, byte for
 * byte, the CSV that Python's csv module writes from `MlflowClient().get_metric_history` sorted
 * by (step, timestamp) — or (timestamp, step) — the order MLflow's charts draw. The stores:
 * test/fixtures/make_tracking_store.py's (NaN, ±Infinity, negative and huge steps), and one made
 * here with several values per step, steps logged out of time order and a run name that needs
 * quoting. The drawn (downsampled) rows must be rows of the full export, in order.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { metricSeries, type XAxisMode } from '../../src/core/series/axes.js';
import { metricsCsv } from '../../src/core/series/csv.js';
import { querySeries } from '../../src/core/series/rangePoints.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import { trackingFixture, type Backend } from '../support/fixtures';
import { env, pythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);

const QUIRKS_RUN = 'lr=0.1, "warm"\nrestart';

/** Logs the quirky history into a SQLite and a file store under `dir`; prints the run ids. */
const MAKE_QUIRKS = `
import json, sys
from mlflow import MlflowClient
from mlflow.entities import Metric
out = {}
for backend, uri in (("sqlite", "sqlite:///" + sys.argv[1] + "/mlflow.db"), ("file", "file://" + sys.argv[1] + "/mlruns")):
    client = MlflowClient(uri)
    run = client.create_run("0", run_name=${JSON.stringify(QUIRKS_RUN)}, start_time=1700000000000)
    t = 1700000000000
    points = [(3, t + 10, 0.5), (1, t + 20, 0.25), (1, t + 30, 1e-05), (1, t + 25, float("nan")),
              (2, t + 40, float("inf")), (2, t + 40, -1.5), (0, t + 50, float("-inf")), (5, t + 5, 1e16),
              (4, t + 60, 0.1), (4, t + 60, 0.1), (7, t + 70, -0.0)] + [(10 + i, t + 100 + i, (i % 7) / 3) for i in range(300)]
    client.log_batch(run.info.run_id, metrics=[Metric("loss", v, ts, s) for s, ts, v in points])
    out[backend] = {"uri": uri, "run_id": run.info.run_id}
print(json.dumps(out))
`;

/** Python's csv module writing get_metric_history sorted like a chart, for each [uri, run_id, key, order]. */
const REFERENCE = `
import csv, io, json, sys
from mlflow import MlflowClient
answers = []
for uri, run_id, key, order in json.load(sys.stdin):
    client = MlflowClient(uri)
    name = client.get_run(run_id).info.run_name
    by = (lambda m: (m.step, m.timestamp)) if order == "step" else (lambda m: (m.timestamp, m.step))
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\\r\\n")
    writer.writerow(["run_id", "run_name", "key", "step", "timestamp", "value"])
    for m in sorted(client.get_metric_history(run_id, key), key=by):
        writer.writerow([run_id, name, key, m.step, m.timestamp, m.value])
    answers.append(text.getvalue())
print(json.dumps(answers))
`;

interface Case {
  readonly uri: string;
  readonly runId: string;
  readonly key: string;
  readonly axis: XAxisMode;
}

async function python(script: string, args: readonly string[], input?: string): Promise<string> {
  const py = await pythonEnv();
  const child = execFileAsync(py.python, ['-c', script, ...args], { env: env(py), maxBuffer: 64 << 20 });
  if (input !== undefined) child.child.stdin?.end(input);
  return (await child).stdout;
}

async function ours(c: Case): Promise<{ full: string; shown: string }> {
  const store = openTrackingStore(c.uri, { cwd: process.cwd() });
  try {
    const [history, run] = await Promise.all([store.getMetricHistory(c.runId, c.key), store.getRun(c.runId)]);
    const s = metricSeries(history, c.axis);
    const columns = { runId: c.runId, runName: run.info.run_name ?? '', key: c.key, step: s.step, timestamp: s.timestamp, value: s.y };
    const slice = querySeries(s.x, s.y, { target: 8 });
    return { full: metricsCsv([columns]), shown: metricsCsv([{ ...columns, rows: slice.sourceIndex }]) };
  } finally {
    store.dispose();
  }
}

const quirksDir = mkdtempSync(join(tmpdir(), 'mlw-series-'));
after(() => rmSync(quirksDir, { recursive: true, force: true }));

async function cases(): Promise<Case[]> {
  const quirks = JSON.parse(await python(MAKE_QUIRKS, [quirksDir])) as Record<Backend, { uri: string; run_id: string }>;
  const all: Case[] = [];
  for (const backend of ['sqlite', 'file'] as const) {
    const fixture = await trackingFixture(backend);
    const diverged = fixture.summary.runs['diverged-run']!;
    const baseline = fixture.summary.runs['baseline-logreg']!;
    const picks: [string, string][] = [[diverged, 'loss'], [diverged, 'grad_norm'], [diverged, 'log_prob'], [diverged, 'offset'], [diverged, 'nan_only'], [baseline, 'accuracy']];
    for (const axis of ['step', 'wall'] as const) {
      for (const [runId, key] of picks) all.push({ uri: fixture.uri, runId, key, axis });
      all.push({ uri: quirks[backend].uri, runId: quirks[backend].run_id, key: 'loss', axis });
    }
  }
  return all;
}

describe("chart series equal MLflow's get_metric_history", () => {
  test('full and shown CSV exports, step and wall-time order, SQLite and file stores', async () => {
    const all = await cases();
    const input = JSON.stringify(all.map((c) => [c.uri, c.runId, c.key, c.axis]));
    const expected = JSON.parse(await python(REFERENCE, [], input)) as string[];
    for (const [i, c] of all.entries()) {
      const { full, shown } = await ours(c);
      assert.equal(full, expected[i], `${c.uri} ${c.runId} ${c.key} (${c.axis} order)`);
      const rows = full.split('\r\n');
      let at = 0;
      for (const row of shown.split('\r\n')) {
        at = rows.indexOf(row, at);
        assert.ok(at >= 0, `shown row ${JSON.stringify(row)} is a row of the full export, in order`);
      }
    }
    const quirk = all.find((c) => c.uri.includes(quirksDir) && c.axis === 'step')!;
    assert.ok((await ours(quirk)).full.includes(`"lr=0.1, ""warm""\nrestart",loss,1,1700000000020,0.25\r\n`), 'the quoted run name');
  });
});
