/**
 * What a writer leaves beside an SQLite database — a write-ahead log it never checkpointed, a hot
 * journal of a transaction it died in, a journal PERSIST or TRUNCATE mode keeps — is read as
 * SQLite itself reads it: the answer of every driver this Node has equals what real SQLite
 * (Python's sqlite3) answers on a copy it may recover, and the store's files stay byte for byte
 * as they were. The writers are real SQLite too (test/fixtures/sqlite_writer.py), killed with
 * SIGKILL where the scenario stops. Run on Node 20 (sql.js) and a Node with node:sqlite (both).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { availableDrivers, DatabaseTooLargeError, openReadonly } from '../../src/core/sqlite/database.js';
import { REPO_ROOT } from '../support/python.js';

const run = promisify(execFile);
const WRITER = join(REPO_ROOT, 'test', 'fixtures', 'sqlite_writer.py');
const QUERY = 'SELECT state, count(*) FROM t GROUP BY 1 ORDER BY 1';
const scratch = mkdtempSync(join(tmpdir(), 'mlw-sqlite-recovery-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The scenario's files in a fresh folder. */
async function leftBy(scenario: string): Promise<string> {
  const path = join(mkdtempSync(join(scratch, `${scenario}-`)), 'store.db');
  await run('python3', [WRITER, scenario, path]).catch((error: { signal?: string }) => {
    if (error.signal !== 'SIGKILL') throw error;
  });
  return path;
}

async function sqliteAnswer(path: string): Promise<unknown[][]> {
  const { stdout } = await run('python3', [WRITER, 'query', path, QUERY]);
  return JSON.parse(stdout) as unknown[][];
}

async function ourAnswer(path: string, driver: (typeof DRIVERS)[number]): Promise<unknown[][]> {
  const db = await openReadonly(path, { driver, busyTimeoutMs: 2_000 });
  try {
    const rows: unknown[][] = [];
    db.each(QUERY, [], (values) => rows.push(values.map((v) => (typeof v === 'bigint' ? Number(v) : v))));
    return rows;
  } finally {
    db.close();
  }
}

/** The database, its journal and its log (not -shm, SQLite's readers' shared index), by content. */
function contents(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const suffix of ['', '-journal', '-wal']) {
    if (existsSync(path + suffix)) out[suffix || 'db'] = createHash('sha256').update(readFileSync(path + suffix)).digest('hex');
  }
  return out;
}

const DRIVERS = availableDrivers();

const SCENARIOS: readonly [string, string, readonly string[]][] = [
  ['wal-committed', 'commits a writer never checkpointed (only in -wal) are seen', ['-wal']],
  ['wal-uncommitted', 'pages of an uncommitted transaction spilled into -wal are not', ['-wal']],
  ['wal-restarted', 'a restarted log over a longer old one counts only its own frames', ['-wal']],
  ['hot-journal', 'a hot journal a killed writer left is rolled back (the store stays as it is)', ['-journal']],
  ['hot-rewrite', 'a hot journal of many segments (a writer that spilled again and again) is rolled back whole', ['-journal']],
  ['persist', "PERSIST mode's zeroed journal is no transaction", ['-journal']],
  ['truncate', "TRUNCATE mode's empty journal is no transaction", ['-journal']],
];

for (const [scenario, what, sidecars] of SCENARIOS) {
  test(`${scenario}: ${what}; every driver (${DRIVERS.join(', ')}) answers as SQLite, writing nothing`, async () => {
    const path = await leftBy(scenario);
    for (const suffix of sidecars) assert.ok(existsSync(path + suffix), `the writer left ${suffix}`);
    const before = contents(path);
    const expected = await sqliteAnswer(path);
    for (const driver of DRIVERS) {
      assert.deepEqual(await ourAnswer(path, driver), expected, driver);
      // Twice: node:sqlite reuses its private copy while the store is unchanged.
      assert.deepEqual(await ourAnswer(path, driver), expected, `${driver}, again`);
    }
    assert.deepEqual(contents(path), before);
  });
}

test('a live writer holding its exclusive lock mid-transaction: sql.js reads the last commit, node:sqlite waits and then says busy', async () => {
  const path = join(mkdtempSync(join(scratch, 'held-')), 'store.db');
  const writer = spawn('python3', [WRITER, 'held-exclusive', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      writer.stdout.once('data', () => resolve());
      writer.once('exit', (code) => reject(new Error(`writer exited ${code}`)));
    });
    for (const driver of DRIVERS) {
      if (driver === 'sql.js') assert.deepEqual(await ourAnswer(path, driver), [['before', 50]]);
      else await assert.rejects(ourAnswer(path, driver), /database is locked/);
    }
  } finally {
    writer.kill('SIGKILL');
  }
});

test('sql.js refuses a store above its memory limit with what to do instead (ML_WORKBENCH_SQLJS_MAX_MB)', async () => {
  const path = await leftBy('hot-journal');
  const saved = process.env['ML_WORKBENCH_SQLJS_MAX_MB'];
  process.env['ML_WORKBENCH_SQLJS_MAX_MB'] = '0.5';
  try {
    await assert.rejects(openReadonly(path, { driver: 'sql.js' }), (error: unknown) => {
      assert.ok(error instanceof DatabaseTooLargeError);
      assert.match(error.message, /store\.db is 1 MB: without node:sqlite \(Node 22\.13 or newer.*the limit for that is 1 MB \(ML_WORKBENCH_SQLJS_MAX_MB\)/);
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env['ML_WORKBENCH_SQLJS_MAX_MB'];
    else process.env['ML_WORKBENCH_SQLJS_MAX_MB'] = saved;
  }
});
