/**
 * A revision's files as DVC's `dvcfs` sees them (what `dvc plots diff` and a data diff read): the workspace on disk, or a commit's git tree;
 * and for outputs DVC caches, the object in the DVC cache named by that revision's dvc.lock or
 * `.dvc` record (a directory's file through its `.dir` listing). Paths are repo-relative POSIX
 * (relative to the DVC root); one that climbs out of the repository is refused, and so is a
 * workspace symlink that leads out of it.
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { BlobReader } from '../../git/index.js';
import type { HashAlgorithm, Stage } from '../entities.js';
import { diskFiles, type RepoFiles } from '../files/repoFiles.js';
import { objectPath } from '../hashing/cachePresence.js';
import { parseDirListing } from '../hashing/dirListing.js';

/** Where a file's bytes are: a path on disk (workspace or DVC cache) or a git blob. */
export type FileRef = { readonly kind: 'workspace' | 'cache'; readonly path: string } | { readonly kind: 'git'; readonly oid: string };

export class RevisionFileError extends Error {
  override readonly name = 'RevisionFileError';
  constructor(
    /** `missing`: not in this revision (nor in the cache); `too-large`: over the read limit. */
    readonly reason: 'missing' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

export interface ReadFile {
  readonly bytes: Buffer;
  readonly ref: FileRef;
}

/** A path located without reading it: a file (with its size where known), or a directory's files. */
export type Located =
  | { readonly kind: 'file'; readonly ref: FileRef; readonly size: number | undefined; readonly md5?: string }
  | { readonly kind: 'directory'; readonly files: readonly LocatedEntry[] };

export interface LocatedEntry {
  /** Relative to the directory. */
  readonly relpath: string;
  readonly ref: FileRef;
  /** What tells two versions apart: `md5:<hash>` (DVC) or `git:<oid>`. */
  readonly identity: string;
  readonly size: number | undefined;
}

interface CachedOut {
  readonly repoPath: string;
  readonly hash: string;
  readonly algorithm: HashAlgorithm;
}

/** Default bound on one plot file (a data file is parsed whole, as DVC does). */
export const MAX_PLOT_FILE_BYTES = 64 << 20;

/** Normalises a joined repo path (`a/./b/../c` → `a/c`); undefined when it leaves the repo. */
export function normalizeRepoPath(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return undefined;
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (s) => s.size,
    () => undefined,
  );
}

export abstract class RevisionFiles {
  private outs: CachedOut[] = [];
  private readonly listings = new Map<string, Promise<Map<string, string> | undefined>>();

  constructor(
    readonly root: string,
    private readonly cacheDir: string,
    protected readonly maxBytes: number,
  ) {}

  /** The loader's view (absolute paths) for this revision's dvc.yaml, dvc.lock and params. */
  abstract readonly textFiles: RepoFiles;
  /** dvc.yaml and `.dvc` files of this revision, repo-relative. */
  abstract dvcFiles(): Promise<string[]>;
  protected abstract readPlain(repoPath: string): Promise<ReadFile | undefined>;
  protected abstract listPlain(repoPath: string): Promise<string[] | undefined>;
  /** A file outside DVC's cache: where it is, its size and identity; undefined when absent. */
  protected abstract plainEntry(repoPath: string): Promise<{ ref: FileRef; size: number | undefined; identity: string } | undefined>;
  /** The workspace prefers its own file over the cache; a commit reads cached outs from the cache. */
  protected abstract readonly plainFirst: boolean;

  /** Tells which outputs of this revision DVC caches (from its stages' records). */
  useStages(stages: readonly Stage[]): void {
    this.outs = [];
    for (const stage of stages) {
      for (const out of stage.outs) {
        const record = stage.lock?.outs.get(out.defPath);
        if (out.flags.cache && record?.hash) this.outs.push({ repoPath: out.repoPath, hash: record.hash, algorithm: record.algorithm });
      }
    }
  }

  async read(repoPath: string): Promise<ReadFile> {
    const path = this.checked(repoPath);
    if (this.plainFirst) {
      const plain = await this.readPlain(path);
      if (plain) return plain;
    }
    const cached = await this.cachedObject(path);
    if (cached) return this.readCacheObject(path, cached);
    if (!this.plainFirst) {
      const plain = await this.readPlain(path);
      if (plain) return plain;
    }
    throw new RevisionFileError('missing', `No such file: '${path}'`);
  }

  /** The files under a directory (repo-relative), or undefined when `repoPath` is not a directory. */
  async listDirectory(repoPath: string): Promise<string[] | undefined> {
    const path = this.checked(repoPath);
    const found = new Set(await this.listPlain(path));
    for (const out of this.outs) {
      if (out.repoPath === path && out.hash.endsWith('.dir')) {
        const listing = await this.listing(out);
        for (const relpath of listing?.keys() ?? []) found.add(`${path}/${relpath}`);
      } else if (out.repoPath.startsWith(`${path}/`)) found.add(out.repoPath);
    }
    return found.size === 0 ? undefined : [...found].sort();
  }

