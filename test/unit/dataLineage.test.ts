/**
 * Data versions as the Data view lists them and the runs that go with each, on a git + DVC repo
 * real DVC wrote and a store real MLflow wrote: the version cache (read again only when HEAD or
 * the record moves), the current and uncommitted versions, Check Out's plan and refusals, and
 * run ↔ commit lineage through `mlflow.source.git.commit`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { planCheckout } from '../../src/core/dvc/checkout.js';
import type { DataVersion } from '../../src/core/dvc/entities.js';
import { openDvcRepo } from '../../src/core/dvc/repo.js';
import { DataVersionCache, headCommit, versionRows } from '../../src/core/dvc/versionHistory.js';
import { commitText, RunsAtCommit, runCommit } from '../../src/core/lineage/runsAtCommit.js';
import { openTrackingStore } from '../../src/core/tracking/open.js';
import type { TrackedPlace } from '../../src/core/tracking/storeState.js';
import { env, pythonEnv } from '../support/python.js';

const run = promisify(execFile);
let dir = '';
const commits: string[] = [];

async function sh(file: string, ...args: string[]): Promise<string> {
  return (await run(file, args, { cwd: dir, env: env() })).stdout;
}

async function commit(message: string): Promise<string> {
  await sh('git', 'add', '-A');
  await sh('git', 'commit', '-qm', message);
  const id = (await sh('git', 'rev-parse', 'HEAD')).trim();
  commits.push(id);
  return id;
}

/** Runs in ./mlruns logged by MLflow's own client, one per [name, commit tag]. */
async function logRuns(runs: readonly (readonly [string, string])[]): Promise<Record<string, string>> {
  const python = await pythonEnv();
  const script = `import json, sys, mlflow
from mlflow import MlflowClient
client = MlflowClient('./mlruns')
found = client.get_experiment_by_name('lineage')
experiment = found.experiment_id if found else client.create_experiment('lineage')
ids = {}
for name, commit in json.loads(sys.argv[1]):
    run = client.create_run(experiment, run_name=name, tags={'mlflow.source.git.commit': commit})
    client.set_terminated(run.info.run_id)
    ids[name] = run.info.run_id
print(json.dumps(ids))`;
  const { stdout } = await run(python.python, ['-c', script, JSON.stringify(runs)], { cwd: dir, env: env(python) });
  return JSON.parse(stdout) as Record<string, string>;
}

