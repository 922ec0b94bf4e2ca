/**
 * The drift check stage (core/deploy/driftStage.ts + templates/check_drift.py) in a git + DVC repo,
 * run by real `dvc repro` with real Evidently: on data that did not drift the stage passes, its
 * report is a DVC metric (`dvc metrics show`) and the stage after it runs; on drifted data the
 * stage fails, `dvc repro` exits non-zero and the stage after it does not run. The report's
 * per-column verdicts and scores are Evidently's, and equal what our native drift computes on the
 * same files (core/drift, whose own contract is test/contract/drift.test.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { planDriftCheckStage } from '../../src/core/deploy/driftStage';
import { computeDrift } from '../../src/core/drift/report';
import { removeTree } from '../e2e/support/processes';
import { env, pythonEnv, REPO_ROOT, type PythonEnv } from '../support/python';

const run = promisify(execFile);
let dir = '';
let python: PythonEnv;

interface Report {
  readonly dataset_drift: boolean;
  readonly share_of_drifted_columns: number;
  readonly drifted_columns: number;
  readonly tested_columns: number;
  readonly columns: Record<string, { method: string; score: number | null; threshold: number | null; drifted: boolean }>;
}

/** Reference and current tables from numpy (seeded); `shift` moves half of the columns. */
const TABLES = `
import sys, numpy as np, pandas as pd
out, shift, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
n = 400
pd.DataFrame({
    "age": np.round(rng.normal(40 + 8 * shift, 10, n), 1),
    "income": np.round(rng.lognormal(10 + 0.4 * shift, 0.5, n), 2),
    "score": rng.normal(0, 1, n),
    "city": rng.choice(["Berlin", "Paris", "Rome", "Oslo"], n, p=[0.4, 0.3, 0.2, 0.1] if not shift else [0.1, 0.2, 0.3, 0.4]),
    "plan": rng.choice(["free", "pro"], n, p=[0.7, 0.3]),
}).to_csv(out, index=False)
`;

