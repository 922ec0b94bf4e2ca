/**
 * The hashing engine: walks outputs, stats every file, takes unchanged files' hashes from the stat
 * cache and hashes the rest, and checks cache presence — all synchronously, because it runs in a
 * worker thread (worker.ts); the extension host only sends small requests and gets small answers.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { HashAlgorithm, HashProgress } from '../model.js';
import { IgnoreRules, type IgnoreSpec } from '../ignore.js';
import { compareCodePoints, dirHash, parseDirListing, type DirEntry } from './dirListing.js';
import { CHUNK_SIZE, hashFileSync } from './md5.js';
import { StatCache, type FileStat } from './statCache.js';

export interface MeasureItem {
  readonly path: string;
  readonly algorithm: HashAlgorithm;
  /** `.dvcignore` rules of the repo and this path's POSIX path relative to its root. */
  readonly ignore?: { readonly spec: IgnoreSpec; readonly relPath: string };
  /** Return a directory's per-file hashes too (for diffs against a recorded version). */
  readonly withEntries?: boolean;
}

export interface Measured {
  readonly path: string;
  readonly exists: boolean;
  readonly isDir: boolean;
  readonly hash?: string;
  readonly size?: number;
  readonly nfiles?: number;
  readonly error?: string;
  /** A directory's files with their hashes, when the item asked for them. */
  readonly entries?: readonly DirEntry[];
}

export interface CacheQuery {
  readonly cacheDir: string;
  readonly hash: string;
  readonly algorithm: HashAlgorithm;
}

export interface EngineHooks {
  /** Throws to stop (cancellation). */
  checkpoint(): void;
  progress(progress: HashProgress): void;
}

interface FileTask {
  readonly path: string;
  readonly relpath: string;
  readonly stat: FileStat;
}

export class CancelledError extends Error {
  readonly reason = 'cancelled';
}

const NO_HOOKS: EngineHooks = { checkpoint() {}, progress() {} };

export class HashEngine {
  private readonly cache: StatCache;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  private readonly ignores = new Map<string, IgnoreRules>();

  constructor(statCachePath: string | undefined) {
    this.cache = new StatCache(statCachePath);
  }

  measure(items: readonly MeasureItem[], hooks: EngineHooks = NO_HOOKS): Measured[] {
    const plans = items.map((item) => this.plan(item));
    const total = plans.reduce((n, p) => n + (p.files?.length ?? 0), 0);
    const progress = { filesDone: 0, filesTotal: total, bytesHashed: 0 };
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const results = plans.map((plan, i) => {
      if (!plan.files) return plan.result;
      const item = items[i]!;
      const entries: DirEntry[] = [];
      let size = 0;
      for (const file of plan.files) {
        hooks.checkpoint();
        entries.push({ relpath: file.relpath, md5: this.hashOne(file, item.algorithm, nowNs, hooks, progress) });
        size += file.stat.size;
        progress.filesDone++;
        hooks.progress(progress);
      }
      if (!plan.result.isDir) return { ...plan.result, hash: entries[0]!.md5, size };
      return { ...plan.result, hash: dirHash(entries), size, nfiles: entries.length, ...(item.withEntries ? { entries: entries.sort((a, b) => compareCodePoints(a.relpath, b.relpath)) } : {}) };
    });
    this.cache.save();
    return results;
  }

  private hashOne(file: FileTask, algorithm: HashAlgorithm, nowNs: bigint, hooks: EngineHooks, progress: { bytesHashed: number }): string {
    const cached = this.cache.get(file.path, file.stat, algorithm);
    if (cached) return cached;
    const hash = hashFileSync(file.path, algorithm, this.buffer, (bytes) => {
      progress.bytesHashed += bytes;
      hooks.checkpoint();
    });
    this.cache.set(file.path, file.stat, algorithm, hash, nowNs);
    return hash;
  }

  private plan(item: MeasureItem): { result: Measured; files?: FileTask[] } {
    let stats: BigIntStats;
    try {
      stats = statSync(item.path, { bigint: true });
    } catch (error) {
      const exists = lexists(item.path);
      return { result: { path: item.path, exists, isDir: false, ...(exists ? { error: (error as Error).message } : {}) } };
    }
    if (!stats.isDirectory()) {
      return { result: { path: item.path, exists: true, isDir: false }, files: [{ path: item.path, relpath: '', stat: toFileStat(stats) }] };
    }
    const rules = item.ignore ? this.rules(item.ignore.spec) : undefined;
    const files: FileTask[] = [];
    this.walk(item.path, '', rules, item.ignore?.relPath, files);
    return { result: { path: item.path, exists: true, isDir: true }, files };
  }

  private rules(spec: IgnoreSpec): IgnoreRules {
    const key = JSON.stringify(spec);
    let rules = this.ignores.get(key);
    if (!rules) {
      rules = new IgnoreRules(spec);
      this.ignores.set(key, rules);
    }
    return rules;
  }

  /** os.walk without following symlinked folders, skipping ignored entries and nested DVC repos. */
  private walk(dir: string, rel: string, rules: IgnoreRules | undefined, base: string | undefined, out: FileTask[]): void {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relpath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const path = join(dir, entry.name);
      const repoRel = base === undefined ? undefined : base === '.' ? relpath : `${base}/${relpath}`;
      if (entry.isDirectory()) {
        if (repoRel !== undefined && rules?.matchesEntry(repoRel, true)) continue;
        if (existsSync(join(path, '.dvc'))) continue;
        this.walk(path, relpath, rules, base, out);
        continue;
      }
      let stats: BigIntStats;
      try {
        stats = statSync(path, { bigint: true });
      } catch {
        continue;
      }
      if (entry.isSymbolicLink() && stats.isDirectory()) continue;
      if (repoRel !== undefined && rules?.matchesEntry(repoRel, false)) continue;
      out.push({ path, relpath, stat: toFileStat(stats) });
    }
  }

  /** Whether an object (and, for a directory, every file it lists) is in the cache. */
  inCache(query: CacheQuery): boolean {
    const path = objectPath(query.cacheDir, query.hash, query.algorithm);
    if (!query.hash.endsWith('.dir')) return existsSync(path);
    const entries = this.readListing(query);
    return entries !== undefined && entries.every((e) => existsSync(objectPath(query.cacheDir, e.md5, query.algorithm)));
  }

  readListing(query: CacheQuery): DirEntry[] | undefined {
    try {
      return parseDirListing(readFileSync(objectPath(query.cacheDir, query.hash, query.algorithm), 'utf8'));
    } catch {
      return undefined;
    }
  }

  clearStatCache(): void {
    this.cache.clear();
    this.cache.save();
  }
}

/** DVC 3 objects live under `files/md5/`; DVC 2 (`md5-dos2unix`) objects at the cache's top. */
export function objectPath(cacheDir: string, hash: string, algorithm: HashAlgorithm): string {
  const base = algorithm === 'md5' ? join(cacheDir, 'files', 'md5') : cacheDir;
  return join(base, hash.slice(0, 2), hash.slice(2));
}

function toFileStat(stats: BigIntStats): FileStat {
  return { ino: stats.ino, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, size: Number(stats.size) };
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
