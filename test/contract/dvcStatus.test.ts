/**
 * Our DVC status against real `dvc status --json` (the pinned venv's DVC 3.67.1) on a repository
 * that real DVC built (test/fixtures/make_dvc_repo.py): after every mutation the two JSON answers
 * are equal, both with a warm stat cache and with none; and our hash of every recorded out and dep
 * equals the one DVC wrote in dvc.lock / the .dvc file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { HashService } from '../../src/core/dvc/hashing/service';
import { objectPath } from '../../src/core/dvc/hashing/engine';
import { openDvcRepo, type DvcRepo } from '../../src/core/dvc/repo';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

const run = promisify(execFile);
const BIG_FILES = 10_000;

let dir = '';
let scratch = '';
let repo: DvcRepo;
let uncached: DvcRepo;

async function dvc(...args: string[]): Promise<string> {
  const { stdout } = await run('dvc', args, { cwd: dir, env: env(), maxBuffer: 1 << 26 });
  return stdout;
}

async function dvcStatus(): Promise<unknown> {
  return JSON.parse(await dvc('status', '--json'));
}

/** Ours (warm stat cache and none) equal DVC's; returns DVC's answer for further checks. */
async function sameAsDvc(): Promise<Record<string, unknown>> {
  const [theirs, warm, cold] = await Promise.all([dvcStatus(), repo.status(), uncached.status()]);
  assert.deepEqual(warm.json, theirs);
  assert.deepEqual(cold.json, theirs);
  assert.deepEqual(warm.diagnostics, []);
  return theirs as Record<string, unknown>;
}

async function stageStatus(address: string) {
  return (await repo.status()).stages.find((s) => s.address === address)!;
}

const file = (...parts: string[]): string => join(dir, ...parts);

before(async () => {
  const python = await pythonEnv();
  scratch = mkdtempSync(join(tmpdir(), 'mlw-dvc-'));
  dir = join(scratch, 'repo ü');
  const script = join(REPO_ROOT, 'test', 'fixtures', 'make_dvc_repo.py');
  await run(python.python, [script, '--out', dir, '--big-files', String(BIG_FILES)], { env: env(python), maxBuffer: 1 << 24 });
  repo = openDvcRepo(dir, { statCachePath: join(scratch, 'stat-cache.json') });
  uncached = openDvcRepo(dir);
});

