/**
 * The hashing engine: walks outputs, stats every file, takes unchanged files' hashes from the stat
 * cache and hashes the rest (reader.ts: several files in flight), and checks cache presence
 * (cachePresence.ts). It runs in a worker thread (worker.ts); the extension host only sends small
 * requests and gets small answers. The walk and the stats are synchronous: on a warm dentry cache
 * a `statSync` costs ~2 µs where a callback `stat` costs more in round trips than it saves.
 */
import { existsSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { HashAlgorithm, HashProgress } from '../model.js';
import { IgnoreRules, type IgnoreSpec } from '../ignore.js';
import { inCache, readListing, type CacheQuery } from './cachePresence.js';
import { dirHash, type DirEntry } from './dirListing.js';
import { hashFiles, type HashJob } from './reader.js';
import { StatCache, type FileStat } from './statCache.js';

export { objectPath, type CacheQuery } from './cachePresence.js';

export interface MeasureItem {
  readonly path: string;
  readonly algorithm: HashAlgorithm;
  /** `.dvcignore` rules of the repo and this path's POSIX path relative to its root. */
  readonly ignore?: { readonly spec: IgnoreSpec; readonly relPath: string };
}

export interface Measured {
  readonly path: string;
  readonly exists: boolean;
  readonly isDir: boolean;
  readonly hash?: string;
  readonly size?: number;
  readonly nfiles?: number;
  readonly error?: string;
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

interface Plan {
  readonly result: Measured;
  readonly algorithm: HashAlgorithm;
  readonly files?: FileTask[];
}

/** A file to hash, once however many items list it. */
interface Miss extends HashJob {
  readonly stat: FileStat;
  uses: number;
}

export class CancelledError extends Error {
  readonly reason = 'cancelled';
}

const NO_HOOKS: EngineHooks = { checkpoint() {}, progress() {} };
const key = (algorithm: HashAlgorithm, path: string): string => `${algorithm}\0${path}`;

export interface EngineOptions {
  /** The clock the racy windows are measured with (tests move it on). */
  readonly now?: () => number;
}

export class HashEngine {
  private readonly cache: StatCache;
  private readonly ignores = new Map<string, IgnoreRules>();
  private readonly now: () => number;

  constructor(statCachePath: string | undefined, options: EngineOptions = {}) {
    this.cache = new StatCache(statCachePath);
    this.now = options.now ?? Date.now;
  }

  async measure(items: readonly MeasureItem[], hooks: EngineHooks = NO_HOOKS): Promise<Measured[]> {
    const plans = items.map((item) => this.plan(item));
    const progress = { filesDone: 0, filesTotal: plans.reduce((n, p) => n + (p.files?.length ?? 0), 0), bytesHashed: 0 };
    const { known, misses } = this.lookUp(plans);
    progress.filesDone = progress.filesTotal - misses.reduce((n, m) => n + m.uses, 0);
    hooks.progress(progress);
    const hashes = await hashFiles(misses, {
      checkpoint: hooks.checkpoint,
      onChunk: (bytes) => (progress.bytesHashed += bytes),
      onFile: (index) => {
        progress.filesDone += misses[index]!.uses;
        hooks.progress(progress);
      },
    });
    const nowMs = this.now();
    misses.forEach((miss, i) => {
      known.set(key(miss.algorithm, miss.path), hashes[i]!);
      this.cache.set(miss.path, miss.stat, miss.algorithm, hashes[i]!, nowMs);
    });
    this.cache.save();
    return plans.map((plan) => assemble(plan, known));
  }

  /** Hashes the stat cache vouches for, and the files left to read (each once, however many items list it). */
  private lookUp(plans: readonly Plan[]): { known: Map<string, string>; misses: Miss[] } {
    const known = new Map<string, string>();
    const misses = new Map<string, Miss>();
    for (const plan of plans) {
      for (const file of plan.files ?? []) {
        const k = key(plan.algorithm, file.path);
        if (known.has(k)) continue;
        const miss = misses.get(k);
        if (miss) {
          miss.uses++;
          continue;
        }
        const hash = this.cache.get(file.path, file.stat, plan.algorithm);
        if (hash !== undefined) known.set(k, hash);
        else misses.set(k, { path: file.path, size: file.stat.size, algorithm: plan.algorithm, stat: file.stat, uses: 1 });
      }
    }
    return { known, misses: [...misses.values()] };
  }

  private plan(item: MeasureItem): Plan {
    const { algorithm } = item;
    let stats: Stats | undefined;
    try {
      stats = statSync(item.path);
    } catch (error) {
      const exists = lexists(item.path);
      return { algorithm, result: { path: item.path, exists, isDir: false, ...(exists ? { error: (error as Error).message } : {}) } };
    }
    if (!stats.isDirectory()) {
      return { algorithm, result: { path: item.path, exists: true, isDir: false }, files: [{ path: item.path, relpath: '', stat: toFileStat(stats) }] };
    }
    const rules = item.ignore ? this.rules(item.ignore.spec) : undefined;
    const files: FileTask[] = [];
    this.walk(item.path, '', rules, item.ignore?.relPath, files);
    return { algorithm, result: { path: item.path, exists: true, isDir: true }, files };
  }

  private rules(spec: IgnoreSpec): IgnoreRules {
    const specKey = JSON.stringify(spec);
    let rules = this.ignores.get(specKey);
    if (!rules) {
      rules = new IgnoreRules(spec);
      this.ignores.set(specKey, rules);
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
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats || (entry.isSymbolicLink() && stats.isDirectory())) continue;
      if (repoRel !== undefined && rules?.matchesEntry(repoRel, false)) continue;
      out.push({ path, relpath, stat: toFileStat(stats) });
    }
  }

  /** Whether each object (and, for a directory, every file it lists) is in the cache. */
  inCache(queries: readonly CacheQuery[]): boolean[] {
    const present = queries.map((query) => inCache(query, this.cache, this.now()));
    this.cache.save();
    return present;
  }

  readListing(query: CacheQuery): DirEntry[] | undefined {
    return readListing(query);
  }

  clearStatCache(): void {
    this.cache.clear();
    this.cache.save();
  }
}

function assemble(plan: Plan, hashes: ReadonlyMap<string, string>): Measured {
  if (!plan.files) return plan.result;
  const entries = plan.files.map((file) => ({ relpath: file.relpath, md5: hashes.get(key(plan.algorithm, file.path))! }));
  const size = plan.files.reduce((n, file) => n + file.stat.size, 0);
  if (!plan.result.isDir) return { ...plan.result, hash: entries[0]!.md5, size };
  return { ...plan.result, hash: dirHash(entries), size, nfiles: entries.length };
}

function toFileStat(stats: Stats): FileStat {
  return { ino: stats.ino, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, size: stats.size };
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
