/**
 * Our own hash cache, never DVC's state DB (reference B4.5): absolute path + (inode, mtime and
 * ctime in ns, size) → md5 per algorithm, so re-checking unchanged data costs one `stat` per file.
 * ctime is DVC's key plus one: a file rewritten with its old mtime restored (`cp -p`, `touch -r`,
 * an inode number reused) still gets a new ctime, which no tool can set. Kept in a
 * JSON file at a path the host chooses (extension storage), written atomically. A file modified
 * within the clock's granularity of being hashed is not remembered (the racy-git problem).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HashAlgorithm } from '../model.js';

export interface FileStat {
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly size: number;
}

interface Entry {
  ino: string;
  /** `${mtimeNs}:${ctimeNs}` */
  mtimeNs: string;
  size: number;
  md5?: string;
  d2u?: string;
}

const VERSION = 2;
/** Files changed this recently (ns) may change again within the same mtime tick. */
const RACY_WINDOW_NS = 2_000_000_000n;

export class StatCache {
  private readonly entries = new Map<string, Entry>();
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

  set(path: string, stat: FileStat, algorithm: HashAlgorithm, hash: string, nowNs: bigint): void {
    const changed = stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
    if (nowNs - changed < RACY_WINDOW_NS) return;
    let entry = this.entries.get(path);
    if (!entry || !matches(entry, stat)) {
      entry = { ino: String(stat.ino), mtimeNs: times(stat), size: stat.size };
      this.entries.set(path, entry);
    }
    if (algorithm === 'md5') entry.md5 = hash;
    else entry.d2u = hash;
    this.dirty = true;
  }

  clear(): void {
    this.entries.clear();
    this.dirty = true;
  }

  /** Writes the cache if it changed (temp file + rename, so a crash never leaves half a file). */
  save(): void {
    if (!this.path || !this.dirty) return;
    const rows = [...this.entries].map(([p, e]) => [p, e.ino, e.mtimeNs, e.size, e.md5 ?? null, e.d2u ?? null]);
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: VERSION, rows }));
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
    const { version, rows } = (parsed ?? {}) as { version?: number; rows?: unknown[] };
    if (version !== VERSION || !Array.isArray(rows)) return;
    for (const row of rows) {
      if (!Array.isArray(row) || row.length !== 6) continue;
      const [p, ino, mtimeNs, size, md5, d2u] = row as [string, string, string, number, string | null, string | null];
      const entry: Entry = { ino, mtimeNs, size };
      if (md5) entry.md5 = md5;
      if (d2u) entry.d2u = d2u;
      this.entries.set(p, entry);
    }
  }
}

function times(stat: FileStat): string {
  return `${stat.mtimeNs}:${stat.ctimeNs}`;
}

function matches(entry: Entry, stat: FileStat): boolean {
  return entry.size === stat.size && entry.ino === String(stat.ino) && entry.mtimeNs === times(stat);
}
