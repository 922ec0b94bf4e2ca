/**
 * The Metrics panel's session, against a store real MLflow wrote: runs in the selection's order,
 * problems for what cannot be read, series sized to the chart, and live re-reads of a RUNNING run
 * after MLflow logs to it again.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { MetricsSession } from '../../src/core/charts/metricsSession.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import type { TrackingStore } from '../../src/core/tracking/store.js';
import { trackingFixture, type TrackingFixture } from '../support/fixtures.js';
import { env, pythonEnv } from '../support/python.js';

const execFileAsync = promisify(execFile);
let fixture: TrackingFixture;
let store: TrackingStore;
const signal = new AbortController().signal;

before(async () => {
  fixture = await trackingFixture('file');
  store = openTrackingStore(fixture.uri, { cwd: fixture.dir });
});

/** Runs MLflow's own client on the fixture store. */
async function mlflow(code: string): Promise<void> {
  const python = await pythonEnv();
  const script = `import mlflow\nfrom mlflow import MlflowClient\nclient = MlflowClient(${JSON.stringify(fixture.uri)})\n${code}`;
  await execFileAsync(python.python, ['-c', script], { cwd: fixture.dir, env: env(python) });
}

test('a session keeps the selection’s run order, sorts the keys, and reports a missing run as a problem', async () => {
  const { runs } = fixture.summary;
  const ids = [runs['diverged-run']!, 'f'.repeat(32), runs['baseline-logreg']!];
  const session = await MetricsSession.open(store, { runIds: ids }, 'step', signal);
  assert.deepEqual(session.runs.map((r) => r.info.run_name), ['diverged-run', 'baseline-logreg']);
  assert.equal(session.title, 'Metrics: 2 runs');
  assert.deepEqual(session.keys, [...session.keys].sort((a, b) => a.localeCompare(b)));
  assert.ok(session.keys.includes('accuracy') && session.keys.includes('loss') && session.keys.includes('grad_norm'));
  assert.equal(session.problems.length, 1);
  assert.equal(session.problems[0]!.runId, 'f'.repeat(32));
  const loss = session.overview(420).charts.find((c) => c.key === 'loss')!;
  assert.deepEqual(loss.series.map((s) => s.runId), [runs['diverged-run'], runs['baseline-logreg']]);
});

test('requested keys keep their order; a chart is downsampled to the width and a zoomed window comes whole when it fits', async () => {
  const id = fixture.summary.runs['baseline-logreg']!;
  const session = await MetricsSession.open(store, { runIds: [id], keys: ['loss', 'nope', 'accuracy'] }, 'step', signal);
  assert.deepEqual(session.keys, ['loss', 'accuracy']);
  assert.equal(session.title, 'Metrics: baseline-logreg');
  const { charts, points } = session.overview(3);
  assert.equal(points, 40);
  const accuracy = charts.find((c) => c.key === 'accuracy')!.series[0]!;
  assert.equal(accuracy.total, 20);
  assert.ok(accuracy.x.length < 20 && !accuracy.full, `3 px wide: ${accuracy.x.length} points`);
  const zoomed = session.detail('accuracy', [5, 9], 300)[0]!;
  assert.ok(zoomed.full);
  assert.deepEqual([...zoomed.x].filter((x) => x >= 5 && x <= 9), [5, 6, 7, 8, 9]);
  // The CSV of shown points is what was last sent; the full CSV every point.
  const shown = session.csvSeries('accuracy', false)[0]!;
  assert.deepEqual([...shown.rows!].map((i) => shown.step[i]!).filter((s) => s >= 5 && s <= 9), [5, 6, 7, 8, 9]);
  assert.equal(session.csvSeries('accuracy', true)[0]!.rows, undefined);
  assert.deepEqual(session.csvSeries('missing', true), []);
});

test('live: points MLflow logs to a RUNNING run come back as appended tails; a new metric asks for a reload; the end is a status change', { timeout: 120_000 }, async () => {
  const id = fixture.summary.runs['still-running']!;
  const session = await MetricsSession.open(store, { runIds: [id] }, 'step', signal);
  assert.ok(session.hasActiveRuns);
  assert.deepEqual(session.keys, ['accuracy']);
  const nothing = await session.refreshActive();
  assert.deepEqual(nothing, { appended: [], newKeys: false, statusChanged: false });

  await mlflow(`for step in (4, 5):\n    client.log_metric(${JSON.stringify(id)}, 'accuracy', 0.7 + step / 100, step=step)`);
  const grown = await session.refreshActive();
  assert.equal(grown.newKeys, false);
  assert.equal(grown.appended.length, 1);
  assert.deepEqual([...grown.appended[0]!.series.x], [4, 5]);
  assert.equal(grown.appended[0]!.series.total, 3);

  // Two re-reads at once (a timer tick while a slow read is still out): each point comes back once.
  await mlflow(`for step in (6, 7):\n    client.log_metric(${JSON.stringify(id)}, 'accuracy', 0.7 + step / 100, step=step)`);
  const overlapping = await Promise.all([session.refreshActive(), session.refreshActive()]);
  assert.deepEqual(overlapping.flatMap((u) => u.appended.flatMap((a) => [...a.series.x])), [6, 7]);

  await mlflow(`client.log_metric(${JSON.stringify(id)}, 'val_loss', 0.5, step=5)\nclient.set_terminated(${JSON.stringify(id)}, 'FINISHED')`);
  const ended = await session.refreshActive();
  assert.equal(ended.newKeys, true);
  assert.equal(ended.statusChanged, true);
  assert.equal(session.hasActiveRuns, false);
});

test('an aborted read rejects instead of reporting problems', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(MetricsSession.open(store, { runIds: [fixture.summary.runs['baseline-logreg']!] }, 'step', controller.signal));
});
