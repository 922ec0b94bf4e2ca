import assert from 'node:assert/strict';
import test from 'node:test';
import { absoluteTrackingUri, interpreterPath, isTrainingTask, readTaskDefinition, specForDefinition, type WorkbenchTaskDefinition } from '../../src/core/tasks/definition.js';
import { flattenParams, overridableParams } from '../../src/core/tasks/expParams.js';
import { failureLine } from '../../src/core/tasks/failure.js';
import { parseMlProject } from '../../src/core/tasks/mlproject.js';
import { TaskError } from '../../src/core/tasks/spec.js';

const PY = '/venv/bin/python';
const TRACKING = { trackingUri: 'sqlite:////ws/mlflow.db' };
const isTaskError = (reason: string, subject?: string) => (error: unknown) =>
  error instanceof TaskError && error.reason === reason && (subject === undefined || error.subject === subject);

test('a tasks.json definition is read field by field; a wrong field is named', () => {
  const definition = readTaskDefinition({ type: 'mlWorkbench', task: 'mlflowRun', entryPoint: 'train', parameters: { alpha: 0.5, max_iter: 10, flag: true } });
  assert.deepEqual(definition.parameters, { alpha: '0.5', max_iter: '10', flag: 'true' });
  assert.throws(() => readTaskDefinition({ type: 'shell', task: 'dvcRepro' }), isTaskError('invalid-argument', 'type'));
  assert.throws(() => readTaskDefinition({ type: 'mlWorkbench', task: 'rm' }), isTaskError('invalid-argument', 'task'));
  assert.throws(() => readTaskDefinition({ type: 'mlWorkbench', task: 'dvcRepro', targets: 'train' }), isTaskError('invalid-argument', 'targets'));
  assert.throws(() => readTaskDefinition({ type: 'mlWorkbench', task: 'dvcRepro', force: 'yes' }), isTaskError('invalid-argument', 'force'));
  assert.throws(() => readTaskDefinition({ type: 'mlWorkbench', task: 'dvcExpRun', setParams: { a: { b: 1 } } }), isTaskError('invalid-argument', 'setParams'));
  assert.throws(() => readTaskDefinition({ type: 'mlWorkbench', task: 'mlflowRun', envManager: 'docker' }), isTaskError('invalid-argument', 'envManager'));
});

test('each kind of definition becomes the builder\'s argv, in the folder (or its cwd), with the store in the environment', () => {
  const context = { python: PY, folder: '/ws', tracking: TRACKING };
  const spec = (definition: Omit<WorkbenchTaskDefinition, 'type'>, extra = {}) => specForDefinition({ type: 'mlWorkbench', ...definition } as WorkbenchTaskDefinition, { ...context, ...extra });
  assert.deepEqual(spec({ task: 'dvcRepro', targets: ['train'], downstream: true }), {
    command: PY,
    args: ['-m', 'dvc', 'repro', '--downstream', 'train'],
    cwd: '/ws',
    env: { MLFLOW_TRACKING_URI: 'sqlite:////ws/mlflow.db' },
    label: 'dvc repro --downstream train',
  });
  assert.deepEqual(spec({ task: 'dvcExpRun', cwd: 'sub', setParams: { 'train.alpha': "'; rm -rf ~ #" } }).args, ['-m', 'dvc', 'exp', 'run', '--set-param', "train.alpha='; rm -rf ~ #"]);
  assert.equal(spec({ task: 'dvcExpRun', cwd: 'sub' }).cwd, '/ws/sub');
  const project = parseMlProject('entry_points:\n  train:\n    parameters:\n      alpha: {type: float, default: 0.1}\n    command: python train.py {alpha}\n');
  assert.deepEqual(spec({ task: 'mlflowRun', entryPoint: 'train', parameters: { alpha: '0.5' } }, { project, envManager: 'uv' }).args, ['-m', 'mlflow', 'run', '.', '-e', 'train', '-P', 'alpha=0.5', '--env-manager', 'uv']);
  assert.throws(() => spec({ task: 'mlflowRun', entryPoint: 'train', parameters: { alpha: 'x' } }, { project }), isTaskError('invalid-parameter', 'alpha'));
  assert.throws(() => spec({ task: 'mlflowRun', entryPoint: 'train' }), isTaskError('invalid-mlproject'));
  assert.deepEqual(spec({ task: 'pythonScript', script: 'src/train.py', args: ['--x', '1'] }, { tracking: { ...TRACKING, experimentName: 'demo' } }), {
    command: PY,
    args: ['src/train.py', '--x', '1'],
    cwd: '/ws',
    env: { MLFLOW_TRACKING_URI: 'sqlite:////ws/mlflow.db', MLFLOW_EXPERIMENT_NAME: 'demo' },
    label: 'python src/train.py',
  });
  assert.deepEqual(spec({ task: 'modelsPredict', modelUri: 'models:/iris/3', inputPath: 'in.csv', outputPath: '/tmp/out.json', contentType: 'csv' }).args, [
    '-m', 'mlflow', 'models', 'predict', '-m', 'models:/iris/3', '-i', '/ws/in.csv', '-o', '/tmp/out.json', '-t', 'csv', '--env-manager', 'local',
  ]);
  assert.deepEqual(spec({ task: 'modelsBuildDocker', modelUri: 'models:/iris@champion', imageName: 'iris:champion' }).args, ['-m', 'mlflow', 'models', 'build-docker', '-m', 'models:/iris@champion', '-n', 'iris:champion']);
  assert.throws(() => spec({ task: 'modelsPredict', modelUri: 'models:/iris/3', inputPath: 'in.csv' }), isTaskError('invalid-argument', 'outputPath'));
});

