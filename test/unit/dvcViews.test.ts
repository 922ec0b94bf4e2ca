/**
 * The pure pieces behind the Pipeline and Data views: param changes named by their leaves, file
 * diffs between `.dir` listings, the watch glob and the stages a change reaches, the Mermaid DAG,
 * and the watcher-limit probe.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createHash } from 'node:crypto';
import { dirHash } from '../../src/core/dvc/hashing/dirListing.js';
import { pipelineMermaid } from '../../src/core/dvc/mermaid.js';
import { openDvcRepo } from '../../src/core/dvc/repo.js';
import { paramLeafChanges, paramReason } from '../../src/core/dvc/status/paramLeaves.js';
import { affectedStages, escapeGlob, watchedPaths, watchGlob } from '../../src/core/dvc/watchPaths.js';
import { probeWatchLimit, watchLimitAdvice } from '../../src/core/util/watchLimit.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-dvcviews-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, 'p-'));
  mkdirSync(join(root, '.dvc'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

test('a tracked params section that changed is named by the leaves that moved (nested, new, deleted)', () => {
  const change = { file: 'params.yaml', key: 'train', state: 'modified' as const, old: { alpha: 0.01, epochs: 30, opt: { lr: 0.1, beta: 0.9 }, gone: 'x' }, new: { alpha: 0.02, epochs: 30, opt: { lr: 0.05, beta: 0.9 }, added: true } };
  const leaves = paramLeafChanges(change);
  assert.deepEqual(leaves.map(paramReason), ['param train.alpha 0.01→0.02', 'param train.opt.lr 0.1→0.05', 'param train.gone deleted', 'param train.added new']);
  assert.deepEqual(paramLeafChanges({ file: 'params.yaml', key: 'lr', state: 'modified', old: 0.1, new: 0.05 }).map(paramReason), ['param lr 0.1→0.05']);
  assert.deepEqual(paramLeafChanges({ file: 'params.yaml', key: undefined, state: 'deleted' }).map(paramReason), ['params params.yaml deleted']);
});

test('glob metacharacters in paths are matched literally; the watch glob covers DVC files and each path below', () => {
  assert.equal(escapeGlob('data/[v1] {a,b}*.csv'), 'data/[[]v1[]] [{]a[,]b[}][*].csv');
  const glob = watchGlob(['data/raw.csv', 'models']);
  assert.ok(glob.startsWith('{**/dvc.yaml,**/dvc.lock,**/*.dvc,'), glob);
  assert.ok(glob.endsWith(',data/raw.csv,data/raw.csv/**,models,models/**}'), glob);
});

const PIPELINE = {
  'dvc.yaml': 'stages:\n  prepare:\n    cmd: python prep.py\n    deps: [prep.py, data/raw.csv]\n    params: [prepare.seed]\n    outs: [data/prepared]\n  train:\n    cmd: python train.py\n    deps: [train.py, data/prepared/train.csv]\n    params: [train]\n    outs: [model.pkl]\n  evaluate:\n    cmd: python eval.py\n    deps: [model.pkl]\n    metrics: [{metrics.json: {cache: false}}]\n  other:\n    cmd: echo\n    deps: [../outside.txt]\n',
  'params.yaml': 'prepare:\n  seed: 1\ntrain:\n  lr: 0.1\n',
  'data/raw.csv.dvc': 'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 3\n  hash: md5\n  path: raw.csv\n',
};

test('a changed dep reaches its stage and everything downstream, in DAG order; DVC files reload everything', async () => {
  const repo = openDvcRepo(project(PIPELINE), { inProcess: true });
  try {
    const { stages, dag } = await repo.load();
    assert.deepEqual(watchedPaths(stages), ['data/prepared', 'data/raw.csv', 'metrics.json', 'model.pkl', 'params.yaml', 'prep.py', 'train.py', 'data/prepared/train.csv'].sort());
    assert.deepEqual(affectedStages(stages, dag, 'data/raw.csv'), ['data/raw.csv.dvc', 'prepare', 'train', 'evaluate']);
    assert.deepEqual(affectedStages(stages, dag, 'train.py'), ['train', 'evaluate']);
    assert.deepEqual(affectedStages(stages, dag, 'data/prepared/train.csv'), ['prepare', 'train', 'evaluate']);
    assert.deepEqual(affectedStages(stages, dag, 'params.yaml'), ['prepare', 'train', 'evaluate']);
    assert.deepEqual(affectedStages(stages, dag, 'unrelated.txt'), []);
    assert.equal(affectedStages(stages, dag, 'sub/dvc.yaml'), undefined);
    assert.equal(affectedStages(stages, dag, 'data/raw.csv.dvc'), undefined);

    const states = new Map([['train', 'changed' as const], ['evaluate', 'upstream-changed' as const]]);
    const mermaid = pipelineMermaid(stages, dag, states).split('\n');
    assert.deepEqual(mermaid.slice(0, 10), [
      'flowchart TD',
      '  s1[("data/raw.csv")]',
      '  s2["prepare"]',
      '  s3["train"]:::changed',
      '  s4["evaluate"]:::upstream',
      '  s5["other"]',
      '  s1 --> s2',
      '  s2 --> s3',
      '  s3 --> s4',
      '  classDef fresh stroke:#2e7d32,stroke-width:2px',
    ]);
  } finally {
    await repo.dispose();
  }
});

test('the watcher-limit probe tells ENOSPC/EMFILE from other failures, and the advice names the sysctl', () => {
  const failing = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  assert.deepEqual(probeWatchLimit('/x', failing('ENOSPC')), { kind: 'limit', code: 'ENOSPC' });
  assert.deepEqual(probeWatchLimit('/x', failing('EMFILE')), { kind: 'limit', code: 'EMFILE' });
  assert.equal(probeWatchLimit('/x', failing('ENOENT')).kind, 'failed');
  assert.deepEqual(probeWatchLimit(scratch), { kind: 'ok' });
  assert.match(watchLimitAdvice('ENOSPC'), /sudo sysctl fs\.inotify\.max_user_watches=524288/);
  assert.match(watchLimitAdvice('EMFILE'), /fs\.inotify\.max_user_instances/);
});

test("measureWorkspace gives a directory's files with their md5, and the .dir hash those entries make", async () => {
  const root = project({
    'dvc.yaml': 'stages:\n  make:\n    cmd: echo\n    outs: [out]\n',
    'out/b.txt': 'bee\n',
    'out/a/c.txt': 'sea\n',
    'out/empty': '',
  });
  const repo = openDvcRepo(root, { inProcess: true });
  try {
    const measured = await repo.measureWorkspace('out');
    assert.deepEqual(measured?.entries, [
      { relpath: 'a/c.txt', md5: createHash('md5').update('sea\n').digest('hex') },
      { relpath: 'b.txt', md5: createHash('md5').update('bee\n').digest('hex') },
      { relpath: 'empty', md5: 'd41d8cd98f00b204e9800998ecf8427e' },
    ]);
    assert.equal(measured?.hash, dirHash(measured!.entries!));
    assert.equal(measured?.nfiles, 3);
    assert.equal(await repo.measureWorkspace('not/tracked'), undefined);
  } finally {
    await repo.dispose();
  }
});

test('a partial re-check decides the reached stages again and keeps the others, unless their definition changed', async () => {
  const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
  const lock = (cmdB: string): string =>
    `schema: '2.0'\nstages:\n  a:\n    cmd: echo a\n    deps:\n    - path: a.txt\n      hash: md5\n      md5: ${md5('a\n')}\n      size: 2\n    params:\n      params.yaml:\n        x: 1\n  b:\n    cmd: ${cmdB}\n    deps:\n    - path: b.txt\n      hash: md5\n      md5: ${md5('b\n')}\n      size: 2\n`;
  const root = project({
    'dvc.yaml': 'stages:\n  a:\n    cmd: echo a\n    deps: [a.txt]\n    params: [x]\n  b:\n    cmd: echo b\n    deps: [b.txt]\n',
    'dvc.lock': lock('echo b'),
    'params.yaml': 'x: 1\n',
    'a.txt': 'a\n',
    'b.txt': 'b\n',
  });
  const repo = openDvcRepo(root, { inProcess: true });
  try {
    const first = await repo.inspect();
    assert.deepEqual(first.status.json, {});
    writeFileSync(join(root, 'params.yaml'), 'x: 2\n');
    writeFileSync(join(root, 'b.txt'), 'b changed\n');
    const partial = await repo.inspect({ reuse: { previous: first, recheck: ['a'] } });
    // b was not reached by the change the caller named, so its last verdict (up to date) stands.
    assert.deepEqual(partial.status.json, { a: [{ 'changed deps': { 'params.yaml': { x: 'modified' } } }] });
    const full = await repo.inspect();
    assert.deepEqual(full.status.json, { a: [{ 'changed deps': { 'params.yaml': { x: 'modified' } } }], b: [{ 'changed deps': { 'b.txt': 'modified' } }] });
    assert.deepEqual(partial.status.stages.find((s) => s.address === 'a'), full.status.stages.find((s) => s.address === 'a'));
    // A stage whose definition changed is decided again even when the caller did not name it.
    writeFileSync(join(root, 'b.txt'), 'b\n');
    writeFileSync(join(root, 'dvc.yaml'), 'stages:\n  a:\n    cmd: echo a\n    deps: [a.txt]\n    params: [x]\n  b:\n    cmd: echo B\n    deps: [b.txt]\n');
    const redefined = await repo.inspect({ reuse: { previous: first, recheck: [] } });
    assert.deepEqual(redefined.status.json['b'], ['changed command']);
    assert.deepEqual(redefined.status.json['a'], undefined, 'a kept its last verdict: nothing named it');
  } finally {
    await repo.dispose();
  }
});
