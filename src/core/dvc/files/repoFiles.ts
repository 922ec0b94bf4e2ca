/**
 * Where DVC's files are read from: the work tree on disk, or a git commit's tree (an experiment,
 * a baseline, a queued stash). Paths are absolute and native, as if the commit were checked out at
 * the same root, so the loaders join and relativise them the same way for both.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { ObjectStore } from '../../git/objectStore.js';

export interface DirectoryEntry {
  readonly name: string;
  readonly isDir: boolean;
}

export interface FileText {
  /** The content decoded as UTF-8 (lossy where `utf8` is false). */
  readonly text: string;
  /** Whether the bytes are valid UTF-8 (Python's strict decoder refuses them otherwise). */
  readonly utf8: boolean;
  /**
   * A content key when the file is content-addressed: the git blob id when read from a commit, or
   * `md5:<hash>` for a DVC cache object. Equal keys, equal content (parses are memoised by it).
   */
  readonly oid?: string;
}

export interface RepoFiles {
  /** The file's text; undefined when there is none (missing, or a directory). */
  read(path: string): Promise<FileText | undefined>;
  kind(path: string): Promise<'file' | 'dir' | undefined>;
  /** A directory's entries ([] when it is none). */
  list(path: string): Promise<DirectoryEntry[]>;
}

/** The work tree on disk. */
export const diskFiles: RepoFiles = {
  async read(path) {
    try {
      return await textOf(await readFile(path));
    } catch {
      return undefined;
    }
  },
  async kind(path) {
    try {
      const info = await stat(path);
      return info.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  async list(path) {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() }));
  },
};

/**
 * A commit's tree seen from `root`, the DVC root folder on disk, which sits at `prefix` (POSIX,
 * '' at the top) inside the git work tree. Symlinks and submodules read as missing, as a clean
 * checkout would give DVC nothing it can parse through them either.
 */
export function commitFiles(objects: ObjectStore, tree: string, root: string, prefix: string): RepoFiles {
  const base = root.endsWith(sep) ? root : root + sep;
  const inTree = (path: string): string | undefined => {
    // Paths are the loaders' joins onto root: a prefix test spares path.relative's resolving.
    const rel = path.startsWith(base) && !path.includes(`${sep}..`) && !path.includes(`${sep}.${sep}`) ? path.slice(base.length) : relative(root, path);
    if (rel.startsWith('..') || rel.startsWith(sep + sep)) return undefined;
    const posix = sep === '/' ? rel : rel.split(sep).join('/');
    return prefix === '' ? posix : posix === '' ? prefix : `${prefix}/${posix}`;
  };
  const entry = async (path: string) => {
    const at = inTree(path);
    return at === undefined ? undefined : objects.entry(tree, at);
  };
  return {
    async read(path) {
      const found = await entry(path);
      if (found?.kind !== 'blob') return undefined;
      return { ...(await objects.text(found.oid)), oid: found.oid };
    },
    async kind(path) {
      const found = await entry(path);
      return found?.kind === 'tree' ? 'dir' : found?.kind === 'blob' ? 'file' : undefined;
    },
    async list(path) {
      const found = await entry(path);
      if (found?.kind !== 'tree') return [];
      return (await objects.tree(found.oid)).filter((e) => e.kind === 'tree' || e.kind === 'blob').map((e) => ({ name: e.name, isDir: e.kind === 'tree' }));
    },
  };
}

/**
 * The same files, with `pause` awaited after each answer: a loader parses what it has just read
 * synchronously, so many revisions loaded at once would otherwise parse back to back in one turn
 * of the event loop. With `cooperative()` as the pause, they parse in slices of a few milliseconds.
 */
export function pausingFiles(files: RepoFiles, pause: () => Promise<void>): RepoFiles {
  return {
    read: async (path) => {
      const text = await files.read(path);
      await pause();
      return text;
    },
    kind: async (path) => {
      const kind = await files.kind(path);
      await pause();
      return kind;
    },
    list: async (path) => {
      const entries = await files.list(path);
      await pause();
      return entries;
    },
  };
}

/**
 * `files`, with every path it is asked about stamped (`stamp`) as it is asked, before it is read:
 * a change after the stamp makes the stamp stale, never the other way round.
 */
export function stampingFiles(files: RepoFiles, stamps: Map<string, Promise<string>>, stamp: (path: string) => Promise<string>): RepoFiles {
  const note = (path: string): void => {
    if (!stamps.has(path)) stamps.set(path, stamp(path));
  };
  return {
    read: (path) => (note(path), files.read(path)),
    kind: (path) => (note(path), files.kind(path)),
    list: (path) => (note(path), files.list(path)),
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8 text, and whether Python's strict decoder would accept them. */
export function textOf(bytes: Buffer): FileText {
  try {
    return { text: UTF8.decode(bytes), utf8: true };
  } catch {
    return { text: bytes.toString('utf8'), utf8: false };
  }
}

/** Text of a file (lossy on bad UTF-8: for DVC's own files, whose errors the YAML parser reports). */
export async function readTextOf(files: RepoFiles, path: string): Promise<string | undefined> {
  return (await files.read(path))?.text;
}
