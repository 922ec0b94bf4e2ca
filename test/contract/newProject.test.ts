/**
 * New ML Project against the real tools: each template scaffolded (by the same core functions the
 * command uses) into a fresh git repository with its bundled sample, set up with real git and DVC
 * (`git init`, `dvc init`, `dvc add`), then `dvc repro` in the pinned venv. Checked by the tools
 * themselves: `dvc status` finds every stage fresh, MLflow's client finds the run (with the
 * evaluation's test_* metrics) and a registered model whose @candidate version has a signature
 * and an input example. Also: validate stops the pipeline with a readable report on bad data, the
 * raw data is read-only, and the bundled samples are exactly what scikit-learn's datasets give.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { planProject, setupSteps } from '../../src/core/onboarding/newProject.js';
import { projectState } from '../../src/core/onboarding/projectState.js';
import { writePlan } from '../../src/core/onboarding/scaffold.js';
import { loadTemplateSet, type TemplateSet } from '../../src/core/onboarding/templates.js';
import type { TaskSpec } from '../../src/core/tasks/spec.js';
import { env, pythonEnv, REPO_ROOT, type PythonEnv } from '../support/python';

const execFileAsync = promisify(execFile);
const TEMPLATES = join(REPO_ROOT, 'templates', 'ml-project');
const REPRO_MS = 10 * 60_000;

let python: PythonEnv;
let templates: TemplateSet;
const base = mkdtempSync(join(tmpdir(), 'mlw-newproject-'));

before(async () => {
  python = await pythonEnv();
  templates = await loadTemplateSet(TEMPLATES);
});
after(() => rmSync(base, { recursive: true, force: true }));

/** The environment a task gets: the venv first on PATH, no inherited store, no user git config. */
const toolEnv = (): NodeJS.ProcessEnv => env(python, { DVC_NO_ANALYTICS: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.invalid' });

async function run(spec: TaskSpec): Promise<string> {
  const { stdout, stderr } = await execFileAsync(spec.command, [...spec.args], { cwd: spec.cwd, env: { ...toolEnv(), ...spec.env }, maxBuffer: 64 << 20, timeout: REPRO_MS });
  return stdout + stderr;
}

const tool = (root: string, command: string, ...args: string[]): Promise<string> => run({ command, args, cwd: root, env: {}, label: command });

/** MLflow's own client on the project's store (MLflow's default: sqlite:///mlflow.db in the project). */
async function mlflowAnswer<T>(root: string, body: string, ...args: string[]): Promise<T> {
  const script = ['import json, sys, warnings', 'warnings.simplefilter("ignore")', 'import mlflow', 'mlflow.set_tracking_uri(sys.argv[1])', 'c = mlflow.MlflowClient()', body].join('\n');
  const out = await tool(root, python.python, '-c', script, `sqlite:///${join(root, 'mlflow.db')}`, ...args);
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

async function scaffold(id: 'classification' | 'regression', name: string): Promise<{ root: string; dataFile: string; model: string; experiment: string }> {
  const root = join(base, name);
  const template = templates.templates.find((t) => t.id === id)!;
  await execFileAsync('mkdir', ['-p', root]);
  const planned = await planProject({ templates, template, root, dataSource: join(TEMPLATES, 'samples', template.sample.file), target: template.sample.target });
  assert.deepEqual(planned.plan.conflicts, []);
  assert.equal(planned.targetWarning, undefined);
  await writePlan(root, planned.plan);
  for (const step of setupSteps(await projectState(root), python.python, root, planned.dataFile)) await run(step);
  return { root, dataFile: planned.dataFile, model: planned.names.model, experiment: planned.names.experiment };
}

interface Registered {
  readonly version: string | number;
  readonly runId: string;
  readonly hasSignature: boolean;
  readonly inputExample: string | null;
  readonly runs: number;
  readonly metrics: Record<string, number>;
}

const REGISTERED = `
name, experiment = sys.argv[2], sys.argv[3]
v = c.get_model_version_by_alias(name, "candidate")
info = mlflow.models.get_model_info(f"models:/{name}@candidate")
e = c.get_experiment_by_name(experiment)
runs = c.search_runs([e.experiment_id])
run = c.get_run(v.run_id)
print(json.dumps({"version": v.version, "runId": v.run_id, "hasSignature": info.signature is not None,
  "inputExample": (info.saved_input_example_info or {}).get("artifact_path"), "runs": len(runs), "metrics": run.data.metrics}))
`;

for (const [id, metric] of [
  ['classification', 'test_accuracy'],
  ['regression', 'test_rmse'],
] as const) {
  describe(`${id} template: scaffold, git init, dvc init, dvc add, dvc repro`, () => {
    let project: Awaited<ReturnType<typeof scaffold>>;
    let reproOutput = '';

    before(async () => {
      project = await scaffold(id, `${id}-project`);
      reproOutput = await tool(project.root, python.python, '-m', 'dvc', 'repro');
    });

    test('dvc status: every stage is fresh', async () => {
      const status = JSON.parse(await tool(project.root, python.python, '-m', 'dvc', 'status', '--json')) as Record<string, unknown>;
      assert.deepEqual(status, {}, reproOutput);
      const lock = readFileSync(join(project.root, 'dvc.lock'), 'utf8');
      for (const stage of ['ingest', 'validate', 'prepare', 'train', 'evaluate', 'register']) assert.match(lock, new RegExp(`^  ${stage}:$`, 'm'), stage);
    });

    test('MLflow: one run with the evaluation metrics; the registered model has @candidate with a signature and an input example', async () => {
      const registered = await mlflowAnswer<Registered>(project.root, REGISTERED, project.model, project.experiment);
      assert.equal(String(registered.version), '1');
      assert.equal(registered.runs, 1);
      assert.equal(registered.hasSignature, true);
      assert.equal(registered.inputExample, 'input_example.json');
      assert.equal(typeof registered.metrics[metric], 'number', JSON.stringify(registered.metrics));
      const metrics = JSON.parse(readFileSync(join(project.root, 'metrics.json'), 'utf8')) as Record<string, number>;
      assert.equal(registered.metrics[metric], metrics[metric.replace(/^test_/, '')], 'the run holds metrics.json\'s value');
      const record = JSON.parse(readFileSync(join(project.root, 'models', 'registered.json'), 'utf8')) as { run_id: string; alias: string };
      assert.equal(record.run_id, registered.runId);
      assert.equal(record.alias, 'candidate');
    });

    test('the raw data is a byte-for-byte, read-only copy of the incoming file', () => {
      const raw = join(project.root, 'data', 'raw', project.dataFile);
      assert.deepEqual(readFileSync(raw), readFileSync(join(project.root, 'data', 'incoming', project.dataFile)));
      assert.equal(statSync(raw).mode & 0o222, 0, 'no write permission');
    });
  });
}

describe('validate on bad data', () => {
  test('a value outside the schema stops dvc repro at validate, with the column, the value and the CSV line; later stages do not run', async () => {
    const project = await scaffold('classification', 'bad-data');
    const incoming = join(project.root, 'data', 'incoming', project.dataFile);
    chmodSync(incoming, 0o644);
    appendFileSync(incoming, '42.0,3.0,1.4,0.2,setosa\n5.0,3.0,1.4,0.2,dragon\n');
    await tool(project.root, python.python, '-m', 'dvc', 'add', `data/incoming/${project.dataFile}`);
    const failure = await tool(project.root, python.python, '-m', 'dvc', 'repro').then(
      (output) => assert.fail(`dvc repro succeeded:\n${output}`),
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    assert.match(failure, /validate: data\/raw\/iris\.csv against schema\.yaml: 152 rows, 5 columns/);
    assert.match(failure, /✗ sepal_length: 1 value above max 7\.9 \(lines 152: 42\.0\)/);
    assert.match(failure, /✗ species: 1 value outside \['setosa', 'versicolor', 'virginica'\] \(lines 153: 'dragon'\)/);
    assert.match(failure, /✗ species: classes with a single row cannot be split into train and test: dragon/);
    assert.match(failure, /! 1 duplicate row \(lines 144\); prepare drops them/);
    assert.match(failure, /validate: FAILED with 3 problems/);
    assert.doesNotMatch(failure, /Running stage 'prepare'/);
    const report = JSON.parse(readFileSync(join(project.root, 'reports', 'validation.json'), 'utf8')) as { ok: boolean; errors: string[] };
    assert.equal(report.ok, false);
    assert.equal(report.errors.length, 3);
  });
});

describe('bundled samples', () => {
  test("templates/ml-project/samples are exactly scripts/onboarding/make_samples.py's output (scikit-learn's iris and diabetes)", async () => {
    const out = mkdtempSync(join(base, 'samples-'));
    await tool(base, python.python, join(REPO_ROOT, 'scripts', 'onboarding', 'make_samples.py'), out);
    for (const file of ['iris.csv', 'diabetes.csv']) assert.equal(readFileSync(join(out, file), 'utf8'), readFileSync(join(TEMPLATES, 'samples', file), 'utf8'), file);
  });
});
