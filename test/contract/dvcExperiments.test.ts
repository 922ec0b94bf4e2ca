/**
 * Our `exp-show` against real `dvc exp show --json` (the pinned venv's DVC) on a repository whose
 * experiments real DVC made (test/fixtures/make_exp_repo.py): two baselines, workspace runs
 * (auto-named and named, params changed in YAML, JSON and TOML files), a run through the celery
 * queue that succeeded and one that failed, one left queued. Same baselines, experiments, status,
 * executor, params, metrics, deps and outs for several flag sets; then a queued run while it runs,
 * and after. Order, timestamps and error wording aside (expShow.ts).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { DvcExperiments, experimentRows, type ExpState } from '../../src/core/dvc/experiments/index';
import { env, pythonEnv, REPO_ROOT } from '../support/python';
import { removeTree } from '../e2e/support/processes';
import { jsonDiff } from './jsonDiff';
import { comparable, dvcExpShow } from './expShow';

const run = promisify(execFile);

let scratch = '';
let dir = '';
let experiments: DvcExperiments;

async function dvc(...args: string[]): Promise<string> {
  const { stdout } = await run('dvc', args, { cwd: dir, env: env(), maxBuffer: 1 << 26 });
  return stdout;
}

/** Our CLI's JSON for the flags (through main(), argv parsing and all). */
async function ours(flags: readonly string[]): Promise<unknown[]> {
  let out = '';
  let err = '';
  const code = await main(['exp-show', '--repo', dir, '--json', ...flags], { out: (s) => (out += s), err: (s) => (err += s) });
  assert.equal(code, 0, err);
  return JSON.parse(out) as unknown[];
}

async function sameAsDvc(flags: readonly string[], oursOnly: readonly string[] = []): Promise<unknown[]> {
  const [theirs, mine] = await Promise.all([dvcExpShow(dir, flags), ours([...flags, ...oursOnly])]);
  const diff = jsonDiff(comparable(mine), comparable(theirs), 40, 'DVC');
  assert.deepEqual(diff, [], `exp show ${flags.join(' ')}:\n${diff.join('\n')}`);
  return theirs;
}

before(async () => {
  const python = await pythonEnv();
  scratch = mkdtempSync(join(tmpdir(), 'mlw-exps-'));
  dir = join(scratch, 'repo');
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_exp_repo.py');
  await run(python.python, [script, '--out', dir, '--commits', '2', '--exps', '2', '--queue-runs', '--queued', '1'], { env: env(python), maxBuffer: 1 << 24, timeout: 15 * 60_000 });
  experiments = new DvcExperiments(dir);
});

after(async () => {
  experiments?.dispose();
  if (dir) await run('dvc', ['queue', 'stop', '--kill'], { cwd: dir, env: env() }).catch(() => undefined);
  // The stopped worker may still be writing its last files (the removal failed with ENOTEMPTY in
  // .dvc/tmp/exps): removeTree stops what still works in the folder, names it, then removes it.
  if (scratch) await removeTree(scratch);
});

test('the default view: workspace, HEAD and its experiments, the queued one', async () => {
  const theirs = (await sameAsDvc([])) as ExpState[];
  assert.equal(theirs.length, 2);
  const names = (theirs[1]!.experiments ?? []).map((r) => r.name).sort();
  assert.deepEqual(names.filter((n) => n?.startsWith('still-queued')), ['still-queued-0']);
});

test('-n 2: both baselines; the queue ran on the first, with a success and a failure', async () => {
  const theirs = (await sameAsDvc(['-n', '2'])) as ExpState[];
  const states = new Map(theirs.flatMap((b) => (b.experiments ?? []).map((r) => [r.name, r.executor?.state ?? 'workspace run'] as const)));
  assert.equal(states.get('q-ok'), 'success');
  assert.equal(states.get('q-fail'), 'failed');
  assert.equal(states.get('still-queued-0'), 'queued');
});

test('-A, and --rev given twice, and a rev with ancestors', async () => {
  await sameAsDvc(['-A']);
  await sameAsDvc(['--rev', 'main', '--rev', 'HEAD~1']);
  await sameAsDvc(['--rev', 'main', '-n', '5']);
  // Every first-parent ancestor, no commit known beforehand (no row cache): the walk is one git rev-list.
  await sameAsDvc(['-n', '-1'], ['--no-row-cache']);
});

test('an experiment name as --rev makes that experiment the baseline', async () => {
  await sameAsDvc(['--rev', 'c0-named-1']);
});

