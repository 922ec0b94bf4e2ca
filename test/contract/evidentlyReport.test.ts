/**
 * Open Full Evidently Report (core/monitoring/evidentlyReport.ts) with real Evidently: the panel's
 * check (our native drift) on a CSV reference and a JSON Lines current table, then the same files
 * and columns handed to Evidently in the test venv, which writes its own self-contained HTML
 * report (no script or style fetched from the network) naming the compared columns only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { runDriftJob } from '../../src/core/monitoring/driftJob';
import { evidentlyPayload, pruneReports, runEvidentlyReport } from '../../src/core/monitoring/evidentlyReport';
import { env, pythonEnv } from '../support/python';

const dir = mkdtempSync(join(tmpdir(), 'mlwb-evidently-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TABLES = `
import sys, numpy as np, pandas as pd
rng = np.random.default_rng(7)
n = 300
ref = pd.DataFrame({"age": rng.normal(40, 10, n), "city": rng.choice(["Oslo", "Rome"], n), "target": rng.integers(0, 2, n)})
cur = pd.DataFrame({"age": rng.normal(48, 10, n), "city": rng.choice(["Oslo", "Rome"], n), "timestamp": "2026-12-07T00:00:00Z", "model_uri": "models:/m/1"})
ref.to_csv(sys.argv[1] + "/reference.csv", index=False)
cur.to_json(sys.argv[1] + "/current.jsonl", orient="records", lines=True)
`;

test('Evidently’s own report of the panel’s check: the same files and columns, self-contained HTML', async () => {
  const python = await pythonEnv();
  await promisify(execFile)(python.python, ['-c', TABLES, dir], { env: env(python) });
  const reference = { path: join(dir, 'reference.csv'), label: 'reference' };
  const current = { path: join(dir, 'current.jsonl'), label: 'capture', capture: true };
  const { report, leftOut } = await runDriftJob({ reference, current });
  assert.deepEqual(report.columns.map((c) => c.column), ['age', 'city']);
  assert.deepEqual(leftOut.map((c) => c.column), ['target']);
  const html = join(dir, 'reports', 'drift-1.html');
  const payload = evidentlyPayload(reference, current, report, html);
  assert.deepEqual(payload.columns, ['age', 'city']);
  assert.deepEqual([payload.reference.format, payload.current.format], ['csv', 'jsonl']);
  const written = await runEvidentlyReport(python.python, payload, { cwd: dir, env: env(python) });
  assert.equal(written, html);
  const text = readFileSync(html, 'utf8');
  assert.ok(text.length > 100_000, 'Evidently wrote its report');
  assert.match(text, /"age"|age/);
  assert.doesNotMatch(text, /<script[^>]+src=["']https?:/i, 'no script from the network');
  assert.doesNotMatch(text, /<link[^>]+href=["']https?:/i, 'no stylesheet from the network');
  // A column left out of the check is left out of Evidently's report too.
  assert.doesNotMatch(text, /model_uri/);
});

test('an interpreter without Evidently or pandas: the error names the missing module', async () => {
  // A bare venv (no system site-packages, no pip): neither pandas nor Evidently can be imported.
  const bare = join(dir, 'bare-venv');
  await promisify(execFile)('python3', ['-m', 'venv', '--without-pip', bare]);
  const payload = { reference: { path: join(dir, 'reference.csv'), format: 'csv' as const }, current: { path: join(dir, 'current.jsonl'), format: 'jsonl' as const }, columns: ['age'], driftShare: 0.5, html: join(dir, 'bare.html') };
  await assert.rejects(runEvidentlyReport(join(bare, 'bin', 'python'), payload, { cwd: dir }), /Evidently could not make the report: .*ModuleNotFoundError: No module named '(pandas|evidently)'/);
});

test('a table that is gone: the error names the file, with Evidently installed', async () => {
  const python = await pythonEnv();
  const missing = join(dir, 'nope.csv');
  const payload = { reference: { path: join(dir, 'reference.csv'), format: 'csv' as const }, current: { path: missing, format: 'csv' as const }, columns: ['age'], driftShare: 0.5, html: join(dir, 'x.html') };
  const error = await runEvidentlyReport(python.python, payload, { cwd: dir, env: env(python) }).then(() => undefined, (e: unknown) => e as Error);
  assert.ok(error, 'the report must fail');
  assert.match(error.message, /Evidently could not make the report: .*FileNotFoundError/);
  assert.ok(error.message.includes(missing), error.message);
});

test('only the newest reports are kept', async () => {
  const { writeFileSync, mkdirSync, readdirSync } = await import('node:fs');
  const folder = join(dir, 'prune');
  mkdirSync(folder);
  for (const name of ['drift-2026-01.html', 'drift-2026-02.html', 'drift-2026-03.html', 'other.html']) writeFileSync(join(folder, name), 'x');
  await pruneReports(folder, 2);
  assert.deepEqual(readdirSync(folder).sort(), ['drift-2026-02.html', 'drift-2026-03.html', 'other.html']);
});
