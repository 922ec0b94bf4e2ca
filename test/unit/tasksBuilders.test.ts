import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { promisify } from 'node:util';
import { dataVersionCheckout, dvcCheckout, dvcExpRun, dvcRepro } from '../../src/core/tasks/dvc.js';
import { mlflowRun, modelsBuildDocker, modelsPredict, modelsServe, pythonScript, registeredModelUri } from '../../src/core/tasks/mlflow.js';
import { parseMlProject } from '../../src/core/tasks/mlproject.js';
import { TaskError, type TaskSpec } from '../../src/core/tasks/spec.js';
import { pythonEnv } from '../support/python.js';

const execFileAsync = promisify(execFile);
const PY = '/venv/bin/python';
const isTaskError = (reason: string, subject?: string) => (error: unknown) =>
  error instanceof TaskError && error.reason === reason && (subject === undefined || error.subject === subject);

test('dvc repro: one stage, downstream, the whole pipeline, through the chosen interpreter', () => {
  assert.deepEqual(dvcRepro({ python: PY, cwd: '/repo', targets: ['train'] }), { command: PY, args: ['-m', 'dvc', 'repro', 'train'], cwd: '/repo', env: {}, label: 'dvc repro train' });
  assert.deepEqual(dvcRepro({ python: PY, cwd: '/repo', targets: ['prepare'], downstream: true }).args, ['-m', 'dvc', 'repro', '--downstream', 'prepare']);
  assert.deepEqual(dvcRepro({ python: PY, cwd: '/repo' }).args, ['-m', 'dvc', 'repro']);
  assert.deepEqual(dvcRepro({ python: PY, cwd: '/repo', targets: ['sub/dvc.yaml:eval'], force: true, singleItem: true, pull: true }).args, ['-m', 'dvc', 'repro', '--force', '--single-item', '--pull', 'sub/dvc.yaml:eval']);
});

test('dvc exp run: every override is one --set-param argument, in order', () => {
  const spec = dvcExpRun({ python: PY, cwd: '/repo', setParams: { 'train.lr': '0.01', 'params.yaml:epochs': '5' }, name: 'lr-0.01', targets: ['train'] });
  assert.deepEqual(spec.args, ['-m', 'dvc', 'exp', 'run', '--name', 'lr-0.01', '--set-param', 'train.lr=0.01', '--set-param', 'params.yaml:epochs=5', 'train']);
  assert.deepEqual(dvcExpRun({ python: PY, cwd: '/r', setParams: [['a', 'x=y'], ['b', '']], queue: true }).args, ['-m', 'dvc', 'exp', 'run', '--queue', '--set-param', 'a=x=y', '--set-param', 'b=']);
  assert.throws(() => dvcExpRun({ python: PY, cwd: '/r', setParams: { 'a=b': '1' } }), isTaskError('invalid-argument', 'a=b'));
  assert.throws(() => dvcExpRun({ python: PY, cwd: '/r', setParams: { '--force': '1' } }), isTaskError('invalid-argument'));
});

test('dvc checkout, and checking out a data version: git restores the .dvc file, then dvc the data', () => {
  assert.deepEqual(dvcCheckout({ python: PY, cwd: '/repo', targets: ['data/raw.dvc'], force: true }).args, ['-m', 'dvc', 'checkout', '--force', 'data/raw.dvc']);
  const [git, dvc] = dataVersionCheckout({ python: PY, cwd: '/repo', revision: 'a1b2c3d4e5f6a7b8', dvcFile: 'data/raw.dvc' });
  assert.deepEqual(git, { command: 'git', args: ['checkout', 'a1b2c3d4e5f6a7b8', '--', 'data/raw.dvc'], cwd: '/repo', env: {}, label: 'git checkout a1b2c3d4e5f6 -- data/raw.dvc' });
  assert.deepEqual(dvc.args, ['-m', 'dvc', 'checkout', '--force', 'data/raw.dvc']);
});

