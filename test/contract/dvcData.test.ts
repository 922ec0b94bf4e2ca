/**
 * The CLI's `data` and `data-versions` on a git + DVC repo whose history real DVC wrote (three
 * versions of a `dvc add`ed file, a commit that rewrote its .dvc file without changing the data,
 * a commit that did not touch it, two versions of a stage's out, a tracked folder), against what
 * the real tools report: `git log` for the commits, `dvc ls --json --rev` for what each commit
 * records (hash, size, files), `dvc data status --json` for the workspace's state.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { env, pythonEnv } from '../support/python';

const run = promisify(execFile);
let dir = '';

async function sh(file: string, ...args: string[]): Promise<string> {
  return (await run(file, args, { cwd: dir, env: env(), maxBuffer: 1 << 24 })).stdout;
}

async function commit(message: string): Promise<void> {
  await sh('git', 'add', '-A');
  await sh('git', 'commit', '-qm', message);
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

interface Listed {
  readonly path: string;
  readonly isout: boolean;
  readonly isdir: boolean;
  readonly size: number | null;
  readonly md5: string | null;
}

/** `dvc ls --json`: what a commit records for the repo's top level, or every file under `path`. */
async function dvcList(rev: string, path?: string): Promise<Listed[]> {
  return JSON.parse(await sh('dvc', 'ls', '--json', '--rev', rev, ...(path ? ['-R', '.', path] : ['.']))) as Listed[];
}

/** What `rev` records for a tracked path: hash and size from `dvc ls`, and the file count of a folder. */
async function recordedAt(rev: string, path: string): Promise<{ hash: string; size: number; nfiles?: number } | undefined> {
  const entry = (await dvcList(rev)).find((e) => e.path === path && e.isout);
  if (!entry?.md5) return undefined;
  return { hash: entry.md5, size: entry.size!, ...(entry.isdir ? { nfiles: (await dvcList(rev, path)).filter((e) => !e.isdir).length } : {}) };
}

/**
 * The versions of `path` as git and DVC tell them: each commit that changed `recordFile`
 * (git log), kept when the hash DVC reads at it (dvc ls --rev) differs from the version before.
 */
async function versionsFromTools(path: string, recordFile: string): Promise<unknown[]> {
  const log = (await sh('git', 'log', '--format=%H%x1f%aI%x1f%an%x1f%ae%x1f%s', '--', recordFile)).trim().split('\n').reverse();
  const versions: unknown[] = [];
  let previous: string | undefined;
  for (const line of log) {
    const [commit, date, author, email, message] = line.split('\x1f') as [string, string, string, string, string];
    const recorded = await recordedAt(commit, path);
    if (!recorded || recorded.hash === previous) continue;
    previous = recorded.hash;
    versions.push({ commit, date, author, email, message, ...recorded });
  }
  return versions.reverse();
}

/** `dvc data status --json --unchanged`, as our data states name them. */
async function statesFromDvc(): Promise<Record<string, string>> {
  const status = JSON.parse(await sh('dvc', 'data', 'status', '--json', '--unchanged')) as {
    unchanged?: string[];
    not_in_cache?: string[];
    uncommitted?: { modified?: string[]; deleted?: string[]; added?: string[] };
  };
  const states: Record<string, string> = {};
  const put = (paths: string[] | undefined, state: string): void => paths?.forEach((p) => (states[p.replace(/\/$/, '')] = state));
  put(status.unchanged, 'in sync');
  put(status.uncommitted?.modified, 'modified');
  put(status.uncommitted?.deleted, 'deleted');
  put(status.uncommitted?.added, 'never committed');
  put(status.not_in_cache, 'not in cache');
  return states;
}