before(async () => {
  await pythonEnv();
  dir = mkdtempSync(join(tmpdir(), 'mlw-lineage-'));
  await sh('git', 'init', '-q');
  await sh('git', 'config', 'user.email', 'ada@example.com');
  await sh('git', 'config', 'user.name', 'Ada');
  await sh('dvc', 'init', '-q');
  writeFileSync(join(dir, '.gitignore'), 'mlruns/\n');
  writeFileSync(join(dir, 'dvc.yaml'), 'stages:\n  count:\n    cmd: wc -l data.csv > count.txt\n    deps: [data.csv]\n    outs: [count.txt]\n  copy:\n    cmd: cp data.csv copy.csv\n    deps: [data.csv]\n    outs: [copy.csv]\n');
  await commit('code');
  writeFileSync(join(dir, 'data.csv'), 'a\n');
  await sh('dvc', 'add', '-q', 'data.csv');
  await sh('dvc', 'repro', '-q');
  await commit('v1 of the data');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const version = (commit: string, hash: string | undefined): DataVersion => ({ commit, hash, date: '2026-01-01T00:00:00Z', author: 'a', email: 'a@b', message: commit });

test('versionRows marks only the newest commit of the recorded hash current, and an unrecorded hash as uncommitted', () => {
  const versions = [version('c4', 'h1'), version('c3', 'h2'), version('c2', 'h1'), version('c1', 'h0')];
  assert.deepEqual(versionRows(versions, 'h1').rows.map((r) => r.current), [true, false, false, false]);
  assert.equal(versionRows(versions, 'h1').uncommitted, false);
  assert.deepEqual(versionRows(versions, 'h0').rows.map((r) => r.current), [false, false, false, true]);
  const fresh = versionRows(versions, 'h9');
  assert.deepEqual([fresh.rows.some((r) => r.current), fresh.uncommitted], [false, true]);
  assert.equal(versionRows(versions, undefined).uncommitted, false);
  assert.deepEqual(versionRows([], 'h1'), { rows: [], uncommitted: true });
});

test('the version cache reads git history once per HEAD and recorded hash, and again after a commit or a failure', async () => {
  const repo = openDvcRepo(dir, { inProcess: true });
  const reads: string[] = [];
  let fail = false;
  const spied = {
    root: dir,
    dataVersions: (path: string) => {
      reads.push(path);
      return fail ? Promise.reject(new Error('git failed')) : repo.dataVersions(path);
    },
  };
  const cache = new DataVersionCache();
  const [data] = (await repo.data()).filter((d) => d.repoPath === 'data.csv');
  const first = await cache.versions(spied, 'data.csv', data!.hash);
  assert.deepEqual(first.map((v) => v.message), ['v1 of the data']);
  await cache.versions(spied, 'data.csv', data!.hash);
  assert.equal(reads.length, 1, 'same HEAD, same record: remembered');
  await cache.versions(spied, 'data.csv', 'another-hash');
  assert.equal(reads.length, 2, 'the record moved');

  writeFileSync(join(dir, 'data.csv'), 'a\nb\n');
  await sh('dvc', 'add', '-q', 'data.csv');
  await sh('dvc', 'repro', '-q');
  const v2 = await commit('v2 of the data');
  assert.equal(await headCommit(dir), v2);
  const [now] = (await repo.data()).filter((d) => d.repoPath === 'data.csv');
  const second = await cache.versions(spied, 'data.csv', now!.hash);
  assert.deepEqual(second.map((v) => v.message), ['v2 of the data', 'v1 of the data']);
  assert.equal(versionRows(second, now!.hash).rows[0]!.current, true);

  fail = true;
  cache.clear();
  await assert.rejects(cache.versions(spied, 'data.csv', now!.hash), /git failed/);
  fail = false;
  assert.equal((await cache.versions(spied, 'data.csv', now!.hash)).length, 2, 'a failure is not remembered');
  assert.equal(await headCommit(tmpdir()), '', 'no repository, no HEAD');
  await repo.dispose();
});

test('Check Out is planned from the record file, and refused over unrecorded data or an uncommitted record', async () => {
  const repo = openDvcRepo(dir, { inProcess: true });
  const dataOf = async (path: string) => {
    const inspection = await repo.inspect();
    return { inspection, data: inspection.data.find((d) => d.repoPath === path)! };
  };
  let { inspection, data } = await dataOf('data.csv');
  assert.deepEqual(await planCheckout(dir, inspection, data), { kind: 'ready', recordFile: 'data.csv.dvc', restored: [data], what: 'data.csv' });

  ({ inspection, data } = await dataOf('count.txt'));
  const plan = await planCheckout(dir, inspection, data);
  assert.equal(plan.kind, 'ready');
  assert.ok(plan.kind === 'ready' && plan.recordFile === 'dvc.lock');
  assert.deepEqual(plan.kind === 'ready' && plan.restored.map((d) => d.repoPath).sort(), ['copy.csv', 'count.txt']);
  assert.equal(plan.kind === 'ready' && plan.what, 'every output recorded in dvc.lock (count.txt, copy.csv)');

  writeFileSync(join(dir, 'copy.csv'), 'edited by hand\n');
  ({ inspection, data } = await dataOf('count.txt'));
  const unsaved = await planCheckout(dir, inspection, data);
  assert.equal(unsaved.kind, 'refused');
  assert.match(unsaved.kind === 'refused' ? unsaved.detail : '', /^copy\.csv has changes that dvc\.lock does not record/);
  await sh('dvc', 'checkout', '-q', '--force', 'copy.csv');

  appendFileSync(join(dir, 'data.csv.dvc'), '# a note\n');
  ({ inspection, data } = await dataOf('data.csv'));
  const dirty = await planCheckout(dir, inspection, data);
  assert.equal(dirty.kind, 'refused');
  assert.match(dirty.kind === 'refused' ? dirty.detail : '', /^data\.csv\.dvc has uncommitted changes in git \(M data\.csv\.dvc\)/);
  await sh('git', 'checkout', '--', 'data.csv.dvc');

  await assert.rejects(planCheckout(dir, inspection, { ...data, stage: 'gone.dvc' }), (error: Error & { reason?: string }) => error.reason === 'not-tracked');
  await repo.dispose();
});

test('runs at a data version: those tagged with its commit, then those tagged with its parent; remembered until forgotten', async () => {
  const [code, v1] = commits;
  const ids = await logRuns([
    ['at-v1', v1!],
    ['before-v1', code!],
    ['elsewhere', 'f'.repeat(40)],
  ]);
  const store = openTrackingStore('./mlruns', { cwd: dir });
  const place: TrackedPlace = { key: 'f0', name: 'ws', state: { kind: 'ready', store, source: 'setting' } };
  const lineage = new RunsAtCommit();
  const found = await lineage.find(place, dir, v1!);
  assert.deepEqual(found.map((r) => [r.run.info.run_name, r.at, r.experimentName, r.trackingKey]), [
    ['at-v1', 'commit', 'lineage', 'f0'],
    ['before-v1', 'parent', 'lineage', 'f0'],
  ]);
  assert.equal(runCommit(found[0]!.run), v1);
  assert.equal(found[1]!.run.info.run_id, ids['before-v1']);
  assert.deepEqual((await lineage.find(place, dir, code!)).map((r) => r.run.info.run_name), ['before-v1'], 'the first commit has no parent');

  // Remembered: a run logged since is not seen until the cache is forgotten.
  await logRuns([['late-at-v1', v1!]]);
  assert.equal((await lineage.find(place, dir, v1!)).length, 2);
  lineage.forget();
  assert.deepEqual((await lineage.find(place, dir, v1!)).filter((r) => r.at === 'commit').map((r) => r.run.info.run_name).sort(), ['at-v1', 'late-at-v1']);

  assert.deepEqual(await lineage.find({ ...place, key: 'f1', state: { kind: 'missing', uri: './mlruns', source: 'default-mlruns' } }, dir, v1!), [], 'no store, no runs');
  assert.deepEqual(await lineage.find(undefined, dir, v1!), []);
  await assert.rejects(lineage.find({ ...place, key: 'f2' }, dir, 'not-a-commit'), (error: Error & { reason?: string }) => error.reason === 'not-found' || error.reason === 'failed');
  store.dispose();
});

test("a run's commit reads as git show prints it; an id that is not a commit, or not in the repository, says so", async () => {
  const [, v1] = commits;
  const text = await commitText(dir, v1!);
  assert.match(text, new RegExp(`^commit ${v1}\n`));
  assert.match(text, /\n {4}v1 of the data\n/);
  assert.match(text, /data\.csv\.dvc \| /);
  await assert.rejects(commitText(dir, 'HEAD; rm -rf /'), /is not a git commit id/);
  await assert.rejects(commitText(dir, 'f'.repeat(40)), new RegExp(`Commit ${'f'.repeat(12)} is not in the git repository of ${dir}`));
});