test('a stage, target or revision that would read as an option is refused, not escaped', () => {
  assert.throws(() => dvcRepro({ python: PY, cwd: '/r', targets: ['--help'] }), isTaskError('invalid-argument', '--help'));
  assert.throws(() => dvcCheckout({ python: PY, cwd: '/r', targets: [''] }), isTaskError('invalid-argument'));
  assert.throws(() => dataVersionCheckout({ python: PY, cwd: '/r', revision: '--orphan', dvcFile: 'x.dvc' }), isTaskError('invalid-argument', '--orphan'));
  assert.throws(() => modelsServe({ python: PY, cwd: '/r', modelUri: '-m', port: 5000 }), isTaskError('invalid-argument'));
});

const PROJECT = parseMlProject(`name: demo
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 0.5}
      epochs: {type: int, default: 10}
      note: string
    command: "python train.py --alpha {alpha} --epochs {epochs} --note {note}"
`);

test('mlflow run: -e, -P in declaration order then extras, --env-manager local, experiment as an option, store in the env', () => {
  const spec = mlflowRun({ python: PY, cwd: '/proj', project: PROJECT, entryPoint: 'main', parameters: { extra: 'x', note: 'hi', alpha: '0.1' }, tracking: { trackingUri: 'sqlite:////proj/mlflow.db', experimentName: 'demo' } });
  assert.deepEqual(spec, {
    command: PY,
    args: ['-m', 'mlflow', 'run', '.', '-e', 'main', '-P', 'alpha=0.1', '-P', 'note=hi', '-P', 'extra=x', '--env-manager', 'local', '--experiment-name', 'demo'],
    cwd: '/proj',
    env: { MLFLOW_TRACKING_URI: 'sqlite:////proj/mlflow.db' },
    label: 'mlflow run -e main',
  });
  assert.deepEqual(mlflowRun({ python: PY, cwd: '/proj', project: PROJECT, entryPoint: 'main', parameters: { note: 'n' }, envManager: 'virtualenv', runName: 'r1', tracking: { experimentId: '7' } }).args.slice(-6), ['--env-manager', 'virtualenv', '--experiment-id', '7', '--run-name', 'r1']);
});

test('mlflow run: values are checked before the run, and the error names the parameter', () => {
  const run = (parameters: Record<string, string>) => () => mlflowRun({ python: PY, cwd: '/proj', project: PROJECT, entryPoint: 'main', parameters });
  assert.throws(run({}), isTaskError('missing-parameter', 'note'));
  assert.throws(run({ note: 'x', alpha: 'high' }), (e: unknown) => isTaskError('invalid-parameter', 'alpha')(e) && /alpha must be a float/.test((e as Error).message));
  assert.throws(run({ note: 'x', epochs: '2.5' }), isTaskError('invalid-parameter', 'epochs'));
  assert.throws(() => mlflowRun({ python: PY, cwd: '/proj', project: PROJECT, entryPoint: 'nope' }), isTaskError('unknown-entry-point', 'nope'));
  assert.throws(() => mlflowRun({ python: PY, cwd: '/proj', project: parseMlProject('python_env: python_env.yaml\nentry_points: {}'), entryPoint: 'x.py', envManager: 'conda' }), isTaskError('invalid-argument'));
});

test('a plain script gets the workspace store and experiment in its environment', () => {
  assert.deepEqual(pythonScript({ python: PY, cwd: '/ws', script: 'src/train.py', args: ['--lr', '0.1'], pythonArgs: ['-u'], tracking: { trackingUri: 'sqlite:////ws/mlflow.db', experimentName: 'exp one' } }), {
    command: PY,
    args: ['-u', 'src/train.py', '--lr', '0.1'],
    cwd: '/ws',
    env: { MLFLOW_TRACKING_URI: 'sqlite:////ws/mlflow.db', MLFLOW_EXPERIMENT_NAME: 'exp one' },
    label: 'python src/train.py',
  });
  assert.deepEqual(pythonScript({ python: PY, cwd: '/ws', script: 't.py', tracking: { experimentId: '3', allowFileStore: true } }).env, { MLFLOW_EXPERIMENT_ID: '3', MLFLOW_ALLOW_FILE_STORE: 'true' });
  assert.throws(() => pythonScript({ python: PY, cwd: '/ws', script: 't.py', tracking: { experimentId: '3', experimentName: 'x' } }), isTaskError('invalid-argument'));
});

