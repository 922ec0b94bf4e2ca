/**
 * The drift check stage's plan (core/deploy/driftStage.ts): what goes into dvc.yaml, and the
 * requests refused before anything is written. The stage itself runs under real DVC and Evidently
 * in test/contract/driftStage.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { parse } from 'yaml';
import { planDriftCheckStage, type DriftStageRequest } from '../../src/core/deploy/driftStage.js';
import { DeployError } from '../../src/core/deploy/errors.js';
import { driftStageDefaults, driftTableCandidates, listFilesBounded } from '../../src/core/deploy/editorInfo.js';

const template = readFileSync(join(__dirname, '..', '..', 'templates', 'check_drift.py'), 'utf8');
const request: DriftStageRequest = { stageName: 'check_drift', referencePath: 'data/train.csv', currentPath: 'data/new batch.parquet', scriptPath: 'check_drift.py', reportPath: 'drift/report.json' };
const context = { dvcYaml: 'stages:\n  train:  # the model\n    cmd: python train.py\n', existing: new Set<string>(), tracked: ['data/train.csv', 'model.pkl'], template };

test('the stage: the script, both tables as deps, the JSON report as an uncached metric, the HTML report as an output; the rest of dvc.yaml as it was', () => {
  const plan = planDriftCheckStage({ ...request, driftShare: 0.3 }, context);
  const [yaml, script] = plan.edits;
  assert.ok(yaml!.after.startsWith(context.dvcYaml), 'the user’s text is kept byte for byte');
  const stage = (parse(yaml!.after) as { stages: Record<string, unknown> }).stages['check_drift'];
  assert.deepEqual(stage, {
    cmd: "python check_drift.py --reference data/train.csv --current 'data/new batch.parquet' --report drift/report.json --html drift/report.html --drift-share 0.3",
    deps: ['check_drift.py', 'data/train.csv', 'data/new batch.parquet'],
    metrics: [{ 'drift/report.json': { cache: false } }],
    outs: ['drift/report.html'],
  });
  assert.equal(script!.path, 'check_drift.py');
  assert.equal(script!.before, undefined);
  assert.match(script!.after, /^"""Drift check of the DVC stage "check_drift"/);
  assert.doesNotMatch(script!.after, /\{\{/);
});

test('refused before anything is written: names, paths, overwrites, shares', () => {
  const refused: [Partial<DriftStageRequest>, Partial<typeof context> | undefined, RegExp][] = [
    [{ stageName: 'check drift' }, undefined, /cannot name a stage/],
    [{ referencePath: '../outside.csv' }, undefined, /outside the project folder/],
    [{ currentPath: '/etc/passwd.csv' }, undefined, /relative to the project folder/],
    [{ currentPath: 'data/notes.txt' }, undefined, /must be a table file/],
    [{ currentPath: 'data/train.csv' }, undefined, /are the same file/],
    [{ reportPath: 'drift/report.yaml' }, undefined, /must be a \.json file/],
    [{ scriptPath: 'check.sh' }, undefined, /must be a \.py file/],
    [{ driftShare: 0 }, undefined, /more than 0 and at most 1/],
    [{ driftShare: 1.5 }, undefined, /more than 0 and at most 1/],
    [{ reportPath: 'data/train.csv/report.json' }, undefined, /would overwrite the data/],
    [{ reportPath: 'model.pkl/r.json' }, undefined, /overlaps model\.pkl/],
    [{}, { existing: new Set(['check_drift.py']) }, /exists already/],
    [{ stageName: 'train' }, undefined, /already has a stage "train"/],
    [{ scriptPath: '-rf.py' }, undefined, /starts with "-"/],
  ];
  for (const [change, contextChange, message] of refused) {
    assert.throws(() => planDriftCheckStage({ ...request, ...change }, { ...context, ...contextChange }), (error: unknown) => error instanceof DeployError && message.test(error.message), JSON.stringify(change));
  }
});

test('a project without dvc.yaml gets one', () => {
  const plan = planDriftCheckStage(request, { ...context, dvcYaml: undefined });
  assert.equal(plan.edits[0]!.before, undefined);
  assert.ok((parse(plan.edits[0]!.after) as { stages: Record<string, unknown> }).stages['check_drift']);
});

test('the tables a drift check can compare: tracked table files, and the tables inside tracked folders (bounded)', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(join(tmpdir(), 'mlwb-drift-tables-'));
  try {
    mkdirSync(join(root, 'data', 'prepared', 'split'), { recursive: true });
    for (const name of ['train.csv', 'test.csv', 'notes.md', 'split/val.parquet']) writeFileSync(join(root, 'data', 'prepared', name), 'x');
    const list = (path: string): Promise<string[] | undefined> => listFilesBounded(join(root, path), 100);
    assert.deepEqual(await driftTableCandidates(['data/prepared', 'data/raw.csv', 'model.pkl', 'missing-dir'], list), ['data/prepared/split/val.parquet', 'data/prepared/test.csv', 'data/prepared/train.csv', 'data/raw.csv']);
    assert.equal(await listFilesBounded(join(root, 'nope'), 10), undefined);
    assert.ok(((await listFilesBounded(join(root, 'data'), 3)) ?? []).length <= 3, 'no more entries looked at than the bound');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.deepEqual(driftStageDefaults('stages:\n  check_drift:\n    cmd: x\n', new Set(['check_drift.py'])), { stageName: 'check_drift_2', scriptPath: 'check_drift_2.py' });
  assert.deepEqual(driftStageDefaults(undefined, new Set()), { stageName: 'check_drift', scriptPath: 'check_drift.py' });
});
