/**
 * Commits, trees and blobs read through one `git cat-file --batch`, remembered by object id: a
 * git object never changes, so the trees and files that many experiment commits share with their
 * baseline are read and parsed once. Blob text is kept up to a byte budget (oldest dropped first).
 */
import type { BlobReader } from './blobReader.js';
import { GitError } from './errors.js';
import { parseCommit, parseTree, type CommitInfo, type TreeEntry } from './objects.js';

export interface ObjectStoreOptions {
  /** Bytes of blob text kept between reads (default 32 MiB). */
  readonly blobBudget?: number;
}

export class ObjectStore {
  private readonly commits = new Map<string, CommitInfo>();
  private readonly trees = new Map<string, Promise<readonly TreeEntry[]>>();
  private readonly blobs = new Map<string, BlobText>();
  private blobBytes = 0;
  private readonly blobBudget: number;

  constructor(
    private readonly reader: BlobReader,
    options: ObjectStoreOptions = {},
  ) {
    this.blobBudget = options.blobBudget ?? 32 << 20;
  }

  /**
   * The commit a revision names (`HEAD~2`, a branch, a full id), or undefined when none. Revisions
   * are resolved by git each time (a branch moves); commit contents are remembered by id.
   */
  async commit(rev: string): Promise<CommitInfo | undefined> {
    const known = this.commits.get(rev);
    if (known) return known;
    if (rev.startsWith('-')) return undefined;
    const object = await this.reader.read(`${rev}^{commit}`);
    if (!object || object.type !== 'commit') return undefined;
    const cached = this.commits.get(object.oid);
    if (cached) return cached;
    const info = parseCommit(object.oid, object.content);
    this.commits.set(object.oid, info);
    return info;
  }

  /**
   * Commits known from elsewhere (a cache of earlier reads: a commit id names the same commit
   * forever), answered without asking git.
   */
  rememberCommits(commits: Iterable<CommitInfo>): void {
    for (const info of commits) if (!this.commits.has(info.oid)) this.commits.set(info.oid, info);
  }

  /** A commit already read or remembered, by full id (no git asked). */
  known(oid: string): CommitInfo | undefined {
    return this.commits.get(oid);
  }

  /** Every commit read or remembered so far. */
  knownCommits(): IterableIterator<CommitInfo> {
    return this.commits.values();
  }

  async tree(oid: string): Promise<readonly TreeEntry[]> {
    let pending = this.trees.get(oid);
    if (!pending) {
      pending = this.reader.read(oid).then((object) => {
        if (!object || object.type !== 'tree') throw new GitError('not-found', `tree ${oid} is missing from the clone`);
        return parseTree(object.content, oid.length / 2);
      });
      pending.catch(() => this.trees.delete(oid));
      this.trees.set(oid, pending);
    }
    return pending;
  }

  /**
   * Reads every tree below `oid` (up to `limit` trees), a level at a time: a later walk then finds
   * them read, having waited for git once per level instead of once per folder.
   */
  async prefetchTrees(oid: string, limit = 2000): Promise<void> {
    let level = [oid];
    let count = 0;
    while (level.length > 0 && count < limit) {
      count += level.length;
      const trees = await Promise.all(level.map((t) => this.tree(t).catch(() => [] as readonly TreeEntry[])));
      level = trees.flatMap((entries) => entries.filter((e) => e.kind === 'tree').map((e) => e.oid)).slice(0, Math.max(0, limit - count));
    }
  }

  /** The entry at a POSIX path below a tree ('' is the tree itself), or undefined. */
  async entry(treeOid: string, path: string): Promise<TreeEntry | undefined> {
    let current: TreeEntry = { name: '', oid: treeOid, kind: 'tree', executable: false };
    for (const part of path.split('/').filter((p) => p !== '' && p !== '.')) {
      if (current.kind !== 'tree') return undefined;
      const next = (await this.tree(current.oid)).find((e) => e.name === part);
      if (!next) return undefined;
      current = next;
    }
    return current;
  }

  /** A blob's content as UTF-8 text (not kept when larger than a quarter of the budget). */
  async text(oid: string): Promise<BlobText> {
    const known = this.blobs.get(oid);
    if (known !== undefined) return known;
    const object = await this.reader.read(oid);
    if (!object || object.type !== 'blob') throw new GitError('not-found', `blob ${oid} is missing from the clone`);
    const text = decode(object.content);
    if (object.content.length <= this.blobBudget / 4) this.remember(oid, text, object.content.length);
    return text;
  }

  /** A blob's raw bytes (never kept). */
  async bytes(oid: string): Promise<Buffer> {
    const object = await this.reader.read(oid);
    if (!object || object.type !== 'blob') throw new GitError('not-found', `blob ${oid} is missing from the clone`);
    return object.content;
  }

  private remember(oid: string, text: BlobText, size: number): void {
    this.blobs.set(oid, text);
    this.blobBytes += size;
    for (const [key, value] of this.blobs) {
      if (this.blobBytes <= this.blobBudget) break;
      this.blobs.delete(key);
      this.blobBytes -= Buffer.byteLength(value.text);
    }
  }
}

/** A blob as text; `utf8` false when the bytes are not valid UTF-8 (the text is then lossy). */
export interface BlobText {
  readonly text: string;
  readonly utf8: boolean;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer): BlobText {
  try {
    return { text: UTF8.decode(bytes), utf8: true };
  } catch {
    return { text: bytes.toString('utf8'), utf8: false };
  }
}