after(async () => {
  await repo?.dispose();
  await uncached?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('a freshly reproduced repo: only the always-changed and callback stages show', async () => {
  assert.deepEqual(await sameAsDvc(), { always: ['always changed'], callback: ['always changed'] });
});

test('our hash, size and file count of every recorded out and dep equal what DVC wrote', async () => {
  await assertHashesMatchRecords();
});

/** DVC's answer when it refuses to load the repo: the message of `ERROR: ...`, the exit code. */
async function dvcRefusal(): Promise<string> {
  const failure = await dvc('status', '--json').then(
    (stdout) => assert.fail(`dvc status succeeded: ${stdout}`),
    (error: { code?: number; stderr?: string }) => error,
  );
  assert.notEqual(failure.code, 0);
  const message = /^ERROR: (.*)$/m.exec(failure.stderr ?? '')?.[1];
  assert.ok(message, `no ERROR line in: ${failure.stderr}`);
  return message;
}

/**
 * An out .dvcignore ignores: DVC refuses the repo (OutputIsIgnoredError); we report its message as
 * an error at the out in the file that defines it, and the out reads deleted (DVC's Output.exists).
 */
async function refusedAsDvc(ignoreFile: string, pattern: string, definedIn: string, stage: string, out: string): Promise<void> {
  const before = existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : undefined;
  writeFileSync(ignoreFile, `${before ?? ''}${pattern}\n`);
  try {
    const message = await dvcRefusal();
    for (const status of await Promise.all([repo.status(), uncached.status()])) {
      assert.deepEqual(status.diagnostics.map((d) => [d.file, d.severity, d.message]), [[file(definedIn), 'error', message]]);
      assert.deepEqual(status.json[stage], [{ 'changed outs': { [out]: 'deleted' } }]);
    }
    assert.ok((await stageStatus(stage)).reasons.includes(`out ${out} ignored by ${message.split(' is ignored by ')[1]}`));
  } finally {
    if (before === undefined) rmSync(ignoreFile);
    else writeFileSync(ignoreFile, before);
  }
  await sameAsDvc();
}

test('an out .dvcignore ignores: DVC refuses to load it, and we report its error at the out', async () => {
  await sameAsDvc();
  await refusedAsDvc(file('.dvcignore'), 'blob.bin', 'blob.bin.dvc', 'blob.bin.dvc', 'blob.bin');
  await refusedAsDvc(file('sub', '.dvcignore'), 'up.txt', 'sub/dvc.yaml', 'sub/dvc.yaml:up', 'sub/up.txt');
  await refusedAsDvc(file('.dvcignore'), 'models/large.*', 'dvc.yaml', 'train@large', 'models/large.txt');
});

test('a changed param shows which keys changed, and the old and new values', async () => {
  writeFileSync(file('params.yaml'), readFileSync(file('params.yaml'), 'utf8').replace('lr: 0.1', 'lr: 0.05'));
  const theirs = await sameAsDvc();
  // ${lr} is in its cmd too.
  assert.deepEqual(theirs['prepare'], [{ 'changed deps': { 'params.yaml': { lr: 'modified' } } }, 'changed command']);
  const prepare = await stageStatus('prepare');
  assert.deepEqual(prepare.changedParams, [{ file: 'params.yaml', key: 'lr', state: 'modified', old: 0.1, new: 0.05 }]);
  assert.ok(prepare.reasons.includes('param lr 0.1→0.05'));
  assert.equal((await stageStatus('train@small')).state, 'upstream-changed');
});

test('a changed command', async () => {
  writeFileSync(file('dvc.yaml'), readFileSync(file('dvc.yaml'), 'utf8').replace('cat models/small.txt > "reports/rep ü.txt"', 'cat models/small.txt > "reports/rep ü.txt" && true'));
  const theirs = await sameAsDvc();
  assert.deepEqual(theirs['report'], ['changed command']);
});

test('a deleted out', async () => {
  unlinkSync(file('models', 'large.txt'));
  assert.deepEqual((await sameAsDvc())['train@large'], [{ 'changed outs': { 'models/large.txt': 'deleted' } }]);
});

test('a nested file of a directory dep changed; a frozen stage does not show its deps', async () => {
  appendFileSync(file('data', 'raw', 'nested', 'deep', 'b.csv'), '3,4\n');
  appendFileSync(file('data', 'raw', 'a.txt'), 'beta\n');
  const theirs = await sameAsDvc();
  assert.equal(theirs['frozen_stage'], undefined);
  assert.deepEqual(theirs['sub/dvc.yaml:up'], [{ 'changed deps': { 'data/raw/a.txt': 'modified' } }]);
});

test('a .dvc-tracked directory of 10,000 files with one file added and one removed', async () => {
  writeFileSync(file('big', 'd03', 'added.txt'), 'new\n');
  unlinkSync(file('big', 'd05', 'f00005.txt'));
  assert.deepEqual((await sameAsDvc())['big.dvc'], [{ 'changed outs': { big: 'modified' } }]);
});

test('an out whose object left the cache is "not in cache"', async () => {
  const blob = readFileSync(file('blob.bin.dvc'), 'utf8');
  const md5 = /md5: ([0-9a-f]{32})/.exec(blob)![1]!;
  rmSync(objectPath(file('.dvc', 'cache'), md5, 'md5'), { force: true });
  // One file of a directory's listing gone from the cache makes the whole directory missing.
  const bigDir = /md5: ([0-9a-f]{32}\.dir)/.exec(readFileSync(file('big.dvc'), 'utf8'))![1]!;
  const listing = JSON.parse(readFileSync(objectPath(file('.dvc', 'cache'), bigDir, 'md5'), 'utf8')) as { md5: string }[];
  rmSync(objectPath(file('.dvc', 'cache'), listing[17]!.md5, 'md5'), { force: true });
  const theirs = await sameAsDvc();
  assert.deepEqual(theirs['blob.bin.dvc'], [{ 'changed outs': { 'blob.bin': 'not in cache' } }]);
  assert.deepEqual(theirs['big.dvc'], [{ 'changed outs': { big: 'not in cache' } }]);
});

test('a DVC 2 lock entry hashes text with CRLF as LF, as DVC 3 reads it', async () => {
  writeFileSync(file('legacy', 'crlf.txt'), 'a\nb\n');
  assert.equal((await sameAsDvc())['legacy/dvc.yaml:l'], undefined);
  writeFileSync(file('legacy', 'crlf.txt'), 'a\r\nc\r\n');
  assert.deepEqual((await sameAsDvc())['legacy/dvc.yaml:l'], [{ 'changed deps': { 'legacy/crlf.txt': 'modified' } }]);
});

test('an uncached out with spaces and non-ASCII in its path', async () => {
  writeFileSync(file('reports', 'rep ü.txt'), 'edited\n');
  await sameAsDvc();
});

test('a symlinked dep pointing elsewhere', async () => {
  unlinkSync(file('link_dep.txt'));
  symlinkSync(join('data', 'raw', 'crlf.txt'), file('link_dep.txt'));
  assert.deepEqual(((await sameAsDvc())['prepare'] as any[])[0]['changed deps']['link_dep.txt'], 'modified');
});

test('.dvcignore changes what a directory dep contains', async () => {
  await dvc('commit', '-q', '-f', 'prepare');
  assert.equal((await sameAsDvc())['prepare'], undefined);
  writeFileSync(file('.dvcignore'), '# fixture\n*.dat\ndata/raw/nested/deep/empty2\n!keep.dat\n');
  // *.dat leaves both the dep and the out (a copy of it) with one file fewer.
  assert.deepEqual((await sameAsDvc())['prepare'], [{ 'changed deps': { 'data/raw': 'modified' } }, { 'changed outs': { 'out/prepared': 'modified' } }]);
});

test('templated values, foreach members and matrix params follow params changes; a new stage never ran', async () => {
  const params = readFileSync(file('params.yaml'), 'utf8').replace('sizes: [small, large]', 'sizes: [small, large, medium]').replace('epochs: 3', 'epochs: 4');
  writeFileSync(file('params.yaml'), params);
  writeFileSync(file('models.yaml'), 'a: {depth: 5}\nb: {depth: 2}\nc: 1\n');
  appendFileSync(file('dvc.yaml'), '  fresh:\n    cmd: echo fresh > fresh.txt\n    deps: [params.yaml]\n    outs: [fresh.txt]\n');
  const theirs = await sameAsDvc();
  assert.ok('train@medium' in theirs);
  assert.ok('fresh' in theirs);
  const fresh = await stageStatus('fresh');
  assert.equal(fresh.state, 'never-run');
});

test('an empty file removed from a directory out', async () => {
  unlinkSync(file('out', 'prepared', 'empty'));
  await sameAsDvc();
});

test('after dvc repro and dvc commit everything is in sync again, with the hashes DVC recorded', async () => {
  await dvc('repro', '-q', 'dvc.yaml', 'sub/dvc.yaml', 'legacy/dvc.yaml');
  await dvc('commit', '-q', '-f');
  const theirs = await sameAsDvc();
  assert.deepEqual(Object.keys(theirs).sort(), ['always', 'callback']);
  await assertHashesMatchRecords();
});

async function assertHashesMatchRecords(): Promise<void> {
  const { stages, ignore } = await repo.load();
  const service = new HashService();
  try {
    let checked = 0;
    for (const stage of stages) {
      const entries = [...stage.deps.map((d) => [d, stage.lock?.deps.get(d.defPath)] as const), ...stage.outs.map((o) => [o, stage.lock?.outs.get(o.defPath)] as const)];
      for (const [entry, record] of entries) {
        if (!record?.hash || stage.frozen) continue;
        const [measured] = await service.measure([{ path: entry.absPath, algorithm: record.algorithm, ignore: { spec: ignore, relPath: entry.repoPath } }]);
        assert.equal(measured!.hash, record.hash, `${stage.address}: ${entry.repoPath}`);
        if (record.size !== undefined) assert.equal(measured!.size, record.size, `${stage.address}: ${entry.repoPath} size`);
        if (record.nfiles !== undefined) assert.equal(measured!.nfiles, record.nfiles, `${stage.address}: ${entry.repoPath} nfiles`);
        checked++;
      }
    }
    assert.ok(checked >= 20, `checked ${checked} records`);
  } finally {
    await service.dispose();
  }
}
