/**
 * Capture in front of a real `mlflow models serve` (the venv's MLflow): a registered iris model
 * served with our argv on a private port, the capture proxy in front; requests in the scoring
 * server's formats go through it, the client sees exactly MLflow's answers, and the log holds one
 * row per input row with MLflow's predictions (compared with MLflow's own pyfunc `predict`), read
 * back with the drift reader and compared against the training data.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { computeDrift } from '../../src/core/drift/report.js';
import { CaptureLog } from '../../src/core/monitoring/captureLog.js';
import { CaptureProxy } from '../../src/core/monitoring/captureProxy.js';
import { findFreePort } from '../../src/core/tasks/machine.js';
import { modelsServe, registeredModelUri } from '../../src/core/tasks/mlflow.js';
import { sendTestRequest, waitUntilHealthy } from '../../src/core/tasks/servingClient.js';
import { env, pythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);

const LOG_MODEL = `
import sys
import mlflow
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
mlflow.set_tracking_uri(sys.argv[1])
X, y = load_iris(return_X_y=True, as_frame=True)
X.columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
X.to_csv(sys.argv[2], index=False)
model = LogisticRegression(max_iter=200).fit(X, y)
with mlflow.start_run():
    mlflow.sklearn.log_model(model, name="model", input_example=X.head(3), registered_model_name="iris-capture")
`;

const PREDICT = `
import json, sys
import mlflow, pandas as pd
mlflow.set_tracking_uri(sys.argv[1])
rows = [json.loads(line) for line in open(sys.argv[2])]
cols = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
frame = pd.DataFrame([[r[c] for c in cols] for r in rows], columns=cols)
print(json.dumps([int(p) for p in mlflow.pyfunc.load_model("models:/iris-capture/1").predict(frame)]))
`;

let server: ChildProcess | undefined;
const proxies: CaptureProxy[] = [];
after(async () => {
  for (const proxy of proxies) proxy.dispose();
  const child = server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
});

test('requests through the capture proxy get MLflow answers unchanged; the log holds each row with its prediction and version', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-capture-'));
  const venv = await pythonEnv();
  const trackingUri = `sqlite:///${join(dir, 'mlflow.db')}`;
  const training = join(dir, 'train.csv');
  await execFileAsync(venv.python, ['-c', LOG_MODEL, trackingUri, training], { cwd: dir, env: env(venv, {}), timeout: 180_000 });

  const upstreamPort = await findFreePort();
  const spec = modelsServe({ python: venv.python, cwd: dir, modelUri: registeredModelUri('iris-capture', { version: 1 }), port: upstreamPort, tracking: { trackingUri } });
  let output = '';
  server = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: env(venv, { ...spec.env }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));

  const log = new CaptureLog({ dir: join(dir, 'capture'), maxBytes: 1 << 20, keepFiles: 2 });
  const proxy = new CaptureProxy({ upstreamPort, log, modelUri: 'models:/iris-capture/1', modelVersion: '1' });
  proxies.push(proxy);
  const port = await proxy.listen();
  // Health through the proxy: /ping and /version are MLflow's.
  const health = await waitUntilHealthy({ port }, { timeoutMs: 150_000, intervalMs: 500 });
  assert.ok(health.healthy, output.slice(-2000));
  assert.match(health.mlflowVersion ?? '', /^\d+\.\d+/);

  const rows = readFileSync(training, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
  const columns = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const split = JSON.stringify({ dataframe_split: { columns, data: rows.slice(0, 20) } });
  const viaProxy = await sendTestRequest({ port }, split);
  const direct = await sendTestRequest({ port: upstreamPort }, split);
  assert.ok(viaProxy.ok && direct.ok);
  assert.deepEqual([viaProxy.status, viaProxy.body, viaProxy.contentType], [direct.status, direct.body, direct.contentType]);
  // Shifted petal widths (+3 cm), as records and as column-wise inputs.
  const shifted = rows.slice(20, 40).map((r) => Object.fromEntries(columns.map((c, i) => [c, i === 3 ? r[i]! + 3 : r[i]])));
  assert.equal((await sendTestRequest({ port }, JSON.stringify({ dataframe_records: shifted }))).ok, true);
  const inputs = Object.fromEntries(columns.map((c, i) => [c, rows.slice(40, 50).map((r) => r[i])]));
  assert.equal((await sendTestRequest({ port }, JSON.stringify({ inputs }))).ok, true);
  // MLflow's 400 is passed through and not captured.
  const bad = await sendTestRequest({ port }, '{"dataframe_split": {"columns": ["nope"], "data": [[1]]}}');
  assert.ok(bad.ok && bad.status === 400);
  await log.flush();

  const lines = readFileSync(log.path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number | string>);
  assert.equal(lines.length, 50);
  assert.equal(log.stats.rows, 50);
  assert.ok(lines.every((l) => l['model_version'] === '1' && l['model_uri'] === 'models:/iris-capture/1' && !Number.isNaN(Date.parse(String(l['timestamp'])))));
  assert.deepEqual(lines.slice(0, 20).map((l) => l['prediction']), JSON.parse(viaProxy.body).predictions);
  // Every captured prediction is what MLflow's pyfunc predicts for the captured inputs.
  const predicted = JSON.parse((await execFileAsync(venv.python, ['-c', PREDICT, trackingUri, log.path], { cwd: dir, env: env(venv, {}), timeout: 120_000 })).stdout);
  assert.deepEqual(lines.map((l) => l['prediction']), predicted);
  assert.deepEqual([proxy.captureCounts.captured, proxy.captureCounts.skipped], [3, 1]);

  // The capture reads as a drift "current" against the training data: the shifted column drifts.
  const report = await computeDrift(training, log.path, { columns });
  const drifted = report.columns.filter((c) => c.drifted).map((c) => c.column);
  assert.ok(drifted.includes('petal_width'), JSON.stringify(report.columns.map((c) => [c.column, c.score])));
});
