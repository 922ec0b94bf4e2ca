/**
 * A long history's sample, drawn while the whole is read: on a 30,000-step history MLflow's client
 * logged into both local stores, every sampled point is one of the history's points, the first
 * and the last are there, it is bounded, a short history is not sampled; the same through the
 * history threads; a file whose last line is still being written; and a Metrics session that
 * hands a sampled session to `onSample` before the complete one.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MetricsSession } from '../../src/core/charts/metricsSession.js';
import { HistoryPool } from '../../src/core/tracking/history/pool.js';
import { hasSample, metricColumns, type MetricColumns } from '../../src/core/tracking/metricColumns.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import type { TrackingStore } from '../../src/core/tracking/store.js';
import { longHistoryFixture, type LongHistoryFixture } from '../support/fixtures.js';

let fixture: LongHistoryFixture;
const pool = new HistoryPool({ size: 2, idleMs: 1_000 });
const scratch: string[] = [];

before(async () => {
  fixture = await longHistoryFixture();
});
after(() => {
  pool.dispose();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const BACKENDS = ['sqlite', 'file'] as const;

function open(backend: (typeof BACKENDS)[number], historyPool?: HistoryPool): TrackingStore {
  return openTrackingStore(fixture[backend].uri, { cwd: fixture.dir, ...(historyPool ? { historyPool } : {}) });
}

async function sampleOf(store: TrackingStore, runId: string, key: string, points: number): Promise<MetricColumns | undefined> {
  assert.ok(hasSample(store), `${store.label} samples long histories`);
  return store.getMetricSample(runId, key, points);
}

/** Every point of `sample` is a point of `whole` (step, timestamp and value, NaN and ±Infinity as logged). */
function assertPointsOf(sample: MetricColumns, whole: MetricColumns, label: string): void {
  const points = new Set<string>();
  for (let i = 0; i < whole.step.length; i++) points.add(`${whole.step[i]} ${whole.timestamp[i]} ${whole.value[i]}`);
  for (let i = 0; i < sample.step.length; i++) {
    const point = `${sample.step[i]} ${sample.timestamp[i]} ${sample.value[i]}`;
    assert.ok(points.has(point), `${label}: sampled point ${point} is one of the history's`);
  }
}

test('a long history sampled on both local stores: about the asked points, each one of the history, first and last included', async () => {
  for (const backend of BACKENDS) {
    const store = open(backend);
    const runId = fixture[backend].run_id;
    const whole = await metricColumns(store, runId, 'loss');
    assert.equal(whole.step.length, fixture.steps + 1, `${backend}: the whole history as MLflow logged it`);
    const sample = (await sampleOf(store, runId, 'loss', 1_000))!;
    assert.ok(sample, `${backend}: a 30,000-step history is sampled`);
    assert.ok(sample.step.length >= 900 && sample.step.length <= 1_001, `${backend}: ${sample.step.length} points for 1,000 asked`);
    assertPointsOf(sample, whole, backend);
    // The first and the last point in the store's order: SQLite's by step, the file's as written
    // (the second value at step 300 was logged last).
    const last = (c: MetricColumns): number[] => [c.step.at(-1)!, c.timestamp.at(-1)!, c.value.at(-1)!];
    assert.equal(sample.step[0], 0, `${backend}: the first step`);
    assert.deepEqual(last(sample), last(whole), `${backend}: the last point`);
    assert.deepEqual(last(whole), backend === 'sqlite' ? [fixture.steps - 1, 1_700_000_000_000 + fixture.steps - 1, 1 / fixture.steps + ((fixture.steps - 1) % 7) * 1e-4] : [300, 1_700_000_000_300, 0.5]);
    // Spread over the history: no gap between sampled steps much wider than an even share.
    let widest = 0;
    for (let i = 1; i < sample.step.length; i++) widest = Math.max(widest, sample.step[i]! - sample.step[i - 1]!);
    assert.ok(widest <= (fixture.steps / 1_000) * 3, `${backend}: the widest gap is ${widest} steps`);
    // A short history (20 steps) is read whole instead.
    assert.equal(await sampleOf(store, runId, 'accuracy', 1_000), undefined, `${backend}: a short history is not sampled`);
    assert.equal(await sampleOf(store, runId, 'never-logged', 1_000), undefined, `${backend}: a metric never logged is not sampled`);
    store.dispose();
  }
});

test('SQLite samples in step order with NaN and +Infinity as logged; a run that does not exist is the typed not-found error', async () => {
  const store = open('sqlite');
  const runId = fixture.sqlite.run_id;
  const sample = (await sampleOf(store, runId, 'loss', 20_000))!;
  for (let i = 1; i < sample.step.length; i++) assert.ok(sample.step[i]! >= sample.step[i - 1]!, 'step order');
  const at = (step: number): number => sample.value[[...sample.step].indexOf(step)]!;
  assert.ok(Number.isNaN(at(100)), 'the NaN MLflow stored as is_nan');
  assert.equal(at(200), Number.MAX_VALUE, '+Infinity as MLflow stores it (the largest double)');
  await assert.rejects(sampleOf(store, 'f'.repeat(32), 'loss', 100), /not found/);
  store.dispose();
});

