import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = Record<string, SqlValue>;

/** A read-only SQLite connection: the only thing the stores need from a driver. */
export interface ReadonlyDatabase {
  /** Which engine answers: the host Node's built-in `node:sqlite`, or the `sql.js` (WebAssembly) fallback. */
  readonly driver: SqliteDriverName;
  all(sql: string, params?: readonly SqlValue[]): Row[];
  /** Rows as arrays of column values, one at a time: for results of a million rows. */
  each(sql: string, params: readonly SqlValue[], row: (values: readonly SqlValue[]) => void): void;
  close(): void;
}

export type SqliteDriverName = 'node:sqlite' | 'sql.js';

export interface OpenOptions {
  /** Force a driver (tests run both); by default `node:sqlite` where the running Node has it. */
  readonly driver?: SqliteDriverName;
  /** Milliseconds to wait on a lock held by a writer (MLflow itself uses 20 s). */
  readonly busyTimeoutMs?: number;
}

/** SQLite files start with this 16-byte header; anything else is not a database. */
const SQLITE_MAGIC = 'SQLite format 3\0';

interface NodeSqliteStatement {
  all(...params: SqlValue[]): Row[];
  iterate(...params: SqlValue[]): IterableIterator<Row>;
  setReturnArrays?(enabled: boolean): void;
}
interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean; timeout?: number }) => NodeSqliteDatabase;
}

function nodeSqlite(): NodeSqliteModule | undefined {
  // process.getBuiltinModule answers undefined where the module does not exist (Node 20).
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return get?.call(process, 'node:sqlite') as NodeSqliteModule | undefined;
  } catch {
    return undefined;
  }
}

export function availableDrivers(): SqliteDriverName[] {
  return nodeSqlite() ? ['node:sqlite', 'sql.js'] : ['sql.js'];
}

export class NotASqliteDatabaseError extends Error {}

/** Opens `path` read-only. Throws NotASqliteDatabaseError for a file that is not SQLite. */
export async function openReadonly(path: string, options: OpenOptions = {}): Promise<ReadonlyDatabase> {
  await checkHeader(path);
  const driver = options.driver ?? availableDrivers()[0]!;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (driver === 'node:sqlite') {
    const sqlite = nodeSqlite();
    if (!sqlite) throw new Error('node:sqlite is not available in this Node.js');
    const db = new sqlite.DatabaseSync(path, { readOnly: true, timeout: busyTimeoutMs });
    return {
      driver,
      all: (sql, params = []) => db.prepare(sql).all(...params),
      each(sql, params, row) {
        const statement = db.prepare(sql);
        if (statement.setReturnArrays) {
          statement.setReturnArrays(true);
          for (const values of statement.iterate(...params)) row(values as unknown as SqlValue[]);
        } else {
          for (const values of statement.iterate(...params)) row(Object.values(values));
        }
      },
      close: () => db.close(),
    };
  }
  return openWithSqlJs(path, busyTimeoutMs);
}

async function checkHeader(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw new NotASqliteDatabaseError(`${path} is not a file`);
  const handle = await import('node:fs/promises').then((fs) => fs.open(path, 'r'));
  try {
    const header = Buffer.alloc(16);
    const { bytesRead } = await handle.read(header, 0, 16, 0);
    if (bytesRead < 16 || header.toString('latin1') !== SQLITE_MAGIC) {
      throw new NotASqliteDatabaseError(`${path} is not an SQLite database (bad header)`);
    }
  } finally {
    await handle.close();
  }
}

import type { SqlJsStatic } from 'sql.js';
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

/**
 * sql.js holds a whole copy of the database in WebAssembly memory: past this size that is slow
 * and then impossible, so a bigger store asks for a Node with node:sqlite instead.
 */
export const SQL_JS_MAX_BYTES = 1024 * 1024 * 1024;

export class DatabaseTooLargeError extends Error {}

async function openWithSqlJs(path: string, busyTimeoutMs: number): Promise<ReadonlyDatabase> {
  const size = (await stat(path)).size;
  if (size > SQL_JS_MAX_BYTES) {
    throw new DatabaseTooLargeError(
      `${path} is ${(size / 1024 ** 3).toFixed(1)} GB: without node:sqlite (Node 22.13 or newer: a recent VS Code) it would have to be copied whole into memory. Update VS Code, or point the tracking URI at an MLflow server for this store.`,
    );
  }
  const SQL = await loadSqlJs();
  // sql.js works on an in-memory copy: a snapshot taken now, never written back.
  const db = new SQL.Database(await readConsistentCopy(path, busyTimeoutMs));
  return {
    driver: 'sql.js',
    all(sql, params = []) {
      const statement = db.prepare(sql);
      try {
        statement.bind(params.map((p) => (typeof p === 'bigint' ? Number(p) : p)) as never);
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
        statement.bind(params.map((p) => (typeof p === 'bigint' ? Number(p) : p)) as never);
        while (statement.step()) row(statement.get() as SqlValue[]);
      } finally {
        statement.free();
      }
    },
    close: () => db.close(),
  };
}

/**
 * Reads the database file while no writer is in the middle of a transaction. MLflow runs SQLite in
 * rollback-journal mode: while a `-journal` file exists the main file may hold half a transaction,
 * and a copy whose size or mtime changed while it was read is torn. Either way: wait and read again.
 */
async function readConsistentCopy(path: string, busyTimeoutMs: number): Promise<Uint8Array> {
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    const before = await stat(path);
    const journal = existsSync(`${path}-journal`);
    if (!journal) {
      const bytes = await readFile(path);
      const after = await stat(path);
      if (after.mtimeMs === before.mtimeMs && after.size === before.size && bytes.length === before.size) return bytes;
    }
    if (Date.now() >= deadline) throw new DatabaseBusyError(`${path} stayed busy (a writer holds it) for ${busyTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** attempt)));
  }
}

export class DatabaseBusyError extends Error {}