async function sh(file: string, args: readonly string[], options: { reject?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: dir, env: env(python), maxBuffer: 16 << 20, timeout: 600_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (options.reject !== false) throw error;
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const tables = (path: string, shift: number, seed: number): Promise<unknown> => sh(python.python, ['-c', TABLES, join(dir, path), String(shift), String(seed)]);

before(async () => {
  python = await pythonEnv();
  dir = mkdtempSync(join(tmpdir(), 'mlwb-drift-stage-'));
  await sh('git', ['init', '-q', '-b', 'main']);
  await sh('git', ['config', 'user.email', 'ada@example.com']);
  await sh('git', ['config', 'user.name', 'Ada']);
  await sh('dvc', ['init', '-q']);
  mkdirSync(join(dir, 'data'));
  await tables('data/train.csv', 0, 1);
  await tables('data/current.csv', 0, 2);
  await sh('dvc', ['add', '-q', 'data/train.csv', 'data/current.csv']);
  // The stage after the check: runs only when the data did not drift.
  writeFileSync(join(dir, 'dvc.yaml'), 'stages:\n  # Runs after the drift check.\n  deploy:\n    cmd: python -c "open(\'deployed.txt\', \'w\').write(\'ok\')"\n    deps:\n      - drift/report.json\n    outs:\n      - deployed.txt:\n          cache: false\n');
  const plan = planDriftCheckStage(
    { stageName: 'check_drift', referencePath: 'data/train.csv', currentPath: 'data/current.csv', scriptPath: 'monitoring/check_drift.py', reportPath: 'drift/report.json' },
    { dvcYaml: readFileSync(join(dir, 'dvc.yaml'), 'utf8'), existing: new Set(), tracked: ['data/train.csv', 'data/current.csv'], template: readFileSync(join(REPO_ROOT, 'templates', 'check_drift.py'), 'utf8') },
  );
  for (const edit of plan.edits) {
    mkdirSync(join(dir, edit.path, '..'), { recursive: true });
    writeFileSync(join(dir, edit.path), edit.after);
  }
  await sh('git', ['add', '-A']);
  await sh('git', ['commit', '-qm', 'drift check']);
});

after(() => dir && removeTree(dir));

function report(): Report {
  return JSON.parse(readFileSync(join(dir, 'drift', 'report.json'), 'utf8')) as Report;
}

/** Our native drift on the same files: each column's verdict and score equal the report's (Evidently's). */
async function assertSameAsNative(): Promise<void> {
  const ours = await computeDrift(join(dir, 'data', 'train.csv'), join(dir, 'data', 'current.csv'));
  const theirs = report();
  assert.deepEqual(ours.columns.map((c) => c.column).sort(), Object.keys(theirs.columns).sort());
  for (const column of ours.columns) {
    const evidently = theirs.columns[column.column]!;
    assert.equal(column.drifted, evidently.drifted, `${column.column}: drifted`);
    assert.ok(Math.abs(column.score! - evidently.score!) <= 1e-6 * Math.max(1, Math.abs(evidently.score!)), `${column.column}: score ${column.score} vs Evidently ${evidently.score}`);
  }
  assert.equal(ours.dataset.detected, theirs.dataset_drift);
  assert.equal(ours.dataset.drifted, theirs.drifted_columns);
}

test('the stage as dvc.yaml has it: the check before the stage that depends on its report, the user’s comment kept', () => {
  const yaml = readFileSync(join(dir, 'dvc.yaml'), 'utf8');
  assert.match(yaml, /# Runs after the drift check\./);
  assert.match(yaml, /check_drift:\n\s+# Drift check \(ML Workbench\)|# Drift check \(ML Workbench\)[^\n]*\n[^\n]*\n\s+check_drift:/);
  assert.match(yaml, /cmd: python monitoring\/check_drift\.py --reference data\/train\.csv --current data\/current\.csv --report drift\/report\.json --html drift\/report\.html/);
});

test('no drift: dvc repro passes, the report is a DVC metric, Evidently’s verdicts equal ours, the next stage runs', async () => {
  const repro = await sh('dvc', ['repro'], { reject: false });
  assert.equal(repro.code, 0, repro.stderr + repro.stdout);
  assert.match(repro.stdout, /no dataset drift: \d of 5 columns drifted/);
  const metrics = JSON.parse((await sh('dvc', ['metrics', 'show', '--json'])).stdout) as Record<string, { data: Record<string, { data: Report }> }>;
  const shown = Object.values(metrics)[0]!.data['drift/report.json']!.data;
  assert.equal(shown.dataset_drift, false);
  assert.equal(shown.tested_columns, 5);
  assert.ok(existsSync(join(dir, 'deployed.txt')), 'the stage after the check ran');
  assert.ok(readFileSync(join(dir, 'drift', 'report.html'), 'utf8').length > 10_000, 'Evidently’s HTML report is written');
  await assertSameAsNative();
  const status = await sh('dvc', ['status', '--json']);
  assert.deepEqual(JSON.parse(status.stdout), {});
});

test('drift: the stage fails, dvc repro exits non-zero and stops before the stage after it', async () => {
  await sh('git', ['add', '-A']);
  await sh('git', ['commit', '-qm', 'first check']);
  await sh('rm', ['-f', 'deployed.txt']);
  await tables('data/current.csv', 1, 3);
  await sh('dvc', ['add', '-q', 'data/current.csv']);
  const repro = await sh('dvc', ['repro'], { reject: false });
  assert.notEqual(repro.code, 0, 'dvc repro fails');
  assert.match(repro.stdout + repro.stderr, /DRIFTED: [3-5] of 5 columns drifted/);
  assert.match(repro.stdout + repro.stderr, /failed to reproduce 'check_drift'|ERROR: failed to reproduce/i);
  assert.equal(existsSync(join(dir, 'deployed.txt')), false, 'the stage after the check did not run');
  assert.equal(report().dataset_drift, true);
  await assertSameAsNative();
});
