/**
 * The hashing engine: walks outputs, stats every file, takes unchanged files' hashes from the stat
 * cache and hashes the rest (reader.ts: several files in flight), and checks cache presence
 * (cachePresence.ts). It runs in a worker thread (worker.ts); the extension host only sends small
 * requests and gets small answers. The walk and the stats are synchronous: on a warm dentry cache
 * a `statSync` costs ~2 µs where a callback `stat` costs more in round trips than it saves.
 */
import { existsSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import type { HashAlgorithm, HashProgress } from '../entities.js';
import { IgnoreRules, type IgnoreSpec } from '../ignore.js';
import { inCache, readListing, type CacheQuery } from './cachePresence.js';
import { compareCodePoints, dirHash, type DirEntry } from './dirListing.js';
import { hashFiles, type HashJob } from './reader.js';
import { StatCache, type FileStat } from './statCache.js';
import { WorkbenchError } from '../../errors.js';

export { objectPath, type CacheQuery } from './cachePresence.js';

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

export interface EngineHooks {
  /** Throws to stop (cancellation). */
  checkpoint(): void;
  progress(progress: HashProgress): void;
}

interface FileTask {
  readonly path: string;
  readonly relpath: string;
  readonly stat: FileStat;
  /** From the stat cache, or once read. */
  md5?: string;
}

interface Plan {
  readonly result: Measured;
  readonly algorithm: HashAlgorithm;
  readonly files?: FileTask[];
  /** Return the directory's per-file hashes too (MeasureItem.withEntries). */
  readonly withEntries?: boolean;
}

/** A file to hash, once however many items list it. */
interface Miss extends HashJob {
  readonly stat: FileStat;
  readonly tasks: FileTask[];
}

export class CancelledError extends WorkbenchError {
  override readonly reason = 'cancelled';
}

const NO_HOOKS: EngineHooks = { checkpoint() {}, progress() {} };

export interface EngineOptions {
  /** The clock the racy windows are measured with (tests move it on). */
  readonly now?: () => number;
}

export class HashEngine {
  private readonly cache: StatCache;
  private readonly ignores = new Map<string, IgnoreRules>();
  private readonly now: () => number;
  /** The last `.dir` hash of each measured folder, with the (relpath, md5) list it was computed from. */
  private readonly dirHashes = new Map<string, { relpaths: string[]; md5s: string[]; hash: string }>();

  constructor(statCachePath: string | undefined, options: EngineOptions = {}) {
    this.cache = new StatCache(statCachePath);
    this.now = options.now ?? Date.now;
  }

  async measure(items: readonly MeasureItem[], hooks: EngineHooks = NO_HOOKS): Promise<Measured[]> {
    const plans = items.map((item) => this.plan(item));
    const progress = { filesDone: 0, filesTotal: plans.reduce((n, p) => n + (p.files?.length ?? 0), 0), bytesHashed: 0 };
    const misses = this.lookUp(plans);
    progress.filesDone = progress.filesTotal - misses.reduce((n, m) => n + m.tasks.length, 0);
    hooks.progress(progress);
    const hashes = await hashFiles(misses, {
      checkpoint: hooks.checkpoint,
      onChunk: (bytes) => (progress.bytesHashed += bytes),
      onFile: (index) => {
        progress.filesDone += misses[index]!.tasks.length;
        hooks.progress(progress);
      },
    });
    const nowMs = this.now();
    misses.forEach((miss, i) => {
      for (const task of miss.tasks) task.md5 = hashes[i];
      this.cache.set(miss.path, miss.stat, miss.algorithm, hashes[i]!, nowMs);
    });
    this.cache.save();
    return plans.map((plan) => this.assemble(plan));
  }

  /** Fills in what the stat cache vouches for; returns the files left to read (each once, however many items list it). */
  private lookUp(plans: readonly Plan[]): Miss[] {
    const misses = { md5: new Map<string, Miss>(), 'md5-dos2unix': new Map<string, Miss>() };
    for (const { algorithm, files = [] } of plans) {
      for (const file of files) {
        file.md5 = this.cache.get(file.path, file.stat, algorithm);
        if (file.md5 !== undefined) continue;
        const miss = misses[algorithm].get(file.path);
        if (miss) miss.tasks.push(file);
        else misses[algorithm].set(file.path, { path: file.path, size: file.stat.size, algorithm, stat: file.stat, tasks: [file] });
      }
    }
    return [...misses.md5.values(), ...misses['md5-dos2unix'].values()];
  }

  private plan(item: MeasureItem): Plan {
    const { algorithm } = item;
    let stats: Stats;
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
    return { algorithm, result: { path: item.path, exists: true, isDir: true }, files, ...(item.withEntries ? { withEntries: true } : {}) };
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
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relpath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const path = prefix + entry.name;
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

  private assemble(plan: Plan): Measured {
    const files = plan.files;
    if (!files) return plan.result;
    const size = files.reduce((n, file) => n + file.stat.size, 0);
    if (!plan.result.isDir) return { ...plan.result, hash: files[0]!.md5, size };
    const hash = this.dirHash(`${plan.algorithm}\0${plan.result.path}`, files);
    if (!plan.withEntries) return { ...plan.result, hash, size, nfiles: files.length };
    const entries = files.map((f) => ({ relpath: f.relpath, md5: f.md5! })).sort((a, b) => compareCodePoints(a.relpath, b.relpath));
    return { ...plan.result, hash, size, nfiles: files.length, entries };
  }

  /**
   * Serialising and hashing a 100,000-file listing costs more than the stats that found nothing
   * changed; an unchanged folder walks in the same order, so the same list gives the last hash.
   */
  private dirHash(key: string, files: readonly FileTask[]): string {
    const last = this.dirHashes.get(key);
    if (last && last.relpaths.length === files.length && files.every((f, i) => f.relpath === last.relpaths[i] && f.md5 === last.md5s[i])) return last.hash;
    const relpaths = files.map((f) => f.relpath);
    const md5s = files.map((f) => f.md5!);
    const hash = dirHash(relpaths.map((relpath, i) => ({ relpath, md5: md5s[i]! })));
    this.dirHashes.set(key, { relpaths, md5s, hash });
    return hash;
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
