/**
 * Tasks core against MLflow itself (the venv's 3.17.2): our reading of MLproject files against
 * `load_project` and `compute_command`; our `mlflow run` argv run for real, with a changed and a
 * hostile parameter, then the run read back with MLflow's client; a registered sklearn model
 * served with our `mlflow models serve` argv, probed and queried with our client, and stopped.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { findFreePort, isPortInUse } from '../../src/core/tasks/machine.js';
import { mlflowRun, modelsPredict, modelsServe, registeredModelUri } from '../../src/core/tasks/mlflow.js';
import { loadMlProject } from '../../src/core/tasks/mlproject.js';
import { formatEntryPointCommand } from '../../src/core/tasks/mlprojectParams.js';
import { shlexQuote } from '../../src/core/tasks/pythonValues.js';
import { checkHealth, sendTestRequest, waitUntilHealthy } from '../../src/core/tasks/servingClient.js';
import { requestPayload, signatureSkeleton } from '../../src/core/tasks/servingPayload.js';
import type { TaskSpec } from '../../src/core/tasks/spec.js';
import { readMlModelDocument } from '../../src/core/models/mlmodel.js';
import { env, pythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);

async function runSpec(spec: TaskSpec, timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
  const python = await pythonEnv();
  return execFileAsync(spec.command, [...spec.args], { cwd: spec.cwd, env: env(python, { ...spec.env }), timeout: timeoutMs, maxBuffer: 16 << 20 });
}

async function python(script: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const venv = await pythonEnv();
  const { stdout } = await execFileAsync(venv.python, ['-c', script, ...args], { cwd, env: env(venv, extra), timeout: 120_000, maxBuffer: 16 << 20 });
  return stdout;
}

const TRICKY_MLPROJECT = `name: tricky
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 1.0e-5}
      raw: {type: string, default: 1e-5}
      flag: {default: yes}
      big: {type: int, default: 0x1F}
      octal: {type: int, default: 017}
      quoted: {type: string, default: "0.10"}
      when: {type: string, default: 2024-01-31}
      note: string
    command: "python train.py --alpha {alpha} --raw {raw} --flag {flag} --big {big} --octal {octal} {{braces}} --note {note}"
  "script two":
    parameters: {data: {type: path, default: data.csv}}
    command: python two.py {data}
`;

const MLFLOW_READS_PROJECT = `
import json, sys
from mlflow.projects._project_spec import load_project
p = load_project(".")
eps = {}
for name, ep in p._entry_points.items():
    eps[name] = {"command": ep.command, "params": [[k, v.type, None if v.default is None else str(v.default)] for k, v in ep.parameters.items()]}
values = json.loads(sys.argv[1])
commands = {name: p.get_entry_point(name).compute_command(values.get(name, {}), sys.argv[2]) for name in values}
print(json.dumps({"name": p.name, "entry_points": eps, "commands": commands}))
`;

describe('MLproject files read as MLflow reads them', () => {
  test('names, types, defaults (PyYAML-typed, printed by str()) and the substituted command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-mlproject-'));
    writeFileSync(join(dir, 'MLproject'), TRICKY_MLPROJECT);
    writeFileSync(join(dir, 'data.csv'), 'a\n1\n');
    const values = { main: { note: "'; rm -rf ~ #", extra: 'x y' }, 'script two': {} };
    const theirs = JSON.parse(await python(MLFLOW_READS_PROJECT, [JSON.stringify(values), mkdtempSync(join(tmpdir(), 'mlwb-storage-'))], dir));
    const project = await loadMlProject(dir);
    assert.equal(project.name, theirs.name);
    const ours = Object.fromEntries(project.entryPoints.map((e) => [e.name, { command: e.command, params: e.parameters.map((p) => [p.name, p.type, p.default ?? null]) }]));
    assert.deepEqual(ours, theirs.entry_points);
    for (const [name, given] of Object.entries(values)) {
      const entry = project.entryPoints.find((e) => e.name === name)!;
      assert.equal(formatEntryPointCommand(entry, given, { projectDir: dir }), theirs.commands[name], name);
    }
  });
});

const TRAIN_PY = 'import json, os, sys\nwith open(os.environ["ARGV_OUT"], "w") as f:\n    json.dump(sys.argv[1:], f)\n';
const RUN_MLPROJECT = `name: contract
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      epochs: {type: int, default: 3}
      note: {type: string, default: plain}
    command: "python train.py --alpha {alpha} --epochs {epochs} --note {note}"
`;
const READ_RUN = `
import json, sys
from mlflow import MlflowClient
c = MlflowClient(sys.argv[1])
exp = c.get_experiment_by_name(sys.argv[2])
runs = c.search_runs([exp.experiment_id])
print(json.dumps([{"params": r.data.params, "status": r.info.status, "entry": r.data.tags.get("mlflow.project.entryPoint")} for r in runs]))
`;

describe('mlflow run with our argv', () => {
  test('a changed parameter is the run\'s param, and a hostile value reaches the script as one argument', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-run-'));
    writeFileSync(join(dir, 'MLproject'), RUN_MLPROJECT);
    writeFileSync(join(dir, 'train.py'), TRAIN_PY);
    const venv = await pythonEnv();
    const trackingUri = `sqlite:///${join(dir, 'mlflow.db')}`;
    const hostile = "'; rm -rf ~ # $(touch pwned)";
    const spec = mlflowRun({
      python: venv.python, cwd: dir, project: await loadMlProject(dir), entryPoint: 'main',
      parameters: { alpha: '0.25', note: hostile }, tracking: { trackingUri, experimentName: 'tasks-contract' },
      env: { ARGV_OUT: join(dir, 'argv.json') },
    });
    const started = Date.now();
    await runSpec(spec);
    const seconds = (Date.now() - started) / 1000;
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8')), ['--alpha', '0.25', '--epochs', '3', '--note', hostile]);
    const runs = JSON.parse(await python(READ_RUN, [trackingUri, 'tasks-contract'], dir));
    // MLflow logs each value as it substituted it into the command: shell-quoted (_sanitize_value_dict).
    assert.deepEqual(runs, [{ params: { alpha: '0.25', epochs: '3', note: shlexQuote(hostile) }, status: 'FINISHED', entry: 'main' }]);
    assert.ok(!existsSync(join(dir, 'pwned')));
    console.log(`mlflow run (local env manager) took ${seconds.toFixed(1)} s`);
  });
});

const LOG_MODEL = `
import json, sys
import mlflow, pandas as pd
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
mlflow.set_tracking_uri(sys.argv[1])
X, y = load_iris(return_X_y=True, as_frame=True)
model = LogisticRegression(max_iter=200).fit(X, y)
with mlflow.start_run():
    mlflow.sklearn.log_model(model, name="model", input_example=X.head(3), registered_model_name="iris-contract")
print(mlflow.artifacts.download_artifacts("models:/iris-contract/1"))
`;

describe('serving a registered model with our argv', () => {
  let server: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  after(stop);

  test('health ok, HTTP 200 with predictions for the input example and the signature skeleton, port freed after stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-serve-'));
    const venv = await pythonEnv();
    const trackingUri = `sqlite:///${join(dir, 'mlflow.db')}`;
    const modelDir = (await python(LOG_MODEL, [trackingUri], dir)).trim().split('\n').at(-1)!;
    const mlmodel = readFileSync(join(modelDir, 'MLmodel'), 'utf8');
    const payload = await requestPayload(mlmodel, async (file) => readFileSync(join(modelDir, file), 'utf8'));
    assert.equal(payload.source, 'serving-input-example');
    assert.equal(JSON.parse(payload.body).dataframe_split.data.length, 3);

    const port = await findFreePort();
    const spec = modelsServe({ python: venv.python, cwd: dir, modelUri: registeredModelUri('iris-contract', { version: 1 }), port, tracking: { trackingUri } });
    const started = Date.now();
    let output = '';
    server = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: env(venv, { ...spec.env }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const health = await waitUntilHealthy({ port }, { timeoutMs: 90_000 });
    assert.ok(health.healthy, output.slice(-2000));
    const startup = (Date.now() - started) / 1000;
    // The version the server reports is the installed MLflow's, as MLflow itself says it.
    assert.equal((await checkHealth({ port })).mlflowVersion, (await python('import mlflow; print(mlflow.__version__)', [], dir)).trim());

    const answer = await sendTestRequest({ port }, payload.body);
    assert.ok(answer.ok && answer.status === 200, JSON.stringify(answer));
    const predictions = JSON.parse(answer.body).predictions as number[];
    assert.equal(predictions.length, 3);
    assert.ok(predictions.every((p) => [0, 1, 2].includes(p)));
    const signature = readMlModelDocument(mlmodel).signature as { inputs: string };
    const skeleton = await sendTestRequest({ port }, signatureSkeleton(signature.inputs)!);
    assert.ok(skeleton.ok && skeleton.status === 200, JSON.stringify(skeleton));
    assert.equal(JSON.parse(skeleton.body).predictions.length, 1);
    const bad = await sendTestRequest({ port }, '{"dataframe_split": {"columns": ["nope"], "data": [[1]]}}');
    assert.ok(bad.ok && bad.status === 400, JSON.stringify(bad));

    await stop();
    let freed = false;
    for (let i = 0; i < 50 && !freed; i++) {
      freed = !(await isPortInUse(port));
      if (!freed) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(freed, `port ${port} still in use after the server stopped`);
    assert.equal((await checkHealth({ port })).healthy, false);
    console.log(`model server: healthy after ${startup.toFixed(1)} s; test request ${answer.latencyMs} ms`);

    const input = join(dir, 'input.json');
    writeFileSync(input, payload.body);
    await runSpec(modelsPredict({ python: venv.python, cwd: dir, modelUri: 'models:/iris-contract/1', inputPath: input, outputPath: join(dir, 'out.json'), contentType: 'json', tracking: { trackingUri } }));
    assert.equal(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).predictions.length, 3);
  });
});
