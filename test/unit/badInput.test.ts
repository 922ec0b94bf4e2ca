/**
 * Damaged stores: every case yields a typed error naming the run, experiment or file concerned,
 * the rest of the listing still arrives, and nothing in the store is ever written. The stores are
 * copies of ones logged by real MLflow, damaged the way a crash or a half-finished write would.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { TrackingError } from '../../src/core/tracking/errors.js';
import { FileTrackingStore } from '../../src/core/tracking/fileStore.js';
import { SqliteTrackingStore } from '../../src/core/tracking/sqliteStore.js';
import { availableDrivers } from '../../src/core/sqlite/database.js';
import { trackingFixture } from '../support/fixtures.js';

/** Every file under `dir` with its size and mtime: equal before and after means nothing was written. */
function snapshot(dir: string): string {
  const lines: string[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const info = statSync(full);
      lines.push(`${full} ${info.isDirectory() ? 'd' : info.size} ${info.mtimeMs}`);
      if (info.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return lines.join('\n');
}

async function fileStoreCopy(): Promise<{ store: FileTrackingStore; mlruns: string; runs: Record<string, string>; experimentId: string }> {
  const fixture = await trackingFixture('file');
  const dir = mkdtempSync(join(tmpdir(), 'mlw-bad-'));
  cpSync(fixture.dir, dir, { recursive: true });
  const mlruns = join(dir, 'mlruns');
  const experimentId = fixture.summary.experiments['iris-classifier']!;
  return { store: new FileTrackingStore(`file://${mlruns}`, mlruns), mlruns, runs: { ...fixture.summary.runs }, experimentId };
}

test('file store: a truncated metric line, a half-written meta.yaml and a run without meta.yaml', async () => {
  const { store, mlruns, runs, experimentId } = await fileStoreCopy();
  const expDir = join(mlruns, experimentId);
  // A crash mid-append leaves a line with fewer fields.
  writeFileSync(join(expDir, runs['baseline-logreg']!, 'metrics', 'loss'), '1735689600000 0.9 0\n17356896');
  // A writer caught between open() and write(): an empty meta.yaml.
  truncateSync(join(expDir, runs['diverged-run']!, 'meta.yaml'), 0);
  // A folder MLflow never finished creating: MLflow itself ignores it, and so do we.
  mkdirSync(join(expDir, 'f'.repeat(32), 'metrics'), { recursive: true });
  const before = snapshot(mlruns);

  const listing = await store.searchRuns({ experimentIds: [experimentId], viewType: 'ALL' });

  const listed = new Set(listing.items.map((r) => r.info.run_id));
  assert.ok(!listed.has(runs['baseline-logreg']!) && !listed.has(runs['diverged-run']!));
  for (const name of ['tuned-forest', 'fold-1', 'fold-2', 'long-params', 'with-dataset']) assert.ok(listed.has(runs[name]!), name);
  const subjects = listing.problems.map((p) => `${p.reason} ${p.subject}`);
  assert.equal(listing.problems.length, 2, subjects.join('\n'));
  assert.ok(listing.problems.every((p) => p instanceof TrackingError && p.reason === 'corrupt-entity'));
  assert.ok(subjects.some((s) => s.includes(runs['baseline-logreg']!)), subjects.join('\n'));
  assert.ok(subjects.some((s) => s.includes(runs['diverged-run']!)), subjects.join('\n'));
  assert.ok(listing.problems.some((p) => p.message.includes("Metric 'loss' is malformed")));
  assert.equal(snapshot(mlruns), before, 'reading wrote to the store');
});

test('file store: garbage bytes in a meta.yaml and in a metric file', async () => {
  const { store, mlruns, runs, experimentId } = await fileStoreCopy();
  const expDir = join(mlruns, experimentId);
  writeFileSync(join(expDir, runs['long-params']!, 'meta.yaml'), Buffer.from([0x00, 0xff, 0x7b, 0x5b, 0x3a, 0x0a, 0x09, 0x22]));
  writeFileSync(join(expDir, runs['tuned-forest']!, 'metrics', 'cv_score'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0a]));
  const before = snapshot(mlruns);
  const listing = await store.searchRuns({ experimentIds: [experimentId] });
  assert.deepEqual(
    listing.problems.map((p) => p.reason),
    ['corrupt-entity', 'corrupt-entity'],
  );
  assert.ok(listing.items.some((r) => r.info.run_id === runs['fold-1']));
  await assert.rejects(store.getRun(runs['tuned-forest']!), (e: unknown) => e instanceof TrackingError && e.reason === 'corrupt-entity' && e.message.includes('cv_score'));
  assert.equal(snapshot(mlruns), before);
});

test('file store: a half-written experiment meta.yaml is reported, other experiments listed', async () => {
  const { store, mlruns, experimentId } = await fileStoreCopy();
  truncateSync(join(mlruns, experimentId, 'meta.yaml'), 0);
  const listing = await store.searchExperiments();
  assert.ok(!listing.items.some((e) => e.experiment_id === experimentId));
  assert.ok(listing.items.some((e) => e.name === 'Default'));
  assert.equal(listing.problems.length, 1);
  assert.equal(listing.problems[0]!.reason, 'corrupt-entity');
  assert.ok(listing.problems[0]!.subject!.includes(join(mlruns, experimentId)));
});

test('file store: a missing root and an unknown run are typed errors', async () => {
  const missing = new FileTrackingStore('file:///nowhere/mlruns', '/nowhere/mlruns');
  await assert.rejects(missing.searchExperiments(), (e: unknown) => e instanceof TrackingError && e.reason === 'not-found' && e.message.includes('/nowhere/mlruns'));
  const { store } = await fileStoreCopy();
  await assert.rejects(store.getRun('0123456789abcdef0123456789abcdef'), (e: unknown) => e instanceof TrackingError && e.reason === 'not-found');
  await assert.rejects(store.getRun('../../etc'), (e: unknown) => e instanceof TrackingError && e.reason === 'invalid-argument');
});

for (const driver of availableDrivers()) {
  test(`sqlite (${driver}): garbage bytes, a truncated file and a missing file are typed errors naming the file`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlw-badsql-'));
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(4096, 0xab));
    const store = new SqliteTrackingStore(`sqlite:///${garbage}`, garbage, { driver });
    await assert.rejects(store.searchExperiments(), (e: unknown) => e instanceof TrackingError && e.reason === 'corrupt-store' && e.message.includes(garbage));

    const fixture = await trackingFixture('sqlite');
    const truncated = join(dir, 'truncated.db');
    cpSync(join(fixture.dir, 'mlflow.db'), truncated);
    truncateSync(truncated, Math.floor(statSync(truncated).size / 3));
    const truncatedStore = new SqliteTrackingStore(`sqlite:///${truncated}`, truncated, { driver });
    await assert.rejects(
      truncatedStore.searchRuns({ experimentIds: [fixture.summary.experiments['iris-classifier']!] }),
      (e: unknown) => e instanceof TrackingError && e.reason === 'corrupt-store' && e.message.includes(truncated),
    );

    const missing = join(dir, 'missing.db');
    await assert.rejects(new SqliteTrackingStore(`sqlite:///${missing}`, missing, { driver }).searchExperiments(), (e: unknown) => e instanceof TrackingError && e.reason === 'not-found');
  });
}

