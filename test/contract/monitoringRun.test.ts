/**
 * Log to MLflow: a drift check (computed natively) logged with our script in the venv's MLflow,
 * then read back with MLflow's own client: the run in the monitoring experiment, its tags linking
 * it to the model version, the metrics, and the report artifact equal to what was computed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { runDriftJob } from '../../src/core/monitoring/driftJob.js';
import { logMonitoringRun, MONITORING_EXPERIMENT, MONITORING_TAGS, monitoringRunPayload } from '../../src/core/monitoring/mlflowRun.js';
import { env, pythonEnv } from '../support/python';

const READ_BACK = `
import json, sys
import mlflow
client = mlflow.MlflowClient(sys.argv[1])
run = client.get_run(sys.argv[2])
exp = client.get_experiment(run.info.experiment_id)
path = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="drift/report.json", tracking_uri=sys.argv[1])
print(json.dumps({"experiment": exp.name, "name": run.info.run_name, "tags": {k: v for k, v in run.data.tags.items() if k.startswith("mlworkbench.")}, "metrics": run.data.metrics, "report": json.load(open(path))}))
`;

test('a drift check logged to MLflow reads back with its tags, metrics and report artifact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-monrun-'));
  const venv = await pythonEnv();
  const reference = join(dir, 'train.csv');
  const current = join(dir, 'current.csv');
  writeFileSync(reference, 'x,"odd name/é"\n' + Array.from({ length: 120 }, (_, i) => `${i % 30},${['a', 'b'][i % 2]}`).join('\n') + '\n');
  writeFileSync(current, 'x,"odd name/é"\n' + Array.from({ length: 120 }, (_, i) => `${(i % 30) + 40},${['a', 'b'][i % 2]}`).join('\n') + '\n');
  const { report, leftOut } = await runDriftJob({ reference: { path: reference, label: 'r' }, current: { path: current, label: 'c' } });
  const payload = monitoringRunPayload(report, leftOut, { model: { name: 'iris', version: '3' }, reference: 'train.csv @ abc1234', current: 'capture', at: new Date('2026-12-06T10:00:00Z') });
  const trackingUri = `sqlite:///${join(dir, 'mlflow.db')}`;
  const run = await logMonitoringRun(venv.python, trackingUri, payload, { cwd: dir, env: env(venv, {}) });

  const { stdout } = await promisify(execFile)(venv.python, ['-c', READ_BACK, trackingUri, run.runId], { cwd: dir, env: env(venv, {}), timeout: 120_000 });
  const back = JSON.parse(stdout) as { experiment: string; name: string; tags: Record<string, string>; metrics: Record<string, number>; report: typeof report };
  assert.equal(back.experiment, MONITORING_EXPERIMENT);
  assert.equal(back.name, 'drift iris v3 2026-12-06 10:00');
  assert.deepEqual(back.tags, { [MONITORING_TAGS.kind]: 'drift', [MONITORING_TAGS.modelName]: 'iris', [MONITORING_TAGS.modelVersion]: '3', [MONITORING_TAGS.reference]: 'train.csv @ abc1234', [MONITORING_TAGS.current]: 'capture', [MONITORING_TAGS.detected]: String(report.dataset.detected) });
  assert.equal(back.metrics['dataset_drift'], report.dataset.detected ? 1 : 0);
  assert.equal(back.metrics['drifted.x'], 1);
  assert.equal(back.metrics['drift_score.x'], report.columns.find((c) => c.column === 'x')!.score);
  // A column name MLflow would refuse is logged under a name it accepts.
  assert.ok('drift_score.odd name/_' in back.metrics, JSON.stringify(Object.keys(back.metrics)));
  assert.deepEqual(back.report.dataset, report.dataset);
});

test('MLflow missing from the interpreter: a clear error, nothing logged', async () => {
  await assert.rejects(logMonitoringRun('python3', 'sqlite:////nonexistent/dir/x.db', monitoringRunPayload({ dataset: { detected: false, share: 0, drifted: 0, tested: 0, driftShare: 0.5, notComputed: 0 }, reference: { rows: 0 }, current: { rows: 0 }, columns: [], problems: [] } as never, [], { reference: 'a', current: 'b', at: new Date() }), { cwd: tmpdir(), env: { PATH: process.env['PATH'] } }), /MLflow could not log the run/);
});