  /**
   * Where a path's content is in this revision, without reading it: a DVC-cached out (or a file
   * of a cached directory) in the cache, anything else in git or on disk. Undefined when absent.
   */
  async locate(repoPath: string): Promise<Located | undefined> {
    const path = this.checked(repoPath);
    const out = this.outs.find((o) => o.repoPath === path);
    // The workspace is what its work tree holds (a file, or a directory's files as they are now);
    // the cache only stands in for an output not checked out.
    const inTree = this.plainFirst && ((await this.plainEntry(path)) !== undefined || (out?.hash.endsWith('.dir') === true && (await isDirectory(join(this.root, ...path.split('/'))))));
    if (out && !inTree) {
      if (!out.hash.endsWith('.dir')) {
        const object = objectPath(this.cacheDir, out.hash, out.algorithm);
        return { kind: 'file', ref: { kind: 'cache', path: object }, size: await sizeOf(object), md5: out.hash };
      }
      const listing = await this.listing(out);
      if (!listing) throw new RevisionFileError('missing', `the file list of '${path}' (${out.hash}) is not in the DVC cache (dvc fetch brings it)`);
      const files = await Promise.all(
        [...listing].map(async ([relpath, md5]) => {
          const object = objectPath(this.cacheDir, md5, out.algorithm);
          return { relpath, ref: { kind: 'cache' as const, path: object }, identity: `md5:${md5}`, size: await sizeOf(object) };
        }),
      );
      return { kind: 'directory', files };
    }
    // A file inside a cached directory: the work tree's first in the workspace, the cache's first otherwise.
    const cached = await this.cachedObject(path);
    const plain = cached && !this.plainFirst ? undefined : await this.plainEntry(path);
    if (plain) return { kind: 'file', ref: plain.ref, size: plain.size };
    if (cached) return { kind: 'file', ref: { kind: 'cache', path: cached }, size: await sizeOf(cached) };
    const listed = await this.listPlain(path);
    if (!listed) return undefined;
    const files = await Promise.all(
      listed.map(async (file) => {
        const entry = (await this.plainEntry(file))!;
        return { relpath: file.slice(path.length + 1), ...entry };
      }),
    );
    return { kind: 'directory', files };
  }

  protected checked(repoPath: string): string {
    const path = normalizeRepoPath(repoPath);
    if (path === undefined || path === '') throw new RevisionFileError('missing', `'${repoPath}' is outside the repository`);
    return path;
  }

  protected tooLarge(path: string, size: number): RevisionFileError {
    return new RevisionFileError('too-large', `'${path}' is ${size} bytes, more than the ${this.maxBytes} a plot file may have`);
  }

  /** The cache object of a cached out or of a file inside a cached directory. */
  private async cachedObject(path: string): Promise<string | undefined> {
    for (const out of this.outs) {
      if (out.repoPath === path && !out.hash.endsWith('.dir')) return objectPath(this.cacheDir, out.hash, out.algorithm);
      if (path.startsWith(`${out.repoPath}/`) && out.hash.endsWith('.dir')) {
        const md5 = (await this.listing(out))?.get(path.slice(out.repoPath.length + 1));
        if (md5) return objectPath(this.cacheDir, md5, out.algorithm);
      }
    }
    return undefined;
  }

  private async readCacheObject(path: string, object: string): Promise<ReadFile> {
    const info = await stat(object).catch(() => undefined);
    if (!info?.isFile()) throw new RevisionFileError('missing', `'${path}' is tracked by DVC but its object is not in the cache (dvc pull or dvc fetch brings it): ${object}`);
    if (info.size > this.maxBytes) throw this.tooLarge(path, info.size);
    return { bytes: await readFile(object), ref: { kind: 'cache', path: object } };
  }

  private listing(out: CachedOut): Promise<Map<string, string> | undefined> {
    let pending = this.listings.get(out.hash);
    if (!pending) {
      pending = readFile(objectPath(this.cacheDir, out.hash, out.algorithm), 'utf8').then(
        (text) => {
          const entries = parseDirListing(text);
          return entries && new Map(entries.map((e) => [e.relpath, e.md5]));
        },
        () => undefined,
      );
      this.listings.set(out.hash, pending);
    }
    return pending;
  }
}

/**
 * The workspace: files on disk, the cache for outputs not checked out. `recorded`: the outputs its
 * dvc.lock and `.dvc` files record, from the cache, whatever the work tree holds now.
 */
export class WorkspaceFiles extends RevisionFiles {
  protected readonly plainFirst: boolean;
  readonly textFiles: RepoFiles = diskFiles;

