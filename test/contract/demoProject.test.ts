/**
 * scripts/demo/make_demo_project.sh end to end (about a minute): the project it builds is a clean
 * git + DVC repo whose MLflow store our CLI reads exactly as MLflow's REST handler would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test, { before, describe } from 'node:test';
import { mlflowReference, runCli } from '../support/fixtures';
import { env, pythonEnv, REPO_ROOT } from '../support/python';
import { jsonDiff } from './jsonDiff';

const execFileAsync = promisify(execFile);

describe('demo project', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mlw-demo-')), 'project');
  const uri = `sqlite:///${dir}/mlflow.db`;
  let run: (file: string, args: string[]) => Promise<string>;

  before(async () => {
    const python = await pythonEnv();
    const childEnv = env(python, { DVC_NO_ANALYTICS: '1' });
    run = async (file, args) => (await execFileAsync(file, args, { cwd: dir, env: childEnv })).stdout;
    await execFileAsync('bash', [join(REPO_ROOT, 'scripts', 'demo', 'make_demo_project.sh'), dir], {
      env: childEnv,
      timeout: 5 * 60_000,
    });
  });

  test('is committed, and DVC finds the pipeline up to date', async () => {
    assert.equal(await run('git', ['status', '--porcelain']), '');
    assert.equal((await run('git', ['log', '--format=%s'])).trim().split('\n').length, 4);
    assert.match(await run('dvc', ['status']), /Data and pipelines are up to date/);
  });

  test("the workspace settings name the venv's interpreter (Serve and writes work without the Python extension)", async () => {
    const python = await pythonEnv();
    const settings = JSON.parse(readFileSync(join(dir, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(settings, { 'mlWorkbench.python': python.python, 'python.defaultInterpreterPath': python.python });
  });

  test('a second run without --force refuses to touch it', async () => {
    const script = join(REPO_ROOT, 'scripts', 'demo', 'make_demo_project.sh');
    await assert.rejects(execFileAsync('bash', [script, dir]), /not empty/);
  });

  for (const command of ['experiments', 'runs'] as const) {
    test(`${command} read by the CLI equal MLflow's answer`, async () => {
      const cli = await runCli([command, '--tracking-uri', uri, '--json']);
      assert.equal(cli.code, 0, cli.stderr);
      const actual = JSON.parse(cli.stdout) as unknown;
      const expected = await mlflowReference(command, uri);
      assert.deepStrictEqual(actual, expected, `differs from MLflow:\n  ${jsonDiff(actual, expected).join('\n  ')}`);
    });
  }

  test('three training runs, and "champion" points at a registered version', async () => {
    const python = await pythonEnv();
    const script = [
      'import mlflow, json',
      `mlflow.set_tracking_uri(${JSON.stringify(uri)})`,
      'c = mlflow.MlflowClient()',
      'e = c.get_experiment_by_name("demo-iris")',
      'runs = c.search_runs([e.experiment_id])',
      'v = c.get_model_version_by_alias("iris-classifier", "champion")',
      'print(json.dumps({"runs": len(runs), "champion": str(v.version), "run_ids": [r.info.run_id for r in runs]}))',
    ].join('\n');
    const answer = JSON.parse(await run(python.python, ['-c', script])) as { runs: number; champion: string; run_ids: string[] };
    assert.equal(answer.runs, 3);
    assert.ok(['1', '2', '3'].includes(answer.champion));
  });
});
