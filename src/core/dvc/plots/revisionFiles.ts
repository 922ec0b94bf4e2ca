/**
 * A revision's files as DVC's `dvcfs` sees them: the workspace on disk, or a commit's git tree;
 * and for outputs DVC caches, the object in the DVC cache named by that revision's dvc.lock or
 * `.dvc` record (a directory's file through its `.dir` listing). Paths are repo-relative POSIX
 * (relative to the DVC root); one that climbs out of the repository is refused, and so is a
 * workspace symlink that leads out of it.
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { BlobReader } from '../../git/index.js';
import type { HashAlgorithm, Stage } from '../model.js';
import type { TextFiles } from '../load.js';
import { objectPath } from '../hashing/cachePresence.js';
import { parseDirListing } from '../hashing/dirListing.js';
import { PlotError, type PlotFileRef } from './model.js';

export interface ReadFile {
  readonly bytes: Buffer;
  readonly ref: PlotFileRef;
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

export abstract class RevisionFiles {
  private outs: CachedOut[] = [];
  private readonly listings = new Map<string, Promise<Map<string, string> | undefined>>();

  constructor(
    readonly root: string,
    private readonly cacheDir: string,
    protected readonly maxBytes: number,
  ) {}

  /** The loader's view (absolute paths) for this revision's dvc.yaml, dvc.lock and params. */
  abstract readonly textFiles: TextFiles;
  /** dvc.yaml and `.dvc` files of this revision, repo-relative. */
  abstract dvcFiles(): Promise<string[]>;
  protected abstract readPlain(repoPath: string): Promise<ReadFile | undefined>;
  protected abstract listPlain(repoPath: string): Promise<string[] | undefined>;
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
    throw new PlotError('missing', `No such file: '${path}'`);
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

  protected checked(repoPath: string): string {
    const path = normalizeRepoPath(repoPath);
    if (path === undefined || path === '') throw new PlotError('missing', `'${repoPath}' is outside the repository`);
    return path;
  }

  protected tooLarge(path: string, size: number): PlotError {
    return new PlotError('too-large', `'${path}' is ${size} bytes, more than the ${this.maxBytes} a plot file may have`);
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
    if (!info?.isFile()) throw new PlotError('missing', `'${path}' is tracked by DVC but its object is not in the cache (dvc pull or dvc fetch brings it): ${object}`);
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

/** The workspace: files on disk, the cache for outputs not checked out. */
export class WorkspaceFiles extends RevisionFiles {
  protected readonly plainFirst = true;
  readonly textFiles: TextFiles = {
    readText: (path) => readFile(path, 'utf8').catch(() => undefined),
    kind: (path) =>
      stat(path).then(
        (s) => (s.isDirectory() ? 'directory' : 'file'),
        () => undefined,
      ),
  };

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
      if (inside.startsWith('..') || inside.startsWith(sep)) throw new PlotError('missing', `'${repoPath}' is a symlink that leads out of the repository`);
    }
    if (info.size > this.maxBytes) throw this.tooLarge(repoPath, info.size);
    return { bytes: await readFile(path), ref: { kind: 'workspace', path } };
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

/** A commit's tree (a branch, tag, commit or experiment), read through one `git cat-file --batch`. */
export class CommitFiles extends RevisionFiles {
  protected readonly plainFirst = false;
  private readonly directories = new Set<string>();
  readonly textFiles: TextFiles;

  /**
   * @param blobs every blob under the DVC root at this commit: repo-relative path → object id.
   * @param prefix the DVC root relative to the git top ('' when they are the same folder).
   */
  constructor(
    root: string,
    cacheDir: string,
    maxBytes: number,
    private readonly blobs: ReadonlyMap<string, { oid: string; mode: string }>,
    private readonly reader: BlobReader,
  ) {
    super(root, cacheDir, maxBytes);
    for (const path of blobs.keys()) for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) this.directories.add(path.slice(0, i));
    const toRepo = (abs: string): string | undefined => normalizeRepoPath(relative(root, abs).split(sep).join('/'));
    this.textFiles = {
      readText: async (abs) => {
        const path = toRepo(abs);
        const blob = path === undefined ? undefined : this.blobs.get(path);
        if (!blob || blob.mode === '120000') return undefined;
        return (await this.reader.read(blob.oid))?.content.toString('utf8');
      },
      kind: async (abs) => {
        const path = toRepo(abs);
        if (path === undefined) return undefined;
        if (path === '' || this.directories.has(path)) return 'directory';
        return this.blobs.has(path) ? 'file' : undefined;
      },
    };
  }

  async dvcFiles(): Promise<string[]> {
    return [...this.blobs.keys()].filter((p) => !p.startsWith('.dvc/') && (p === 'dvc.yaml' || p.endsWith('/dvc.yaml') || (p.endsWith('.dvc') && !p.endsWith('/.dvc'))));
  }

  protected async readPlain(repoPath: string): Promise<ReadFile | undefined> {
    const blob = this.blobs.get(repoPath);
    if (!blob) return undefined;
    if (blob.mode === '120000') throw new PlotError('missing', `'${repoPath}' is a symlink in this commit; plots are read from regular files`);
    const object = await this.reader.read(blob.oid).catch((error: unknown) => {
      throw new PlotError((error as { reason?: string }).reason === 'too-large' ? 'too-large' : 'missing', (error as Error).message);
    });
    if (!object) return undefined;
    if (object.content.length > this.maxBytes) throw this.tooLarge(repoPath, object.content.length);
    return { bytes: object.content, ref: { kind: 'git', oid: blob.oid } };
  }

  protected async listPlain(repoPath: string): Promise<string[] | undefined> {
    if (!this.directories.has(repoPath)) return undefined;
    return [...this.blobs.keys()].filter((p) => p.startsWith(`${repoPath}/`));
  }
}