before(async () => {
  await pythonEnv();
  dir = mkdtempSync(join(tmpdir(), 'mlw-dvcdata-'));
  await sh('git', 'init', '-q');
  await sh('git', 'config', 'user.email', 'ada@example.com');
  await sh('git', 'config', 'user.name', 'Ada');
  await sh('dvc', 'init', '-q');
  writeFileSync(join(dir, 'data.csv'), 'a\n');
  mkdirSync(join(dir, 'images'));
  for (const name of ['1.txt', '2.txt', '3.txt']) writeFileSync(join(dir, 'images', name), `${name}\n`);
  writeFileSync(join(dir, 'dvc.yaml'), 'stages:\n  count:\n    cmd: wc -l data.csv > count.txt\n    deps: [data.csv]\n    outs: [count.txt]\n');
  await sh('dvc', 'add', '-q', 'data.csv', 'images');
  await commit('v1 of the data');
  writeFileSync(join(dir, 'data.csv'), 'a\nb\n');
  await sh('dvc', 'add', '-q', 'data.csv');
  await sh('dvc', 'repro', '-q');
  await commit('v2 of the data');
  writeFileSync(join(dir, 'README'), 'no data change\n');
  await commit('docs only');
  // The .dvc file changes, the data does not: not a new version.
  appendFileSync(join(dir, 'data.csv.dvc'), '  desc: one letter per row\n');
  await commit('describe the data');
  writeFileSync(join(dir, 'data.csv'), 'a\nb\nc\n');
  writeFileSync(join(dir, 'images', '4.txt'), 'four\n');
  await sh('dvc', 'add', '-q', 'data.csv', 'images');
  await sh('dvc', 'repro', '-q');
  await commit('v3 of the data');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('data-versions lists every commit that changed the recorded hash, newest first, as git and dvc ls --rev report them', async () => {
  for (const [path, recordFile] of [['data.csv', 'data.csv.dvc'], ['images', 'images.dvc'], ['count.txt', 'dvc.lock']] as const) {
    const { code, out, err } = await cli('data-versions', path, '--repo', dir, '--json', '--no-stat-cache');
    assert.equal(err, '');
    assert.equal(code, 0);
    const expected = await versionsFromTools(path, recordFile);
    assert.deepEqual(JSON.parse(out), expected, path);
    assert.ok(expected.length >= 2, `${path}: the history has versions to compare (${expected.length})`);
  }
});

test('data lists .dvc files and stage outs with the hash, size and files recorded and the state dvc data status reports', async () => {
  writeFileSync(join(dir, 'count.txt'), 'edited\n');
  unlinkSync(join(dir, 'images', '2.txt'));
  const { code, out } = await cli('data', '--repo', dir, '--json', '--no-stat-cache');
  assert.equal(code, 0);
  const data = JSON.parse(out) as { repoPath: string; stage: string; source: string; hash: string; size: number; nfiles?: number; state: string }[];
  const states = await statesFromDvc();
  const listing = await dvcList('HEAD');
  const tracked = listing.filter((e) => e.isout).map((e) => e.path);
  assert.deepEqual(data.map((d) => d.repoPath).sort(), tracked.sort());
  for (const item of data) {
    const recorded = await recordedAt('HEAD', item.repoPath);
    assert.deepEqual({ hash: item.hash, size: item.size, ...(item.nfiles === undefined ? {} : { nfiles: item.nfiles }) }, recorded, item.repoPath);
    assert.equal(item.state, states[item.repoPath], `${item.repoPath}: dvc data status says ${states[item.repoPath]}`);
    const dvcFile = `${item.repoPath}.dvc`;
    assert.equal(item.source, listing.some((e) => e.path === dvcFile) ? 'dvc-file' : 'stage-out', item.repoPath);
  }
  // The states under test: DVC sees one in sync, one modified file, one modified folder.
  assert.deepEqual(Object.values(states).sort(), ['in sync', 'modified', 'modified']);
});

test('status through the CLI prints what dvc status --json prints', async () => {
  const ours = await cli('status', '--repo', dir, '--json', '--no-stat-cache');
  const theirs = JSON.parse(await sh('dvc', 'status', '--json')) as Record<string, unknown>;
  assert.deepEqual(JSON.parse(ours.out), theirs);
  assert.deepEqual(Object.keys(theirs).sort(), ['count', 'images.dvc']);
});

test('a path DVC does not track is a clear error, exit code 1', async () => {
  assert.equal((await dvcList('HEAD')).find((e) => e.path === 'README')?.isout, false, 'dvc ls: README is in git, not a DVC out');
  const { code, err } = await cli('data-versions', 'README', '--repo', dir, '--json');
  assert.equal(code, 1);
  assert.match(err, /'README' is not tracked by DVC/);
});
