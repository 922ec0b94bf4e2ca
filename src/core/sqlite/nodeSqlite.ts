/**
 * The node:sqlite reader (the host Node's own SQLite). It opens the store read-only, so a hot
 * journal a dead writer left — which SQLite must roll back before anyone reads — makes every read
 * fail with SQLITE_READONLY_ROLLBACK (and a log needing recovery where it may not write, with
 * another SQLITE_READONLY code). Rather than write to the user's store, the database and what lies
 * beside it are copied to a private folder once, opened read-write there, and SQLite itself
 * recovers the copy; the copy is used while the store's files stay as they were.
 */
import { rmSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stamp, takeSnapshot } from './snapshot.js';
import type { ReadonlyDatabase, Row, SqlValue } from './types.js';

interface NodeSqliteStatement {
  all(...params: SqlValue[]): Row[];
  iterate(...params: SqlValue[]): IterableIterator<Row>;
  setReturnArrays?(enabled: boolean): void;
}
interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean; timeout?: number }) => NodeSqliteDatabase;
}

export function nodeSqlite(): NodeSqliteModule | undefined {
  // process.getBuiltinModule answers undefined where the module does not exist (Node 20).
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return get?.call(process, 'node:sqlite') as NodeSqliteModule | undefined;
  } catch {
    return undefined;
  }
}

export async function openWithNodeSqlite(path: string, busyTimeoutMs: number): Promise<ReadonlyDatabase> {
  const sqlite = nodeSqlite();
  if (!sqlite) throw new Error('node:sqlite is not available in this Node.js');
  let db = new sqlite.DatabaseSync(path, { readOnly: true, timeout: busyTimeoutMs });
  try {
    // The first read is where SQLite finds a hot journal or a log it must recover.
    db.prepare('SELECT count(*) FROM sqlite_master').all();
  } catch (error) {
    db.close();
    if (!needsWriteToOpen(error)) throw error;
    db = new sqlite.DatabaseSync(await privateCopies.of(path, busyTimeoutMs), { timeout: busyTimeoutMs });
  }
  return wrap(db);
}

/** SQLITE_READONLY and its extended codes (ROLLBACK 776, RECOVERY 1032, CANTINIT 1288, DIRECTORY 1544). */
function needsWriteToOpen(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  if (typeof code === 'number') return (code & 0xff) === 8;
  return /attempt to write a readonly database/i.test((error as Error).message ?? '');
}

function wrap(db: NodeSqliteDatabase): ReadonlyDatabase {
  return {
    driver: 'node:sqlite',
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

/** One private copy per store, kept while the store's files are unchanged, removed on exit. */
class PrivateCopies {
  private readonly copies = new Map<string, { stamp: string; dir: string; file: string }>();
  private cleanupRegistered = false;

  async of(path: string, busyTimeoutMs: number): Promise<string> {
    const current = await stamp(path);
    const cached = this.copies.get(path);
    if (cached?.stamp === current) return cached.file;
    if (cached) await this.remove(path);
    this.registerCleanup();
    const dir = await mkdtemp(join(tmpdir(), 'ml-workbench-sqlite-'));
    const file = join(dir, basename(path));
    const copy = (source: string): Promise<void> => copyFile(source, join(dir, basename(source)));
    // A journal copied by an attempt that was then abandoned must not roll back the next one's copy.
    const restart = (): Promise<void> => Promise.all(['', '-journal', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true }))).then(() => undefined);
    try {
      const { stamp: copiedAt } = await takeSnapshot(path, busyTimeoutMs, copy, restart);
      this.copies.set(path, { stamp: copiedAt, dir, file });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return file;
  }

  private async remove(path: string): Promise<void> {
    const entry = this.copies.get(path);
    this.copies.delete(path);
    if (entry) await rm(entry.dir, { recursive: true, force: true });
  }

  private registerCleanup(): void {
    if (this.cleanupRegistered) return;
    this.cleanupRegistered = true;
    process.once('exit', () => {
      for (const { dir } of this.copies.values()) rmSync(dir, { recursive: true, force: true });
    });
  }
}

const privateCopies = new PrivateCopies();
