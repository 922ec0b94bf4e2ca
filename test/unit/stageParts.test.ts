/**
 * What the Pipeline view lists below a stage, on a project real DVC ran: deps, outs with their
 * flags, and params by their leaves with the values dvc.lock recorded and old → new once changed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { openDvcRepo } from '../../src/core/dvc/repo.js';
import { stageParts } from '../../src/core/dvc/stageParts.js';
import { env, pythonEnv } from '../support/python.js';

const run = promisify(execFile);
let dir = '';

before(async () => {
  const python = await pythonEnv();
  dir = mkdtempSync(join(tmpdir(), 'mlw-stageparts-'));
  const dvc = (...args: string[]) => run(join(python.bin, 'dvc'), args, { cwd: dir, env: env(python) });
  await dvc('init', '--no-scm', '-q');
  writeFileSync(join(dir, 'params.yaml'), 'train:\n  alpha: 0.1\n  opt:\n    lr: 0.01\n    beta: 0.9\nseed: 7\n');
  writeFileSync(join(dir, 'raw.txt'), 'raw\n');
  writeFileSync(
    join(dir, 'dvc.yaml'),
    'stages:\n  train:\n    cmd: cp raw.txt model.txt && echo 1 > metrics.json\n    deps: [raw.txt]\n    params: [train, seed]\n    outs:\n      - model.txt:\n          persist: true\n    metrics:\n      - metrics.json:\n          cache: false\n',
  );
  await dvc('repro', '-q');
});

after(() => dir && rmSync(dir, { recursive: true, force: true }));

test('a stage lists its deps, params by leaf with recorded values, and outs with their flags', async () => {
  const repo = openDvcRepo(dir, { inProcess: true });
  const { stages, status } = await repo.inspect();
  const train = stages.find((s) => s.name === 'train')!;
  const parts = stageParts(train, status.stages.find((s) => s.address === 'train'));
  assert.deepEqual(
    parts.map((p) => [p.part, p.name, p.value, p.flags]),
    [
      ['dep', 'raw.txt', undefined, undefined],
      // In dvc.lock's order (DVC records the params of a file sorted by key).
      ['param', 'seed', 7, undefined],
      ['param', 'train.alpha', 0.1, undefined],
      ['param', 'train.opt.lr', 0.01, undefined],
      ['param', 'train.opt.beta', 0.9, undefined],
      ['out', 'model.txt', undefined, ['persist']],
      ['metric', 'metrics.json', undefined, ['not cached']],
    ],
  );
  assert.ok(parts.every((p) => !p.pathChange && !p.paramChange), 'nothing changed yet');
  await repo.dispose();
});

test('after an edit, the changed leaf carries old → new, the dep its change; the rest stay quiet', async () => {
  writeFileSync(join(dir, 'params.yaml'), 'train:\n  alpha: 0.1\n  opt:\n    lr: 0.05\n    beta: 0.9\n  epochs: 3\nseed: 7\n');
  writeFileSync(join(dir, 'raw.txt'), 'changed\n');
  const repo = openDvcRepo(dir, { inProcess: true });
  const { stages, status } = await repo.inspect();
  const train = stages.find((s) => s.name === 'train')!;
  const parts = stageParts(train, status.stages.find((s) => s.address === 'train'));
  const changed = parts.filter((p) => p.paramChange || p.pathChange).map((p) => [p.name, p.pathChange?.state ?? p.paramChange?.state, p.paramChange?.old, p.paramChange?.new]);
  assert.deepEqual(changed, [
    ['raw.txt', 'modified', undefined, undefined],
    ['train.opt.lr', 'modified', 0.01, 0.05],
    ['train.epochs', 'new', undefined, 3],
  ]);
  await repo.dispose();
});