test('training tasks are the ones that log runs', () => {
  assert.deepEqual(['dvcRepro', 'dvcExpRun', 'mlflowRun', 'pythonScript', 'modelsPredict', 'modelsBuildDocker'].map((task) => isTrainingTask({ task } as WorkbenchTaskDefinition)), [true, true, true, true, false, false]);
});

test('the interpreter\'s folder goes first on PATH (once), as activating its environment does', () => {
  assert.deepEqual(interpreterPath('/venv/bin/python', '/usr/bin:/venv/bin:/bin', 'linux'), { PATH: '/venv/bin:/usr/bin:/bin' });
  assert.deepEqual(interpreterPath('/venv/bin/python', undefined, 'linux'), { PATH: '/venv/bin' });
  assert.deepEqual(interpreterPath('python3', '/usr/bin', 'linux'), {});
  assert.deepEqual(interpreterPath('C:\\env\\python.exe', 'C:\\Windows;C:\\env', 'win32'), { Path: 'C:\\env;C:\\Windows' });
});

test('a relative local store is made absolute against the folder; servers and absolute stores are unchanged', () => {
  assert.equal(absoluteTrackingUri('sqlite:///mlflow.db', '/ws'), 'sqlite:////ws/mlflow.db');
  assert.equal(absoluteTrackingUri('sqlite:///sub/x.db?mode=ro', '/ws'), 'sqlite:////ws/sub/x.db?mode=ro');
  assert.equal(absoluteTrackingUri('sqlite:////abs/mlflow.db', '/ws'), 'sqlite:////abs/mlflow.db');
  assert.equal(absoluteTrackingUri('mlruns', '/ws'), '/ws/mlruns');
  assert.equal(absoluteTrackingUri('file:///ws/mlruns', '/ws'), 'file:///ws/mlruns');
  assert.equal(absoluteTrackingUri('http://127.0.0.1:5000', '/ws'), 'http://127.0.0.1:5000');
});

const PARAMS = `prepare:
  test_size: 0.25
  seed: 42
train:
  alpha: 1e-3
  epochs: 30
  layers: [64, 32]
  optimizer:
    name: adam
    betas: {b1: 0.9}
`;

test('params are flattened to dotted names with their values as written', () => {
  assert.deepEqual(flattenParams(PARAMS), [
    ['prepare.test_size', '0.25'],
    ['prepare.seed', '42'],
    ['train.alpha', '1e-3'],
    ['train.epochs', '30'],
    ['train.layers', '[64,32]'],
    ['train.optimizer.name', 'adam'],
    ['train.optimizer.betas.b1', '0.9'],
  ]);
  assert.deepEqual(flattenParams('- a\n- b\n'), []);
  assert.deepEqual(flattenParams('a: [unclosed'), []);
});

test('the overridable params are the tracked keys (a section tracks its leaves), each once, other files named in the key', () => {
  const files: Record<string, string> = { 'params.yaml': PARAMS, 'conf/model.json': '{"lr": 0.1, "depth": 3}' };
  const read = (path: string) => files[path];
  const choices = overridableParams(
    [
      { repoPath: 'params.yaml', keys: ['prepare.seed', 'train.optimizer'] },
      { repoPath: 'params.yaml', keys: ['prepare.seed'] },
      { repoPath: 'conf/model.json', keys: [] },
      { repoPath: 'missing.yaml', keys: [] },
      { repoPath: 'params.toml', keys: [] },
    ],
    read,
  );
  assert.deepEqual(choices.map((c) => `${c.key}=${c.value}`), ['prepare.seed=42', 'train.optimizer.name=adam', 'train.optimizer.betas.b1=0.9', 'conf/model.json:lr=0.1', 'conf/model.json:depth=3']);
  assert.deepEqual(overridableParams([{ repoPath: './params.yaml', keys: ['train'] }, { repoPath: 'params.yaml', keys: [] }], read).length, 7);
});

// Outputs as dvc 3.67 and mlflow 3.17 print them (captured from the test venv).
const DVC_STAGE_FAILED = `Running stage 'boom':
> python -c "import sys; raise ValueError(\\"alpha must be positive\\")"
Traceback (most recent call last):
  File "<string>", line 1, in <module>
ValueError: alpha must be positive
ERROR: failed to reproduce 'boom': failed to run: python -c "import sys; raise ValueError(\\"alpha must be positive\\")", exited with 1
`;

test('the failure line: the exception, else DVC\'s ERROR, else MLflow\'s logged error, else click\'s Error, else the last line', () => {
  assert.equal(failureLine(DVC_STAGE_FAILED), 'ValueError: alpha must be positive');
  assert.equal(failureLine("ERROR: Stage 'nosuch' not found inside 'dvc.yaml' file\n"), "ERROR: Stage 'nosuch' not found inside 'dvc.yaml' file");
  assert.equal(
    failureLine("2026/11/27 10:01:05 ERROR mlflow.cli: === Could not find nope among entry points ['main'] or interpret nope as a runnable script. Supported script file extensions: ['.py', '.sh'] ===\n"),
    "Could not find nope among entry points ['main'] or interpret nope as a runnable script. Supported script file extensions: ['.py', '.sh']",
  );
  assert.equal(failureLine("Usage: python -m mlflow models serve [OPTIONS]\nTry 'python -m mlflow models serve -h' for help.\n\nError: Missing option '-m'\n"), "Error: Missing option '-m'");
  assert.equal(failureLine('\u001b[31msomething odd\u001b[0m\r\n\r\n'), 'something odd');
  assert.equal(failureLine(''), undefined);
});