test('samples read by the history threads equal the ones read on this thread', async () => {
  for (const backend of BACKENDS) {
    const here = open(backend);
    const there = open(backend, pool);
    const runId = fixture[backend].run_id;
    assert.deepEqual(await sampleOf(there, runId, 'loss', 500), await sampleOf(here, runId, 'loss', 500), backend);
    assert.equal(await sampleOf(there, runId, 'accuracy', 500), undefined, `${backend}: short, through a thread`);
    here.dispose();
    there.dispose();
  }
});

test('a file store metric whose last line is still being written: the sample ends at the last whole line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlw-sample-'));
  scratch.push(dir);
  cpSync(join(fixture.dir, 'mlruns'), join(dir, 'mlruns'), { recursive: true });
  const store = openTrackingStore(`file://${join(dir, 'mlruns')}`, { cwd: dir });
  const runId = fixture.file.run_id;
  const before = (await sampleOf(store, runId, 'loss', 300))!;
  const run = await store.getRun(runId);
  const file = join(dir, 'mlruns', run.info.experiment_id, runId, 'metrics', 'loss');
  appendFileSync(file, '1700000099999 0.12');
  const during = (await sampleOf(store, runId, 'loss', 300))!;
  assert.equal(during.step[during.step.length - 1], before.step[before.step.length - 1], 'the half-written line is left out');
  store.dispose();
});

test('a Metrics session with onSample: a session of samples first, then every point; without it, no sample', async () => {
  for (const backend of BACKENDS) {
    const store = open(backend);
    const runId = fixture[backend].run_id;
    const samples: MetricsSession[] = [];
    const session = await MetricsSession.open(store, { runIds: [runId] }, 'step', new AbortController().signal, { onSample: (s) => samples.push(s), samplePoints: 400 });
    assert.equal(samples.length, 1, `${backend}: one sampled session`);
    const sampled = samples[0]!;
    assert.ok(sampled.isSample && !session.isSample);
    assert.deepEqual(sampled.keys, session.keys, 'the same charts');
    const first = sampled.overview(800).charts;
    const loss = first.find((c) => c.key === 'loss')!.series[0]!;
    assert.ok(loss.sample && !loss.full, `${backend}: loss is a sample`);
    assert.ok(loss.total <= 401, `${backend}: the sample's ${loss.total} points`);
    const accuracy = first.find((c) => c.key === 'accuracy')!.series[0]!;
    assert.ok(!accuracy.sample && accuracy.full && accuracy.total === 20, `${backend}: a short history is whole in the sampled session`);
    const complete = session.overview(800).charts.find((c) => c.key === 'loss')!.series[0]!;
    assert.ok(!complete.sample, 'the complete session has no sample');
    assert.equal(complete.total, fixture.steps + 1, `${backend}: every point`);
    // Exports come from the complete session only; without onSample nothing is sampled.
    const plain = await MetricsSession.open(store, { runIds: [runId] }, 'step', new AbortController().signal);
    assert.ok(!plain.isSample);
    assert.equal(plain.overview(800).charts.find((c) => c.key === 'loss')!.series[0]!.total, fixture.steps + 1);
    store.dispose();
  }
});

test('with wholeReadsAfter, the long histories are read whole only once it settles (the panel: once the sample is drawn); an abort meanwhile ends the open', async () => {
  for (const backend of BACKENDS) {
    const store = open(backend);
    const runId = fixture[backend].run_id;
    let release!: () => void;
    const drawn = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    let sampledAt = 0;
    let settled = false;
    const opening = MetricsSession.open(store, { runIds: [runId] }, 'step', new AbortController().signal, {
      onSample: () => (sampledAt = Date.now()),
      samplePoints: 400,
      wholeReadsAfter: () => (asked++, drawn),
    }).then((session) => ((settled = true), session));
    while (sampledAt === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(asked, 1, `${backend}: asked once, after the sample`);
    assert.ok(!settled, `${backend}: nothing read whole before the sample is drawn`);
    release();
    const session = await opening;
    assert.equal(session.overview(800).charts.find((c) => c.key === 'loss')!.series[0]!.total, fixture.steps + 1, `${backend}: every point after`);

    const controller = new AbortController();
    const aborted = MetricsSession.open(store, { runIds: [runId] }, 'step', controller.signal, { onSample: () => controller.abort(), samplePoints: 400, wholeReadsAfter: () => Promise.resolve() });
    await assert.rejects(aborted, { name: 'AbortError' }, `${backend}: aborted while waiting`);
    store.dispose();
  }
});