test('--hide-queued --hide-failed --hide-workspace', async () => {
  await sameAsDvc(['-n', '2', '--hide-queued', '--hide-failed', '--hide-workspace']);
});

test('an unknown --rev fails as DVC fails, with the reason DVC gives', async () => {
  const refused = await dvcExpShow(dir, ['--rev', 'no-such-rev']).then(
    () => assert.fail('dvc exp show accepted an unknown --rev'),
    (error: { stderr?: string }) => error.stderr ?? '',
  );
  // DVC: "ERROR: failed to show experiments - <reason>".
  const reason = /failed to show experiments - (.+)$/m.exec(refused)?.[1]?.trim();
  assert.ok(reason !== undefined && reason.includes('no-such-rev'), `DVC's error: ${refused}`);
  let err = '';
  const code = await main(['exp-show', '--repo', dir, '--json', '--rev', 'no-such-rev'], { out: () => undefined, err: (s) => (err += s) });
  assert.equal(code, 1);
  assert.ok(err.includes(reason), `ours: ${err}; DVC's reason: ${reason}`);
});

test('a broken params file in the workspace is an error on that file only, of the type DVC names', async () => {
  const theirsBefore = await sameAsDvc([]);
  writeFileSync(join(dir, 'config', 'model.json'), '{"depth": 3,');
  writeFileSync(join(dir, 'config', 'extra.toml'), '[section\n');
  try {
    const theirs = (await sameAsDvc([])) as ExpState[];
    const workspace = theirs[0]!.data!;
    assert.equal((workspace.params['config/model.json'] as { error: { type: string } }).error.type, 'JSONFileCorruptedError');
    assert.equal((workspace.params['config/extra.toml'] as { error: { type: string } }).error.type, 'TOMLFileCorruptedError');
  } finally {
    await run('git', ['checkout', '-q', '--', 'config'], { cwd: dir });
  }
  assert.deepEqual(comparable(await ours([])), comparable(theirsBefore));
});

test('reading writes nothing: refs, the queue folder and the work tree are as they were', async () => {
  const before = snapshot(dir);
  await experiments.show({ num: 2 });
  await ours(['-A']);
  assert.deepEqual(snapshot(dir), before);
});

test('a queued run while it runs (running, read from its executor clone), then once it succeeded', async () => {
  const release = join(scratch, 'release');
  await dvc('exp', 'run', '-q', '--queue', '-n', 'q-slow', '-S', `train.wait_for=${release}`, '-S', 'train.lr=0.42');
  await startQueueWorker();
  try {
    await until(async () => experimentRows(await experiments.show()).some((r) => r.name === 'q-slow' && r.status === 'running'));
    // 'running' is set before DVC removes the stage's outs and starts its command: compared before
    // that, DVC and we may read the executor on either side of the removal. The script marks its wait.
    await until(async () => existsSync(`${release}.started`));
    const running = (await sameAsDvc([])) as ExpState[];
    const slow = running[1]!.experiments!.find((r) => r.name === 'q-slow')!;
    assert.equal(slow.executor?.state, 'running');
    assert.equal(slow.executor?.name, 'dvc-task');
    assert.equal((slow.revs[0]!.data!.params['params.yaml'] as { data: { train: { lr: number } } }).data.train.lr, 0.42);
  } finally {
    writeFileSync(release, '');
  }
  await until(async () => experimentRows(await experiments.show()).some((r) => r.name === 'q-slow' && r.status === 'success'));
  await sameAsDvc([]);
});

/**
 * `dvc queue start`, waited for until it exits: the worker it leaves running holds inherited
 * pipes open, so waiting for its output to end (execFile) would wait for the experiment.
 */
async function startQueueWorker(): Promise<void> {
  const child = spawn('dvc', ['queue', 'start', '-j', '1'], { cwd: dir, env: env(), stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  assert.equal(code, 0, 'dvc queue start failed');
}

/** Every path under the repo (but the DVC cache and git objects) with its size and mtime, and every ref. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string, rel: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (relPath === '.git/objects' || relPath === '.dvc/cache' || relPath === '.dvc/tmp/exps/cache') continue;
      if (entry.isDirectory()) walk(path, relPath);
      else {
        const info = statSync(path);
        out.push(`${relPath} ${info.size} ${info.mtimeMs}`);
      }
    }
  };
  walk(root, '');
  return out.sort();
}

async function until(check: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the experiment queue');
    await new Promise((r) => setTimeout(r, 500));
  }
}
