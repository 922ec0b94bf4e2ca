/**
 * The files of one revision as DVC's DVCFileSystem shows them to `exp show`: what git (or the work
 * tree) holds, and beside it every cached stage out at the hash its dvc.lock or `.dvc` file
 * records, read from the DVC cache — a metrics file with `cache: true` is in no commit, only in
 * the cache. Paths are POSIX, relative to the DVC root.
 */
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { HashRecord } from '../entities.js';
import { objectPath, readListing } from '../hashing/cachePresence.js';
import type { DirEntry } from '../hashing/dirListing.js';
import type { Snapshot } from '../load.js';
import { textOf, type FileText, type RepoFiles } from '../files/repoFiles.js';

/**
 * DVC cache objects read for many revisions of one read: an object is named by its hash, so the
 * metrics file that 200 experiments keep in the cache at the same hash is read from disk once.
 */
export class CacheObjects {
  readonly texts = new Map<string, Promise<FileText | undefined>>();
  readonly listings = new Map<string, DirEntry[] | undefined>();
}

export class DvcView {
  private readonly outs = new Map<string, HashRecord>();
  /** Cached outs whose stage has no record of them (never run, or no dvc.lock in this revision). */
  private readonly unrecorded = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly files: RepoFiles,
    private readonly snapshot: Snapshot,
    private readonly objects = new CacheObjects(),
    /** Told each DVC cache object this view reads (the workspace row's stamps). */
    private readonly onCacheRead: (path: string) => void = () => undefined,
  ) {
    for (const stage of snapshot.stages) {
      for (const out of stage.outs) {
        const record = stage.lock?.outs.get(out.defPath);
        if (out.flags.cache && record?.hash) this.outs.set(out.repoPath, record);
        else if (out.flags.cache) this.unrecorded.set(out.repoPath, stage.address);
      }
    }
  }

  async read(path: string): Promise<FileText | undefined> {
    const local = await this.files.read(this.abs(path));
    if (local !== undefined || (await this.files.kind(this.abs(path))) === 'dir') return local;
    const cached = this.cachedObject(path);
    if (!cached) return undefined;
    const object = objectPath(this.snapshot.config.cacheDir, cached.md5, cached.algorithm);
    this.onCacheRead(object);
    let text = this.objects.texts.get(object);
    if (!text) {
      text = readFile(object).then(
        (bytes) => ({ ...textOf(bytes), oid: `md5:${cached.md5}` }),
        () => undefined,
      );
      this.objects.texts.set(object, text);
    }
    return text;
  }

  /** Why a file that `read` did not find is missing, when the pipeline says more than "no such file". */
  whyMissing(path: string): string | undefined {
    const stage = this.unrecorded.get(path);
    if (stage !== undefined) return `an output of stage '${stage}' that DVC keeps in its cache, and this revision's dvc.lock records no hash for it`;
    const cached = this.cachedObject(path);
    if (cached) return `an output DVC keeps in its cache, and its object ${cached.md5} is not in the cache (dvc pull or dvc fetch brings it)`;
    return undefined;
  }

  async isDir(path: string): Promise<boolean> {
    if ((await this.files.kind(this.abs(path))) === 'dir') return true;
    return this.outs.get(path)?.hash?.endsWith('.dir') ?? false;
  }

  /** Every file below a directory (`fs.find`), sorted. */
  async find(path: string): Promise<string[]> {
    const found = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await this.files.list(this.abs(dir))) {
        const child = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDir) await walk(child);
        else found.add(child);
      }
    };
    await walk(path);
    for (const [outPath, record] of this.outs) {
      if (!record.hash?.endsWith('.dir') || !(outPath === path || outPath.startsWith(`${path}/`))) continue;
      for (const entry of this.listing(record) ?? []) found.add(`${outPath}/${entry.relpath}`);
    }
    return [...found].sort();
  }

  private abs(path: string): string {
    return join(this.root, ...path.split('/'));
  }

  /** The cache object of a file that is, or is inside, a cached out. */
  private cachedObject(path: string): { md5: string; algorithm: HashRecord['algorithm'] } | undefined {
    const exact = this.outs.get(path);
    if (exact?.hash && !exact.hash.endsWith('.dir')) return { md5: exact.hash, algorithm: exact.algorithm };
    for (let dir = posix.dirname(path); dir !== '.' && dir !== ''; dir = posix.dirname(dir)) {
      const record = this.outs.get(dir);
      if (!record?.hash?.endsWith('.dir')) continue;
      const rel = path.slice(dir.length + 1);
      const entry = this.listing(record)?.find((e) => e.relpath === rel);
      return entry ? { md5: entry.md5, algorithm: record.algorithm } : undefined;
    }
    return undefined;
  }

  private listing(record: HashRecord): DirEntry[] | undefined {
    const key = `${record.algorithm}:${record.hash!}`;
    this.onCacheRead(objectPath(this.snapshot.config.cacheDir, record.hash!, record.algorithm));
    if (!this.objects.listings.has(key)) this.objects.listings.set(key, readListing({ cacheDir: this.snapshot.config.cacheDir, hash: record.hash!, algorithm: record.algorithm }));
    return this.objects.listings.get(key);
  }
}
