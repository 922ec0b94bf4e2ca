/**
 * Expected values straight from MLflow's own Python client, so e2e assertions are never guessed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { env, pythonEnv } from '../../support/python';

const execFileAsync = promisify(execFile);

/** Runs of one experiment as MLflow orders them (its default: start_time DESC). */
export interface ExperimentRuns {
  /** Names of runs without a parent, in MLflow's order. */
  readonly topLevel: readonly string[];
  /** Parent run name → names of its child runs, in MLflow's order. */
  readonly children: Readonly<Record<string, readonly string[]>>;
}

const SCRIPT = `
import json, sys
from mlflow.tracking import MlflowClient
client = MlflowClient(tracking_uri=sys.argv[1])
experiment = client.get_experiment_by_name(sys.argv[2])
runs, token = [], None
while True:
    page = client.search_runs([experiment.experiment_id], max_results=1000, page_token=token)
    runs.extend(page)
    token = page.token
    if not token:
        break
names = {r.info.run_id: r.info.run_name for r in runs}
top, children = [], {}
for r in runs:
    parent = r.data.tags.get("mlflow.parentRunId")
    if parent in names:
        children.setdefault(names[parent], []).append(r.info.run_name)
    else:
        top.append(r.info.run_name)
print(json.dumps({"topLevel": top, "children": children}))
`;

export async function experimentRuns(trackingUri: string, experimentName: string): Promise<ExperimentRuns> {
  const python = await pythonEnv();
  const { stdout } = await execFileAsync(python.python, ['-c', SCRIPT, trackingUri, experimentName], { env: env(python) });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as ExperimentRuns;
}

/** Logs a finished run through MLflow's fluent API, as a training script would. */
export async function logRun(trackingUri: string, experimentName: string, runName: string): Promise<void> {
  const script = `
import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment(sys.argv[2])
with mlflow.start_run(run_name=sys.argv[3]):
    mlflow.log_metric("accuracy", 0.5)
`;
  const python = await pythonEnv();
  await execFileAsync(python.python, ['-c', script, trackingUri, experimentName, runName], { env: env(python) });
}
