/**
 * Our own hash cache, never DVC's state DB (reference B4.5): absolute path + (inode, mtime, ctime,
 * size) → md5 per algorithm, so re-checking unchanged data costs one `stat` per file.
 * ctime is DVC's key plus one: a file rewritten with its old mtime restored (`cp -p`, `touch -r`,
 * an inode number reused) still gets a new ctime, which no tool can set. A file changed within
 * RACY_WINDOW_MS of being hashed is not remembered (the racy-git problem), so any later change
 * moves its ctime by at least that much: times as float milliseconds (Node's plain `stat`, no
 * BigInt objects to allocate per file) are precise enough for the comparison.
 *
 * The same file keeps a second memo for cache-presence checks (cachePresence.ts). Kept in a JSON
 * file at a path the host chooses (extension storage), written atomically.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HashAlgorithm } from '../entities.js';

export interface FileStat {
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly size: number;
}

interface Entry extends FileStat {
  md5?: string;
  d2u?: string;
}

const VERSION = 3;
/** Files changed this recently may change again within the same timestamp tick. */
export const RACY_WINDOW_MS = 2000;
/** Presence memos kept (least recently used dropped first); one per `.dir` object checked. */
const MAX_PRESENCE = 1000;

export class StatCache {
  private readonly entries = new Map<string, Entry>();
  private readonly presence = new Map<string, string>();
  private dirty = false;

  constructor(private readonly path: string | undefined) {
    if (path) this.load(path);
  }

  get size(): number {
    return this.entries.size;
  }

  get(path: string, stat: FileStat, algorithm: HashAlgorithm): string | undefined {
    const entry = this.entries.get(path);
    if (!entry || !matches(entry, stat)) return undefined;
    return algorithm === 'md5' ? entry.md5 : entry.d2u;
  }

  set(path: string, stat: FileStat, algorithm: HashAlgorithm, hash: string, nowMs: number): void {
    if (nowMs - Math.max(stat.mtimeMs, stat.ctimeMs) < RACY_WINDOW_MS) return;
    let entry = this.entries.get(path);
    if (!entry || !matches(entry, stat)) {
      entry = { ino: stat.ino, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, size: stat.size };
      this.entries.set(path, entry);
    }
    if (algorithm === 'md5') entry.md5 = hash;
    else entry.d2u = hash;
    this.dirty = true;
  }

  /** The presence memo of a cache object (an opaque stamp), see cachePresence.ts. */
  presenceStamp(objectPath: string): string | undefined {
    return this.presence.get(objectPath);
  }

  setPresenceStamp(objectPath: string, stamp: string | undefined): void {
    if (this.presence.get(objectPath) === stamp) return;
    this.presence.delete(objectPath);
    if (stamp !== undefined) this.presence.set(objectPath, stamp);
    this.dirty = true;
  }

  clear(): void {
    this.entries.clear();
    this.presence.clear();
    this.dirty = true;
  }

  /** Writes the cache if it changed (temp file + rename, so a crash never leaves half a file). */
  save(): void {
    if (!this.path || !this.dirty) return;
    const rows = [...this.entries].map(([p, e]) => [p, e.ino, e.mtimeMs, e.ctimeMs, e.size, e.md5 ?? null, e.d2u ?? null]);
    const present = [...this.presence].slice(-MAX_PRESENCE);
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: VERSION, rows, present }));
    renameSync(temp, this.path);
    this.dirty = false;
  }

  private load(path: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return;
    }
    const { version, rows, present } = (parsed ?? {}) as { version?: number; rows?: unknown[]; present?: unknown[] };
    if (version !== VERSION || !Array.isArray(rows)) return;
    for (const row of rows) {
      if (!Array.isArray(row) || row.length !== 7) continue;
      const [p, ino, mtimeMs, ctimeMs, size, md5, d2u] = row as [string, number, number, number, number, string | null, string | null];
      const entry: Entry = { ino, mtimeMs, ctimeMs, size };
      if (md5) entry.md5 = md5;
      if (d2u) entry.d2u = d2u;
      this.entries.set(p, entry);
    }
    for (const item of Array.isArray(present) ? present : []) {
      if (Array.isArray(item) && typeof item[0] === 'string' && typeof item[1] === 'string') this.presence.set(item[0], item[1]);
    }
  }
}

function matches(entry: Entry, stat: FileStat): boolean {
  return entry.size === stat.size && entry.ino === stat.ino && entry.mtimeMs === stat.mtimeMs && entry.ctimeMs === stat.ctimeMs;
}