test('deployment: serve on 127.0.0.1 and a given port, predict a file, build an image', () => {
  const tracking = { trackingUri: 'sqlite:////ws/mlflow.db' };
  assert.equal(registeredModelUri('iris', { version: 3 }), 'models:/iris/3');
  assert.equal(registeredModelUri('iris', { alias: 'champion' }), 'models:/iris@champion');
  assert.throws(() => registeredModelUri('iris', { version: 'latest' }), isTaskError('invalid-argument'));
  assert.deepEqual(modelsServe({ python: PY, cwd: '/ws', modelUri: 'models:/iris/3', port: 53111, tracking }), {
    command: PY,
    args: ['-m', 'mlflow', 'models', 'serve', '-m', 'models:/iris/3', '--host', '127.0.0.1', '--port', '53111', '--env-manager', 'local'],
    cwd: '/ws',
    env: { MLFLOW_TRACKING_URI: 'sqlite:////ws/mlflow.db' },
    label: 'mlflow models serve models:/iris/3 :53111',
  });
  assert.throws(() => modelsServe({ python: PY, cwd: '/ws', modelUri: 'models:/iris/3', port: 70000 }), isTaskError('invalid-argument'));
  assert.deepEqual(modelsPredict({ python: PY, cwd: '/ws', modelUri: 'models:/iris@champion', inputPath: 'in.csv', outputPath: 'out.json', contentType: 'csv' }).args, ['-m', 'mlflow', 'models', 'predict', '-m', 'models:/iris@champion', '-i', 'in.csv', '-o', 'out.json', '-t', 'csv', '--env-manager', 'local']);
  assert.deepEqual(modelsBuildDocker({ python: PY, cwd: '/ws', modelUri: 'models:/iris/3', imageName: 'iris:3' }).args, ['-m', 'mlflow', 'models', 'build-docker', '-m', 'models:/iris/3', '-n', 'iris:3']);
  assert.throws(() => modelsBuildDocker({ python: PY, cwd: '/ws', modelUri: 'models:/iris/3', imageName: 'Iris Model' }), isTaskError('invalid-argument'));
});

const HOSTILE = ["'; rm -rf ~ #", '$(touch /tmp/ml-workbench-pwned)', 'line one\nline two', 'with  two spaces', '`id`', '"quoted" \\ back', '*', ''];

/** Runs a built spec with its program replaced by `python -c <print argv>`: what the program would receive. */
async function argvReceived(python: string, spec: TaskSpec): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-argv-'));
  const script = join(dir, 'argv.py');
  writeFileSync(script, 'import json, sys\nsys.stdout.write(json.dumps(sys.argv[1:]))\n');
  const { stdout } = await execFileAsync(python, [script, ...spec.args], { cwd: dir, env: { ...process.env, ...spec.env } });
  return JSON.parse(stdout) as string[];
}

test('injection: hostile values reach the program as one literal argument each, for every builder', async () => {
  const { python } = await pythonEnv();
  const scriptSpec = pythonScript({ python, cwd: '/ws', script: 'train.py', args: HOSTILE });
  assert.deepEqual(await argvReceived(python, scriptSpec), ['train.py', ...HOSTILE]);
  const project = parseMlProject('entry_points:\n  main:\n    parameters: {text: string}\n    command: "python echo.py {text}"\n');
  for (const value of HOSTILE) {
    const run = mlflowRun({ python, cwd: '/proj', project, entryPoint: 'main', parameters: { text: value } });
    assert.deepEqual(await argvReceived(python, run), ['-m', 'mlflow', 'run', '.', '-e', 'main', '-P', `text=${value}`, '--env-manager', 'local']);
    const exp = dvcExpRun({ python, cwd: '/repo', setParams: { 'train.note': value } });
    assert.deepEqual(await argvReceived(python, exp), ['-m', 'dvc', 'exp', 'run', '--set-param', `train.note=${value}`]);
  }
  const predict = modelsPredict({ python, cwd: '/ws', modelUri: 'models:/m/1', inputPath: HOSTILE[0]!, outputPath: HOSTILE[3]! });
  assert.deepEqual((await argvReceived(python, predict)).slice(6, 10), ['-i', HOSTILE[0], '-o', HOSTILE[3]]);
  assert.equal(existsSync('/tmp/ml-workbench-pwned'), false);
});
