/**
 * The sql.js (WebAssembly) reader, for a Node without node:sqlite. sql.js reads a database from
 * bytes only: it cannot see `-journal` or `-wal` beside the file, so what SQLite would do on
 * opening — roll a hot journal back, replay the log's committed frames — is done here on the
 * bytes (journal.ts, wal.ts), and the answer is what SQLite itself would give, never the stale
 * main file. Nothing is written anywhere.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { JournalRecoveryError, rollBack } from './journal.js';
import { takeSnapshot } from './snapshot.js';
import type { ReadonlyDatabase, Row, SqlValue } from './types.js';
import { applyWal, WalRecoveryError } from './wal.js';

/**
 * sql.js holds the whole database (and a replayed log) in WebAssembly memory, and reads it whole
 * for every query: about 1.4 times the file in memory (bench/RESULTS.md, "SQLite memory").
 * Past this a store is refused with what to do instead (ML_WORKBENCH_SQLJS_MAX_MB changes it).
 */
export const SQL_JS_MAX_BYTES = 512 * 1024 * 1024;

export class DatabaseTooLargeError extends Error {}
/** The files beside the database hold a state this reader cannot reproduce (it says which). */
export class DatabaseRecoveryError extends Error {}

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= (async () => {
    const init = (await import('sql.js')).default as unknown as (config: object) => Promise<SqlJsStatic>;
    return init({ locateFile: () => sqlJsWasmPath() });
  })();
  return sqlJs;
}

/** The bundle ships the wasm next to itself; from sources it comes from node_modules. */
function sqlJsWasmPath(): string {
  const beside = join(__dirname, 'sql-wasm.wasm');
  return existsSync(beside) ? beside : require.resolve('sql.js/dist/sql-wasm.wasm');
}

export function sqlJsLimit(env: NodeJS.ProcessEnv = process.env): number {
  const megabytes = Number(env['ML_WORKBENCH_SQLJS_MAX_MB']);
  return Number.isFinite(megabytes) && megabytes > 0 ? megabytes * 1024 * 1024 : SQL_JS_MAX_BYTES;
}

export async function openWithSqlJs(path: string, busyTimeoutMs: number): Promise<ReadonlyDatabase> {
  await checkSize(path);
  const snapshot = await takeSnapshot(path, busyTimeoutMs, (file) => readFile(file));
  const bytes = recovered(path, snapshot.database, snapshot.journal, snapshot.wal);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  const bind = (params: readonly SqlValue[]): never => params.map((p) => (typeof p === 'bigint' ? Number(p) : p)) as never;
  return {
    driver: 'sql.js',
    all(sql, params = []) {
      const statement = db.prepare(sql);
      try {
        statement.bind(bind(params));
        const rows: Row[] = [];
        while (statement.step()) rows.push(statement.getAsObject() as Row);
        return rows;
      } finally {
        statement.free();
      }
    },
    each(sql, params, row) {
      const statement = db.prepare(sql);
      try {
        statement.bind(bind(params));
        while (statement.step()) row(statement.get() as SqlValue[]);
      } finally {
        statement.free();
      }
    },
    close: () => db.close(),
  };
}

async function checkSize(path: string): Promise<void> {
  const limit = sqlJsLimit();
  const sizes = await Promise.all([path, `${path}-wal`].map((file) => stat(file).then((s) => s.size, () => 0)));
  const size = sizes[0]! + sizes[1]!;
  if (size <= limit) return;
  const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
  throw new DatabaseTooLargeError(
    `${path} is ${mb(size)}: without node:sqlite (Node 22.13 or newer, as in a recent VS Code) it would be copied whole into memory, ` +
      `and the limit for that is ${mb(limit)} (ML_WORKBENCH_SQLJS_MAX_MB). Update VS Code or Node, or point the tracking URI at an MLflow server for this store.`,
  );
}

/** The database as SQLite would open it: a hot journal rolled back, then the log's commits laid over. */
function recovered(path: string, database: Buffer, journal: Buffer | undefined, wal: Buffer | undefined): Uint8Array {
  let bytes: Uint8Array = database;
  try {
    if (journal) bytes = rollBack(bytes, journal).database;
    if (wal) bytes = applyWal(bytes, wal).database;
  } catch (error) {
    if (error instanceof JournalRecoveryError || error instanceof WalRecoveryError) {
      throw new DatabaseRecoveryError(
        `${path}: ${error.message}. Reading never writes to a store, and without node:sqlite this cannot be read around: open the store once with MLflow (or the sqlite3 tool), which recovers it, or use a Node with node:sqlite.`,
      );
    }
    throw error;
  }
  // A replayed log is part of the copy now; a header still saying "WAL" would send SQLite looking for one.
  if (bytes[18] === 2 || bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return bytes;
}
