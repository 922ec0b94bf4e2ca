/**
 * Read-only SQLite for the stores: node:sqlite where the running Node has it, sql.js otherwise.
 * Both answer what SQLite itself would after a writer's crash — a hot journal rolled back, a
 * write-ahead log's commits seen — and neither writes to the user's files (nodeSqlite.ts,
 * sqlJs.ts).
 */
import { open, stat } from 'node:fs/promises';
import { nodeSqlite, openWithNodeSqlite } from './nodeSqlite.js';
import { openWithSqlJs } from './sqlJs.js';
import type { ReadonlyDatabase, SqliteDriverName } from './types.js';

export type { ReadonlyDatabase, Row, SqliteDriverName, SqlValue } from './types.js';
export { DatabaseBusyError } from './snapshot.js';
export { DatabaseRecoveryError, DatabaseTooLargeError, SQL_JS_MAX_BYTES } from './sqlJs.js';

export interface OpenOptions {
  /** Force a driver (tests run both); by default `node:sqlite` where the running Node has it. */
  readonly driver?: SqliteDriverName;
  /** Milliseconds to wait on a lock held by a writer (MLflow itself uses 20 s). */
  readonly busyTimeoutMs?: number;
}

/** SQLite files start with this 16-byte header; anything else is not a database. */
const SQLITE_MAGIC = 'SQLite format 3\0';

export function availableDrivers(): SqliteDriverName[] {
  return nodeSqlite() ? ['node:sqlite', 'sql.js'] : ['sql.js'];
}

export class NotASqliteDatabaseError extends Error {}

/** Opens `path` read-only. Throws NotASqliteDatabaseError for a file that is not SQLite. */
export async function openReadonly(path: string, options: OpenOptions = {}): Promise<ReadonlyDatabase> {
  await checkHeader(path);
  const driver = options.driver ?? availableDrivers()[0]!;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  return driver === 'node:sqlite' ? openWithNodeSqlite(path, busyTimeoutMs) : openWithSqlJs(path, busyTimeoutMs);
}

async function checkHeader(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw new NotASqliteDatabaseError(`${path} is not a file`);
  const handle = await open(path, 'r');
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
