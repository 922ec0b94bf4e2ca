/**
 * `ml-workbench data-diff` on a git + DVC repo real DVC wrote: a `dvc add`ed CSV and Parquet file
 * (read back from the DVC cache by the hash each commit's `.dvc` file records), a git-tracked
 * JSON Lines file, a `dvc add`ed directory. Table answers are pandas' (test/support/
 * table_reference.py wrote the files and computed them); directory answers are `dvc diff --json`'s.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main';
import { ContentDiffError, diffContent, type ContentDiffResult } from '../../src/core/dvc/contentDiff';
import { diffContentInWorker } from '../../src/core/dvc/contentDiffRunner';
import type { DirectoryDiff, TableDiff } from '../../src/core/tabular/model';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

const run = promisify(execFile);
let dir = '';
let tables = '';
let reference: Record<string, { byKey: { added: number; removed: number; changed: number; unchanged: number; changedKeys: string[] }; rows: { before: number; after: number } }> = {};

async function sh(file: string, ...args: string[]): Promise<string> {
  return (await run(file, args, { cwd: dir, env: env(), maxBuffer: 16 << 20 })).stdout;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['data-diff', '--repo', dir, ...argv], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

async function json(...argv: string[]): Promise<ContentDiffResult> {
  const { code, out, err } = await cli(...argv, '--json');
  assert.equal(err, '');
  assert.equal(code, 0);
  return JSON.parse(out) as ContentDiffResult;
}

function image(name: string, bytes: number): void {
  writeFileSync(join(dir, 'data', 'images', name), Buffer.alloc(bytes, name.charCodeAt(0)));
}

before(async () => {
  const python = await pythonEnv();
  tables = mkdtempSync(join(tmpdir(), 'mlw-dd-tables-'));
  const { stdout } = await run(python.python, [join(REPO_ROOT, 'test', 'support', 'table_reference.py'), '--out', tables], { env: env(python), maxBuffer: 16 << 20 });
  reference = JSON.parse(stdout);
  dir = mkdtempSync(join(tmpdir(), 'mlw-datadiff-'));
  await sh('git', 'init', '-q', '-b', 'main');
  await sh('git', 'config', 'user.email', 'ada@example.com');
  await sh('git', 'config', 'user.name', 'Ada');
  await sh('dvc', 'init', '-q');
  mkdirSync(join(dir, 'data', 'images'), { recursive: true });
  const version = async (side: 'a' | 'b', message: string): Promise<void> => {
    copyFileSync(join(tables, `${side}.csv`), join(dir, 'data', 'table.csv'));
    copyFileSync(join(tables, `${side}.parquet`), join(dir, 'data', 'table.parquet'));
    copyFileSync(join(tables, `${side}.jsonl`), join(dir, 'events.jsonl'));
    await sh('dvc', 'add', '-q', 'data/table.csv', 'data/table.parquet', 'data/images');
    await sh('git', 'add', '-A');
    await sh('git', 'commit', '-qm', message);
  };
  image('a.png', 10);
  image('b.png', 20);
  image('c.png', 30);
  await version('a', 'v1');
  image('b.png', 25);
  unlinkSync(join(dir, 'data', 'images', 'c.png'));
  image('d.png', 40);
  await version('b', 'v2');
});

after(() => {
  for (const d of [dir, tables]) if (d) rmSync(d, { recursive: true, force: true });
});

for (const [path, format] of [
  ['data/table.csv', 'csv'],
  ['data/table.parquet', 'parquet'],
  ['events.jsonl', 'jsonl'],
] as const) {
  test(`${path} between two commits, by key, is what pandas says`, async () => {
    const { diff, before: a, after: b } = await json('--path', path, '--a', 'HEAD~1', '--b', 'HEAD', '--key', 'id', '--limit', '100');
    assert.deepEqual([a.kind, b.kind], ['commit', 'commit']);
    const table = diff as TableDiff;
    const expected = reference[format]!;
    assert.equal(table.format, format);
    const { changedKeys, ...counts } = expected.byKey;
    assert.deepEqual({ added: table.rows.added, removed: table.rows.removed, changed: table.rows.changed, unchanged: table.rows.unchanged }, counts);
    assert.deepEqual(table.changed.map((r) => r.key).sort(), [...changedKeys].sort());
    assert.deepEqual([table.rows.before, table.rows.after], [expected.rows.before, expected.rows.after]);
    assert.ok(table.stats && table.stats.before.length > 0);
  });
}

test("a directory between two commits: the files dvc diff names, with their sizes", async () => {
  const { diff } = await json('--path', 'data/images', '--a', 'HEAD~1', '--b', 'HEAD');
  const dvc = JSON.parse(await sh('dvc', 'diff', '--json', 'HEAD~1', 'HEAD')) as Record<string, { path: string }[]>;
  const under = (list: { path: string }[] | undefined): string[] => (list ?? []).map((e) => e.path).filter((p) => p.startsWith('data/images/') && !p.endsWith('/')).map((p) => p.slice('data/images/'.length)).sort();
  const directory = diff as DirectoryDiff;
  assert.equal(directory.kind, 'directory');
  for (const status of ['added', 'deleted', 'modified'] as const) {
    assert.deepEqual(directory.files.filter((f) => f.status === status).map((f) => f.path), under(dvc[status]), status);
  }
  // The folder's files at each commit as `dvc ls -R --json --rev` lists them, each with the size of
  // the cache object DVC names by its hash (DVC's listing of a folder out carries no sizes).
  const listed = async (rev: string): Promise<Map<string, { size: number; md5: string }>> => {
    const entries = JSON.parse(await sh('dvc', 'ls', '-R', '--json', '--rev', rev, '.', 'data/images')) as { path: string; isdir: boolean; md5: string }[];
    const object = (md5: string): string => join(dir, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2));
    return new Map(entries.filter((e) => !e.isdir).map((e) => [e.path, { size: statSync(object(e.md5)).size, md5: e.md5 }]));
  };
  const [a, b] = [await listed('HEAD~1'), await listed('HEAD')];
  const changed = [...new Set([...a.keys(), ...b.keys()])].filter((path) => a.get(path)?.md5 !== b.get(path)?.md5).sort();
  assert.ok(changed.length >= 3, `dvc ls names the changed files: ${JSON.stringify(changed)}`);
  assert.deepEqual(
    directory.files.map((f) => [f.path, f.sizeBefore ?? null, f.sizeAfter ?? null]),
    changed.map((path) => [path, a.get(path)?.size ?? null, b.get(path)?.size ?? null]),
  );
  assert.equal(directory.unchanged, [...a.keys()].filter((path) => b.has(path) && !changed.includes(path)).length);
  const total = (listing: Map<string, { size: number }>): number => [...listing.values()].reduce((sum, e) => sum + e.size, 0);
  assert.deepEqual([directory.sizeBefore, directory.sizeAfter], [total(a), total(b)]);
});

test('the workspace against HEAD: an edit not yet committed', async () => {
  const path = join(dir, 'data', 'table.csv');
  const lines = (await sh('cat', 'data/table.csv')).split('\n');
  lines[1] = lines[1]!.replace(/^(\d+),[^,]*,/, '$1,12345.5,');
  writeFileSync(path, lines.join('\n'));
  try {
    const { diff, after: side } = await json('--path', 'data/table.csv', '--a', 'HEAD', '--b', 'workspace', '--key', 'id', '--no-stats');
    const table = diff as TableDiff;
    assert.equal(side.kind, 'workspace');
    assert.deepEqual([table.rows.changed, table.rows.added, table.rows.removed], [1, 0, 0]);
    assert.deepEqual(table.changed[0]!.columns, ['amount']);
    assert.equal(table.changed[0]!.after['amount'], '12345.5');
    assert.equal(table.stats, undefined);
  } finally {
    await sh('dvc', 'checkout', '-q', '--force', 'data/table.csv');
  }
  assert.equal(statSync(path).size, statSync(join(tables, 'b.csv')).size);
});

test('the recorded version (the workspace\'s .dvc file, not yet committed) against the work tree: what dvc data status --granular names', async () => {
  // A new version recorded by `dvc add` but not committed, then an edit not yet recorded.
  image('recorded-only.png', 321);
  await sh('dvc', 'add', '-q', 'data/images');
  image('recorded-only.png', 999);
  image('new-in-tree.png', 55);
  try {
    const { diff, before: side } = await json('--path', 'data/images', '--a', 'workspace:recorded', '--b', 'workspace');
    assert.equal(side.kind, 'recorded');
    const directory = diff as DirectoryDiff;
    const status = JSON.parse(await sh('dvc', 'data', 'status', '--granular', '--json')) as { uncommitted?: Record<string, string[]> };
    const names = (list: string[] | undefined): string[] => (list ?? []).filter((p) => p.startsWith('data/images/') && !p.endsWith('/')).map((p) => p.slice('data/images/'.length)).sort();
    for (const kind of ['added', 'modified', 'deleted'] as const) {
      assert.deepEqual(directory.files.filter((f) => f.status === kind).map((f) => f.path), names(status.uncommitted?.[kind]), `${kind}: dvc data status says ${JSON.stringify(status.uncommitted)}`);
    }
    // The recorded side is the cache object the .dvc file names (321 bytes), not HEAD's (absent there) nor the work tree's.
    assert.deepEqual(directory.files.find((f) => f.path === 'recorded-only.png'), { path: 'recorded-only.png', status: 'modified', sizeBefore: 321, sizeAfter: 999 });
  } finally {
    await sh('git', 'checkout', '-q', '--', 'data/images.dvc');
    unlinkSync(join(dir, 'data', 'images', 'new-in-tree.png'));
    unlinkSync(join(dir, 'data', 'images', 'recorded-only.png'));
    await sh('dvc', 'checkout', '-q', '--force', 'data/images');
  }
});

test('the text report names the key, the counts and the changed cells', async () => {
  const { code, out } = await cli('--path', 'data/table.csv', '--a', 'HEAD~1', '--b', 'HEAD', '--key', 'id', '--limit', '2', '--no-stats');
  assert.equal(code, 0);
  // The counts pandas computed (test/support/table_reference.py), as the report words them.
  const { rows, byKey } = reference['csv']!;
  assert.ok(out.includes(`rows matched by key 'id': ${rows.before} → ${rows.after} rows; ${byKey.added} added, ${byKey.removed} removed, ${byKey.changed} changed, ${byKey.unchanged} unchanged`), out);
  const shown = [...out.matchAll(/^! (\S+): .+ → .+$/gm)].map((m) => m[1]!);
  assert.ok(shown.length > 0 && shown.length <= 2, out);
  for (const key of shown) assert.ok(byKey.changedKeys.includes(key), `${key} is a key pandas found changed`);
});

test('a revision that names nothing, a path in neither version, a key one version lacks: exit 1 with the reason', async () => {
  const cases: [string[], RegExp][] = [
    [['--path', 'data/table.csv', '--a', 'no-such-rev', '--b', 'HEAD'], /'no-such-rev' is not the workspace, a commit/],
    [['--path', 'data/nothing.csv', '--a', 'HEAD~1', '--b', 'HEAD'], /'data\/nothing.csv' is in neither HEAD~1 nor HEAD/],
    [['--path', 'data/table.csv', '--a', 'HEAD~1', '--b', 'HEAD', '--key', 'nope'], /has no column 'nope'/],
    [['--path', '../outside.csv', '--a', 'HEAD~1', '--b', 'HEAD'], /outside the repository/],
  ];
  for (const [argv, message] of cases) {
    const { code, out, err } = await cli(...argv, '--json');
    assert.equal(code, 1, argv.join(' '));
    assert.equal(out, '');
    assert.match(err, message);
  }
  const usage = await cli('--path', 'data/table.csv', '--a', 'HEAD');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /data-diff needs --b/);
});

test('in a worker thread (what the Data Diff panel runs): the same answers, the same reasons, and an abort stops it and removes its temporary files', async () => {
  for (const path of ['data/table.csv', 'data/table.parquet', 'events.jsonl', 'data/images']) {
    const options = { key: 'id', limit: 100, stats: true } as const;
    const here = await diffContent(dir, path, 'HEAD~1', 'HEAD', path === 'data/images' ? { stats: true } : options);
    const summaries: ContentDiffResult[] = [];
    const there = await diffContentInWorker(dir, path, 'HEAD~1', 'HEAD', { ...(path === 'data/images' ? { stats: true } : options), onSummary: (s) => summaries.push(s) });
    assert.deepEqual(there, here, path);
    // A CSV or JSONL diff comes first without its column stats (the panel shows it meanwhile).
    if (there.diff.kind === 'table' && there.diff.format !== 'parquet') {
      assert.equal(summaries.length, 1, `${path}: one summary before the result`);
      const summary = summaries[0]!.diff;
      assert.ok(summary.kind === 'table' && summary.stats === undefined, `${path}: the summary has no stats`);
      assert.deepEqual([summary.rows, summary.changed, summary.added, summary.removed], [there.diff.rows, there.diff.changed, there.diff.added, there.diff.removed], `${path}: the summary's rows are the result's`);
    } else assert.equal(summaries.length, 0, `${path}: no summary`);
  }
  await assert.rejects(diffContentInWorker(dir, 'data/table.csv', 'HEAD~1', 'HEAD', { key: 'nope' }), (error: unknown) => error instanceof ContentDiffError && error.reason === 'bad-key' && /has no column 'nope'/.test(error.message));
  await assert.rejects(diffContentInWorker(dir, 'data/nothing.csv', 'HEAD~1', 'HEAD'), (error: unknown) => error instanceof ContentDiffError && error.reason === 'not-found');
  // Aborted while it reads: rejects at once; the worker's spool folder (a git blob of each side) is gone after.
  const spool = mkdtempSync(join(tmpdir(), 'mlw-dd-spool-'));
  try {
    const controller = new AbortController();
    const started = Date.now();
    const diffing = diffContentInWorker(dir, 'events.jsonl', 'HEAD~1', 'HEAD', { key: 'id', stats: true, tempDir: spool, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(diffing, (error: unknown) => (error as Error).name === 'AbortError');
    assert.ok(Date.now() - started < 2_000, 'the abort rejects at once');
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = readdirSync(spool);
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(left, [], 'the aborted diff removed its spool folder');
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
});
