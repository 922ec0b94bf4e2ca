/**
 * The CLI's experiments/runs JSON must equal what MLflow's own REST handler returns for the same
 * store (reference: test/support/mlflow_reference.py), on the SQLite and the file store.
 * Needs `npm run build` first (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { describe } from 'node:test';
import { mlflowReference, runCli, trackingFixture, type Backend, type ReferenceQuery } from '../support/fixtures';
import { jsonDiff } from './jsonDiff';

async function assertSameAsMlflow(command: 'experiments' | 'runs', uri: string, query: ReferenceQuery): Promise<void> {
  const args = [command, '--tracking-uri', uri, '--json'];
  for (const id of query.experimentIds ?? []) args.push('--experiment-id', id);
  if (query.viewType) args.push('--view-type', query.viewType);
  const [cli, expected] = await Promise.all([runCli(args), mlflowReference(command, uri, query)]);
  assert.equal(cli.code, 0, `ml-workbench ${args.join(' ')} failed:\n${cli.stderr}`);
  const actual = JSON.parse(cli.stdout) as unknown;
  const differences = jsonDiff(actual, expected);
  assert.deepStrictEqual(
    actual,
    expected,
    `ml-workbench ${args.join(' ')} differs from MLflow:\n  ${differences.join('\n  ')}`,
  );
}

for (const backend of ['sqlite', 'file'] as const satisfies readonly Backend[]) {
  describe(`${backend} store matches MLflow's REST answers`, () => {
    const store = () => trackingFixture(backend);
    const iris = async () => (await store()).summary.experiments['iris-classifier']!;

    test('experiments, active only by default', async () => {
      await assertSameAsMlflow('experiments', (await store()).uri, {});
    });
    test('experiments, ALL (includes the deleted one)', async () => {
      await assertSameAsMlflow('experiments', (await store()).uri, { viewType: 'ALL' });
    });
    test('experiments, DELETED_ONLY', async () => {
      await assertSameAsMlflow('experiments', (await store()).uri, { viewType: 'DELETED_ONLY' });
    });
    test('runs of every active experiment', async () => {
      await assertSameAsMlflow('runs', (await store()).uri, {});
    });
    test('runs of every experiment, ALL view (deleted runs and experiments too)', async () => {
      await assertSameAsMlflow('runs', (await store()).uri, { viewType: 'ALL' });
    });
    test('runs of one experiment', async () => {
      await assertSameAsMlflow('runs', (await store()).uri, { experimentIds: [await iris()] });
    });
    test('runs of one experiment, ACTIVE_ONLY given explicitly', async () => {
      await assertSameAsMlflow('runs', (await store()).uri, { experimentIds: [await iris()], viewType: 'ACTIVE_ONLY' });
    });
    test('runs of one experiment, ALL view (includes the soft-deleted run)', async () => {
      await assertSameAsMlflow('runs', (await store()).uri, { experimentIds: [await iris()], viewType: 'ALL' });
    });
  });
}

test('file store given as a plain path, as MLFLOW_TRACKING_URI=./mlruns users do', async () => {
  const { dir } = await trackingFixture('file');
  await assertSameAsMlflow('runs', join(dir, 'mlruns'), {});
});

describe('broken stores fail loudly', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mlw-broken-'));

  async function assertFails(args: string[], mention: string): Promise<void> {
    const result = await runCli([...args, '--json']);
    assert.notEqual(result.code, 0, `expected a failure, got stdout:\n${result.stdout}`);
    assert.ok(result.stderr.includes(mention), `stderr should mention ${mention}:\n${result.stderr}`);
    assert.ok(!/^\s+at /m.test(result.stderr), `stderr should be a message, not a stack trace:\n${result.stderr}`);
  }

  test('garbage bytes in mlflow.db', async () => {
    const db = join(scratch, 'garbage.db');
    writeFileSync(db, Buffer.from('this is not a sqlite database, just garbage bytes\x00\xff'.repeat(100), 'binary'));
    await assertFails(['runs', '--tracking-uri', `sqlite:///${db}`], db);
  });
  test('a missing sqlite file', async () => {
    const db = join(scratch, 'missing', 'mlflow.db');
    await assertFails(['experiments', '--tracking-uri', `sqlite:///${db}`], db);
  });
  test('a missing mlruns folder', async () => {
    const mlruns = join(scratch, 'no-such-mlruns');
    await assertFails(['experiments', '--tracking-uri', `file://${mlruns}`], mlruns);
  });
  test('an unsupported URI scheme', async () => {
    await assertFails(['runs', '--tracking-uri', 'ftp://x'], 'ftp://x');
  });
  // Where MLflow's own search fails whole on one bad meta.yaml, ours reports it and lists the rest.
  test('an mlruns experiment with a corrupt meta.yaml is named on stderr; the others are listed', async () => {
    const fixture = await trackingFixture('file');
    const mlruns = join(scratch, 'mlruns');
    cpSync(join(fixture.dir, 'mlruns'), mlruns, { recursive: true });
    writeFileSync(join(mlruns, '0', 'meta.yaml'), 'experiment_id: [unclosed\n  : :\n');
    const result = await runCli(['experiments', '--tracking-uri', `file://${mlruns}`, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stderr.includes(join(mlruns, '0', 'meta.yaml')), result.stderr);
    const names = (JSON.parse(result.stdout) as { experiments: { name: string }[] }).experiments.map((e) => e.name);
    assert.ok(names.includes('iris-classifier') && !names.includes('Default'), names.join(', '));
  });
});
