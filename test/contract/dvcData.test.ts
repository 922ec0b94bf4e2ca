/**
 * The CLI's `data` and `data-versions` on a git + DVC repo whose history real DVC wrote: three
 * versions of a `dvc add`ed file (and a commit that did not touch it), two of a stage's out.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { env, pythonEnv } from '../support/python';

const run = promisify(execFile);
let dir = '';
const commits: string[] = [];

async function sh(file: string, ...args: string[]): Promise<string> {
  return (await run(file, args, { cwd: dir, env: env() })).stdout;
}

async function commit(message: string): Promise<void> {
  await sh('git', 'add', '-A');
  await sh('git', 'commit', '-qm', message);
  commits.push((await sh('git', 'rev-parse', 'HEAD')).trim());
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

before(async () => {
  await pythonEnv();
  dir = mkdtempSync(join(tmpdir(), 'mlw-dvcdata-'));
  await sh('git', 'init', '-q');
  await sh('git', 'config', 'user.email', 'ada@example.com');
  await sh('git', 'config', 'user.name', 'Ada');
  await sh('dvc', 'init', '-q');
  writeFileSync(join(dir, 'data.csv'), 'a\n');
  writeFileSync(join(dir, 'dvc.yaml'), 'stages:\n  count:\n    cmd: wc -l data.csv > count.txt\n    deps: [data.csv]\n    outs: [count.txt]\n');
  await sh('dvc', 'add', '-q', 'data.csv');
  await commit('v1 of the data');
  writeFileSync(join(dir, 'data.csv'), 'a\nb\n');
  await sh('dvc', 'add', '-q', 'data.csv');
  await sh('dvc', 'repro', '-q');
  await commit('v2 of the data');
  writeFileSync(join(dir, 'README'), 'no data change\n');
  await commit('docs only');
  writeFileSync(join(dir, 'data.csv'), 'a\nb\nc\n');
  await sh('dvc', 'add', '-q', 'data.csv');
  await sh('dvc', 'repro', '-q');
  await commit('v3 of the data');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('data-versions lists every commit that changed the recorded hash, newest first', async () => {
  const { code, out, err } = await cli('data-versions', 'data.csv', '--repo', dir, '--json', '--no-stat-cache');
  assert.equal(err, '');
  assert.equal(code, 0);
  const versions = JSON.parse(out) as { commit: string; author: string; message: string; hash: string; size: number }[];
  assert.deepEqual(versions.map((v) => v.message), ['v3 of the data', 'v2 of the data', 'v1 of the data']);
  assert.deepEqual(versions.map((v) => v.commit), [commits[3], commits[1], commits[0]]);
  assert.deepEqual(versions.map((v) => v.size), [6, 4, 2]);
  assert.equal(versions[0]!.author, 'Ada');
  assert.match(versions[0]!.hash, /^[0-9a-f]{32}$/);
});

test("data-versions of a stage's out reads dvc.lock history", async () => {
  const { out } = await cli('data-versions', 'count.txt', '--repo', dir, '--json', '--no-stat-cache');
  assert.deepEqual((JSON.parse(out) as { message: string }[]).map((v) => v.message), ['v3 of the data', 'v2 of the data']);
});

test('data lists .dvc files and stage outs with size, count and state', async () => {
  writeFileSync(join(dir, 'count.txt'), 'edited\n');
  const { code, out } = await cli('data', '--repo', dir, '--json', '--no-stat-cache');
  assert.equal(code, 0);
  const data = JSON.parse(out) as { repoPath: string; state: string; size: number; source: string }[];
  const byPath = Object.fromEntries(data.map((d) => [d.repoPath, d]));
  assert.equal(byPath['data.csv']!.state, 'in sync');
  assert.equal(byPath['data.csv']!.size, 6);
  assert.equal(byPath['data.csv']!.source, 'dvc-file');
  assert.equal(byPath['count.txt']!.state, 'modified');
  assert.equal(byPath['count.txt']!.source, 'stage-out');
});

test('status through the CLI prints what dvc status --json prints', async () => {
  const ours = await cli('status', '--repo', dir, '--json', '--no-stat-cache');
  const theirs = JSON.parse(await sh('dvc', 'status', '--json'));
  assert.deepEqual(JSON.parse(ours.out), theirs);
  assert.deepEqual(theirs, { count: [{ 'changed outs': { 'count.txt': 'modified' } }] });
});

test('a path DVC does not track is a clear error, exit code 1', async () => {
  const { code, err } = await cli('data-versions', 'README', '--repo', dir, '--json');
  assert.equal(code, 1);
  assert.match(err, /'README' is not tracked by DVC/);
});
