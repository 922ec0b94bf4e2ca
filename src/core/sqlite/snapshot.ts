/**
 * A consistent picture of an SQLite database and what a writer left beside it (`-journal`,
 * `-wal`), taken without any lock: every file is read (or copied), then everything is looked at
 * again — the files' identity, size and modification time, the database header's change counter
 * and the WAL header's salts — and the picture is kept only if nothing moved while it was taken.
 * A writer at work moves something; a dead one (its journal or log left behind) moves nothing.
 */
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Snapshot<T> {
  /** The files' state the picture belongs to (see `stamp`). */
  readonly stamp: string;
  readonly database: T;
  /** A rollback journal, when one was there (hot or not: journal.ts decides). */
  readonly journal?: T;
  /** A write-ahead log, when one was there. */
  readonly wal?: T;
}

export class DatabaseBusyError extends Error {}

/**
 * `take` reads or copies one file; `restart` (if given) clears what an abandoned attempt took;
 * `busyTimeoutMs` bounds how long a moving writer is waited for.
 */
export async function takeSnapshot<T>(path: string, busyTimeoutMs: number, take: (file: string) => Promise<T>, restart?: () => Promise<void>): Promise<Snapshot<T>> {
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) await restart?.();
    const before = await stamp(path);
    const picture = await tryTake(path, before, take);
    if (picture && (await stamp(path)) === before) return { stamp: before, ...picture };
    if (Date.now() >= deadline) throw new DatabaseBusyError(`${path} kept changing under a writer for ${busyTimeoutMs} ms; try again in a moment`);
    await sleep(Math.min(200, 10 * 2 ** attempt));
  }
}

/** The files as the stamp saw them; undefined when one vanished in between (a commit ended). */
async function tryTake<T>(path: string, stamped: string, take: (file: string) => Promise<T>): Promise<Omit<Snapshot<T>, 'stamp'> | undefined> {
  try {
    const database = await take(path);
    const journal = stamped.includes('journal:missing') ? undefined : await take(`${path}-journal`);
    const wal = stamped.includes('wal:missing') ? undefined : await take(`${path}-wal`);
    return { database, ...(journal === undefined ? {} : { journal }), ...(wal === undefined ? {} : { wal }) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What changes when a writer writes: each file's identity, size and time, and the headers' counters. */
export async function stamp(path: string): Promise<string> {
  const parts = await Promise.all([
    fileStamp('db', path, 0, 100),
    fileStamp('journal', `${path}-journal`, 0, 28),
    fileStamp('wal', `${path}-wal`, 0, 32),
  ]);
  return parts.join('|');
}

async function fileStamp(label: string, file: string, start: number, headerBytes: number): Promise<string> {
  try {
    const info = await stat(file, { bigint: true });
    const handle = await open(file, 'r');
    try {
      const header = Buffer.alloc(headerBytes);
      const { bytesRead } = await handle.read(header, 0, headerBytes, start);
      return `${label}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}:${header.subarray(0, bytesRead).toString('hex')}`;
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `${label}:missing`;
    throw error;
  }
}