  constructor(root: string, cacheDir: string, maxBytes: number, recorded = false) {
    super(root, cacheDir, maxBytes);
    this.plainFirst = !recorded;
  }

  dvcFiles(): Promise<string[]> {
    throw new Error('the workspace is loaded with loadSnapshot');
  }

  protected async readPlain(repoPath: string): Promise<ReadFile | undefined> {
    const path = join(this.root, ...repoPath.split('/'));
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    if ((await lstat(path)).isSymbolicLink()) {
      const target = await realpath(path);
      const inside = relative(await realpath(this.root), target);
      if (inside.startsWith('..') || inside.startsWith(sep)) throw new RevisionFileError('missing', `'${repoPath}' is a symlink that leads out of the repository`);
    }
    if (info.size > this.maxBytes) throw this.tooLarge(repoPath, info.size);
    return { bytes: await readFile(path), ref: { kind: 'workspace', path } };
  }

  protected async plainEntry(repoPath: string): Promise<{ ref: FileRef; size: number | undefined; identity: string } | undefined> {
    const path = join(this.root, ...repoPath.split('/'));
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    // Same size and mtime: the same content as far as a listing goes (hashing is for the diff itself).
    return { ref: { kind: 'workspace', path }, size: info.size, identity: `stat:${info.size}:${info.mtimeMs}` };
  }

  protected async listPlain(repoPath: string): Promise<string[] | undefined> {
    const out: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}/${entry.name}`);
        else if (entry.isFile()) out.push(`${prefix}/${entry.name}`);
      }
    };
    const start = join(this.root, ...repoPath.split('/'));
    if (!(await stat(start).then((s) => s.isDirectory(), () => false))) return undefined;
    await walk(start, repoPath);
    return out;
  }
}

/** A commit's tree (a branch, tag, commit or experiment), read through the loader's object store (one `git cat-file --batch`). */
export class CommitFiles extends RevisionFiles {
  protected readonly plainFirst = false;
  private readonly directories = new Set<string>();

  /**
   * @param blobs every blob under the DVC root at this commit: repo-relative path → object id.
   * @param prefix the DVC root relative to the git top ('' when they are the same folder).
   */
  /**
   * @param blobs every blob under the DVC root at this commit: repo-relative path → object id
   *   (and its size when known; else it is asked of git when a listing needs it).
   * @param textFiles the same commit as the loaders read it (../files/repoFiles.ts `commitFiles`).
   */
  constructor(
    root: string,
    cacheDir: string,
    maxBytes: number,
    private readonly blobs: ReadonlyMap<string, { oid: string; mode: string; size?: number }>,
    private readonly reader: BlobReader,
    readonly textFiles: RepoFiles,
  ) {
    super(root, cacheDir, maxBytes);
    for (const path of blobs.keys()) for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) this.directories.add(path.slice(0, i));
  }

  async dvcFiles(): Promise<string[]> {
    return [...this.blobs.keys()].filter((p) => !p.startsWith('.dvc/') && (p === 'dvc.yaml' || p.endsWith('/dvc.yaml') || (p.endsWith('.dvc') && !p.endsWith('/.dvc'))));
  }

  protected async readPlain(repoPath: string): Promise<ReadFile | undefined> {
    const blob = this.blobs.get(repoPath);
    if (!blob) return undefined;
    if (blob.mode === '120000') throw new RevisionFileError('missing', `'${repoPath}' is a symlink in this commit; plots are read from regular files`);
    const object = await this.reader.read(blob.oid).catch((error: unknown) => {
      throw new RevisionFileError((error as { reason?: string }).reason === 'too-large' ? 'too-large' : 'missing', (error as Error).message);
    });
    if (!object) return undefined;
    if (object.content.length > this.maxBytes) throw this.tooLarge(repoPath, object.content.length);
    return { bytes: object.content, ref: { kind: 'git', oid: blob.oid } };
  }

  protected async plainEntry(repoPath: string): Promise<{ ref: FileRef; size: number | undefined; identity: string } | undefined> {
    const blob = this.blobs.get(repoPath);
    if (!blob) return undefined;
    const size = blob.size ?? (await this.reader.info(blob.oid).catch(() => undefined))?.size;
    return { ref: { kind: 'git', oid: blob.oid }, size, identity: `git:${blob.oid}` };
  }

  protected async listPlain(repoPath: string): Promise<string[] | undefined> {
    if (!this.directories.has(repoPath)) return undefined;
    return [...this.blobs.keys()].filter((p) => p.startsWith(`${repoPath}/`));
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
