/**
 * The Drift Report's job: which columns are compared (capture metadata and one-sided columns left
 * out, named), the whole check run in a real worker thread (under tsx), and a cancelled check
 * ending its worker; the training tables a model version's lineage names, read from the DVC cache.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { driftColumns } from '../../src/core/monitoring/driftJob.js';
import { runDriftInWorker } from '../../src/core/monitoring/driftRunner.js';
import { trainingTables } from '../../src/core/monitoring/trainingData.js';
import type { Lineage } from '../../src/core/lineage/model.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-driftjob-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('columns: both sides in reference order; capture metadata dropped; the target only training has is named', () => {
  const { columns, leftOut } = driftColumns(['a', 'b', 'target'], ['timestamp', 'model_uri', 'model_version', 'request_id', 'prediction', 'b', 'a', 'extra'], { current: true });
  assert.deepEqual(columns, ['a', 'b']);
  assert.deepEqual(leftOut.map((l) => l.column), ['target', 'extra']);
  assert.match(leftOut[0]!.why, /training target/);
  // Between two data files, a `prediction` column is data like any other.
  assert.deepEqual(driftColumns(['prediction', 'x'], ['prediction', 'x']).columns, ['prediction', 'x']);
});

test('a check runs in a worker thread: shifted column drifts, capture metadata is not compared, a bad line is named', async () => {
  const reference = join(scratch, 'train.csv');
  const current = join(scratch, 'requests.jsonl');
  const n = 200;
  writeFileSync(reference, 'x,y,target\n' + Array.from({ length: n }, (_, i) => `${(i % 50) / 10},${i % 7},${i % 2}`).join('\n') + '\n');
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: '2026-12-06T10:00:00Z', model_uri: 'models:/m/1', model_version: '1', request_id: `r${i}`, prediction: 1, x: (i % 50) / 10 + 10, y: i % 7 }));
  writeFileSync(current, lines.join('\n') + '\n{"x": \n');
  const { report, leftOut } = await runDriftInWorker({ reference: { path: reference, label: 'train' }, current: { path: current, label: 'capture', capture: true } });
  assert.deepEqual(report.columns.map((c) => [c.column, c.drifted]), [['x', true], ['y', false]]);
  assert.deepEqual(leftOut.map((l) => l.column), ['target']);
  assert.ok(report.problems.some((p) => p.line === n + 1 && p.dataset === 'current'), JSON.stringify(report.problems));
});

test('a cancelled check rejects at once; a missing file is an error with its reason', async () => {
  const controller = new AbortController();
  const pending = runDriftInWorker({ reference: { path: join(scratch, 'train.csv'), label: 'a' }, current: { path: join(scratch, 'train.csv'), label: 'b' } }, { signal: controller.signal });
  controller.abort(new Error('closed'));
  await assert.rejects(pending, /closed/);
  await assert.rejects(runDriftInWorker({ reference: { path: join(scratch, 'nope.csv'), label: 'a' }, current: { path: join(scratch, 'train.csv'), label: 'b' } }), (error: Error & { reason?: string }) => error.reason === 'not-found');
});

test('training tables: DVC inputs with a table format read from the cache object; others named as gaps, train first', async () => {
  const cache = join(scratch, 'cache');
  const hash = 'ab' + 'c'.repeat(30);
  mkdirSync(join(cache, 'files', 'md5', 'ab'), { recursive: true });
  writeFileSync(join(cache, 'files', 'md5', 'ab', 'c'.repeat(30)), 'x\n1\n');
  const input = (path: string, kind: 'dvc' | 'git', h: string | null) => ({ path, kind, hash: h, version: 2 }) as unknown;
  const lineage = {
    commit: { id: 'c0ffee' },
    gaps: [],
    stages: [{ address: 'train', inputs: [input('data/test.csv', 'dvc', 'ff' + 'e'.repeat(30)), input('src/train.py', 'git', 'x'), input('data/train.csv', 'dvc', hash), input('params.csv', 'git', 'y')] }],
  } as unknown as Lineage;
  const data = await trainingTables(lineage, cache);
  assert.deepEqual(data.tables.map((t) => [t.path, t.format, t.stage, t.commit]), [['data/train.csv', 'csv', 'train', 'c0ffee']]);
  assert.equal(data.gaps.length, 2);
  assert.match(data.gaps[0]!, /data\/test.csv.*not in the DVC cache/);
  assert.match(data.gaps[1]!, /params.csv.*git/);
});

test('training tables: a file inside a DVC-tracked directory is read through the directory listing', async () => {
  const cache = join(scratch, 'cache-dir');
  const put = (hash: string, text: string): void => {
    mkdirSync(join(cache, 'files', 'md5', hash.slice(0, 2)), { recursive: true });
    writeFileSync(join(cache, 'files', 'md5', hash.slice(0, 2), hash.slice(2)), text);
  };
  const fileMd5 = '11' + '1'.repeat(30);
  put('22' + '2'.repeat(30) + '.dir', JSON.stringify([{ relpath: 'test.csv', md5: '33' + '3'.repeat(30) }, { relpath: 'train.csv', md5: fileMd5 }]));
  put(fileMd5, 'x\n1\n');
  const lineage = { commit: { id: 'c0ffee' }, gaps: [], stages: [{ address: 'train', inputs: [{ path: 'data/prepared/train.csv', kind: 'dvc', hash: '22' + '2'.repeat(30) + '.dir', trackedAs: 'data/prepared', version: 1 }] }] } as unknown as Lineage;
  const data = await trainingTables(lineage, cache);
  assert.deepEqual(data.tables.map((t) => [t.path, t.hash]), [['data/prepared/train.csv', fileMd5]]);
});