test('sqlite: reading leaves the database file untouched', async () => {
  const fixture = await trackingFixture('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'mlw-ro-'));
  cpSync(fixture.dir, dir, { recursive: true });
  const before = snapshot(dir);
  for (const driver of availableDrivers()) {
    const store = new SqliteTrackingStore(`sqlite:///${dir}/mlflow.db`, join(dir, 'mlflow.db'), { driver });
    const experiments = await store.searchExperiments({ viewType: 'ALL' });
    await store.searchRuns({ experimentIds: experiments.items.map((e) => e.experiment_id), viewType: 'ALL' });
    await store.searchRegisteredModels();
  }
  assert.equal(snapshot(dir), before);
});

// The writer holds its lock for 30 s: each driver must answer while it still does (a reader that
// waited for the lock would answer after the writer's exit). How long node:sqlite waits before
// 'busy': npm run bench:failures.
test('sqlite: a writer holding the lock mid-transaction: node:sqlite waits then reports busy, sql.js reads the committed state', { timeout: 120_000 }, async () => {
  const fixture = await trackingFixture('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'mlw-lock-'));
  cpSync(join(fixture.dir, 'mlflow.db'), join(dir, 'mlflow.db'));
  const { pythonEnv } = await import('../support/python.js');
  const { spawn } = await import('node:child_process');
  const python = await pythonEnv();
  // A writer that holds an exclusive lock with an uncommitted change (and so a hot journal).
  const writer = spawn(python.python, ['-c', `import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN EXCLUSIVE'); c.execute("UPDATE runs SET name = name || ''")
print('locked', flush=True); time.sleep(30)`, join(dir, 'mlflow.db')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      writer.stdout.once('data', () => resolve());
      writer.once('exit', (code) => reject(new Error(`writer exited ${code}`)));
    });
    for (const driver of availableDrivers()) {
      const store = new SqliteTrackingStore(`sqlite:///${dir}/mlflow.db`, join(dir, 'mlflow.db'), { driver, busyTimeoutMs: 400 });
      if (driver === 'node:sqlite') {
        await assert.rejects(store.searchExperiments(), (e: unknown) => e instanceof TrackingError && e.reason === 'busy' && e.message.includes(dir), driver);
      } else {
        // SQLite changes the main file only at commit: until then the file is the last committed state.
        const listing = await store.searchExperiments();
        assert.ok(listing.items.some((e) => e.name === 'iris-classifier'));
      }
      assert.equal(writer.exitCode, null, `${driver} answered while the writer still held its lock`);
    }
  } finally {
    writer.kill('SIGKILL');
  }
});

test('sqlite: a -journal that is not hot (zeroed, as a writer leaves it before syncing and PERSIST mode after committing) is read around, never waited on for ever', async () => {
  const fixture = await trackingFixture('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'mlw-journal-'));
  const db = join(dir, 'mlflow.db');
  cpSync(join(fixture.dir, 'mlflow.db'), db);
  writeFileSync(`${db}-journal`, Buffer.alloc(512));
  for (const driver of availableDrivers()) {
    const store = new SqliteTrackingStore(`sqlite:///${db}`, db, { driver, busyTimeoutMs: 300 });
    const listing = await store.searchExperiments();
    assert.ok(listing.items.some((e) => e.name === 'iris-classifier'), driver);
  }
});
