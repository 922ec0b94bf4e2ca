/**
 * What changed inside a path between two revisions (`workspace`, commits, experiments): for a
 * CSV/TSV/JSON Lines/Parquet file, a table diff (core/tabular); for a directory, its files added,
 * deleted and modified with their sizes; for any other file, whether it changed. Each version is
 * read from where that revision keeps it — the DVC cache by the hash its dvc.lock or `.dvc` file
 * records, git, or the workspace — streamed; a git blob is spooled to a temporary file first.
 *
 *   const { diff } = await diffContent(root, 'data/train.csv', 'HEAD~1', 'workspace', { key: 'id' });
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { compareCodePoints } from './hashing/dirListing.js';
import { RevisionFileError, type FileRef, type Located, type LocatedEntry } from './revision/files.js';
import { RevisionLoader } from './revision/load.js';
import { RevisionError, RevisionResolver, type RevisionInfo } from './revision/resolve.js';
import type { DirectoryDiff, FileChange, TableDiff } from '../tabular/model.js';
import { tableFormatOf } from '../tabular/model.js';
import { diffTables, TableDiffError, type TableDiffOptions } from '../tabular/tableDiff.js';
import { ParquetError } from '../tabular/parquet.js';

export interface FileDiff {
  readonly kind: 'file';
  readonly changed: boolean;
  readonly sizeBefore?: number;
  readonly sizeAfter?: number;
}

export type ContentDiff = TableDiff | DirectoryDiff | FileDiff;

export interface ContentDiffResult {
  readonly path: string;
  readonly before: RevisionInfo;
  readonly after: RevisionInfo;
  readonly diff: ContentDiff;
}

export interface ContentDiffOptions extends Pick<TableDiffOptions, 'key' | 'limit' | 'stats' | 'budgetBytes' | 'spillDir'> {
  readonly signal?: AbortSignal;
  /** A table's diff without its column stats, while they are computed (see TableDiffOptions.onSummary). */
  readonly onSummary?: (summary: ContentDiffResult) => void;
  /** Where git blobs are spooled (default the system's temporary folder). */
  readonly tempDir?: string;
}

export type ContentDiffErrorReason = 'bad-revision' | 'not-found' | 'bad-key' | 'unreadable';

export class ContentDiffError extends Error {
  override readonly name = 'ContentDiffError';
  constructor(
    readonly reason: ContentDiffErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export async function diffContent(root: string, path: string, revA: string, revB: string, options: ContentDiffOptions = {}): Promise<ContentDiffResult> {
  const loader = new RevisionLoader(root);
  const spool = await mkdtemp(join(options.tempDir ?? tmpdir(), 'mlw-content-'));
  try {
    const resolver = new RevisionResolver(loader.git);
    const infos = await Promise.all([revA, revB].map((rev) => resolver.resolve(rev, options.signal))).catch((error: unknown) => {
      throw error instanceof RevisionError ? new ContentDiffError('bad-revision', error.message) : error;
    });
    const sides = await Promise.all(infos.map(async (info) => (await loader.load(info, options.signal ? { signal: options.signal } : {})).files.locate(path))).catch((error: unknown) => {
      throw error instanceof RevisionFileError ? new ContentDiffError('unreadable', error.message) : error;
    });
    const [a, b] = sides as [Located | undefined, Located | undefined];
    if (!a && !b) throw new ContentDiffError('not-found', `'${path}' is in neither ${revA} nor ${revB}`);
    const { onSummary, ...rest } = options;
    const tableOptions: TableOptions = { ...rest, ...(onSummary ? { onSummary: (diff: TableDiff) => onSummary({ path, before: infos[0]!, after: infos[1]!, diff }) } : {}) };
    const diff = a?.kind === 'directory' || b?.kind === 'directory' ? await directoryDiff(loader, directory(a), directory(b)) : await fileDiff(loader, path, a, b, spool, tableOptions);
    return { path, before: infos[0]!, after: infos[1]!, diff };
  } finally {
    loader.dispose();
    await rm(spool, { recursive: true, force: true });
  }
}

function directory(located: Located | undefined): readonly LocatedEntry[] {
  return located?.kind === 'directory' ? located.files : [];
}

type TableOptions = Omit<ContentDiffOptions, 'onSummary'> & Pick<TableDiffOptions, 'onSummary'>;

async function fileDiff(loader: RevisionLoader, path: string, a: Located | undefined, b: Located | undefined, spool: string, options: TableOptions): Promise<ContentDiff> {
  const [x, y] = [a?.kind === 'file' ? a : undefined, b?.kind === 'file' ? b : undefined];
  const format = tableFormatOf(path);
  if (!format) {
    const [hashA, hashB] = await Promise.all([x && md5(loader, x.ref), y && md5(loader, y.ref)]);
    return { kind: 'file', changed: hashA !== hashB, ...(x?.size === undefined ? {} : { sizeBefore: x.size }), ...(y?.size === undefined ? {} : { sizeAfter: y.size }) };
  }
  const [before, after] = await Promise.all([x && onDisk(loader, x.ref, join(spool, 'before'), options.signal), y && onDisk(loader, y.ref, join(spool, 'after'), options.signal)]);
  try {
    return await diffTables({ ...options, before, after, format });
  } catch (error) {
    if (error instanceof TableDiffError) throw new ContentDiffError(error.reason === 'bad-key' ? 'bad-key' : 'unreadable', error.message);
    if (error instanceof ParquetError) throw new ContentDiffError('unreadable', `${path}: ${error.message}`);
    throw error;
  }
}

/** A path to read: the file itself, or a git blob written out to the spool folder. */
async function onDisk(loader: RevisionLoader, ref: FileRef, spooled: string, signal?: AbortSignal): Promise<string> {
  if (ref.kind !== 'git') {
    await loader.checkPath(ref);
    return ref.path;
  }
  await loader.git.writeBlob(ref.oid, spooled, signal ? { signal } : {});
  return spooled;
}

async function md5(loader: RevisionLoader, ref: FileRef): Promise<string> {
  const hash = createHash('md5');
  if (ref.kind === 'git') hash.update(await loader.read(ref));
  else await pipeline(createReadStream(ref.path), hash);
  return hash.digest('hex');
}

/**
 * Files of two versions of a directory by relative path. Versions are told apart by their md5
 * (a DVC listing's own, or computed) unless both sides are git blobs (then by object id).
 */
async function directoryDiff(loader: RevisionLoader, before: readonly LocatedEntry[], after: readonly LocatedEntry[]): Promise<DirectoryDiff> {
  const old = new Map(before.map((e) => [e.relpath, e]));
  const now = new Map(after.map((e) => [e.relpath, e]));
  const files: FileChange[] = [];
  let unchanged = 0;
  for (const [relpath, entry] of now) {
    const was = old.get(relpath);
    const sizes = { ...(was?.size === undefined ? {} : { sizeBefore: was.size }), ...(entry.size === undefined ? {} : { sizeAfter: entry.size }) };
    if (!was) files.push({ path: relpath, status: 'added', ...sizes });
    else if (await differs(loader, was, entry)) files.push({ path: relpath, status: 'modified', ...sizes });
    else unchanged++;
  }
  for (const [relpath, entry] of old) if (!now.has(relpath)) files.push({ path: relpath, status: 'deleted', ...(entry.size === undefined ? {} : { sizeBefore: entry.size }) });
  files.sort((p, q) => compareCodePoints(p.path, q.path));
  const total = (list: readonly LocatedEntry[]): number => list.reduce((sum, e) => sum + (e.size ?? 0), 0);
  return { kind: 'directory', files, unchanged, sizeBefore: total(before), sizeAfter: total(after) };
}

async function differs(loader: RevisionLoader, a: LocatedEntry, b: LocatedEntry): Promise<boolean> {
  if (a.identity === b.identity) return false;
  const scheme = (identity: string): string => identity.slice(0, identity.indexOf(':'));
  if (scheme(a.identity) === scheme(b.identity) && scheme(a.identity) !== 'stat') return true;
  if (a.size !== undefined && b.size !== undefined && a.size !== b.size) return true;
  const digest = async (entry: LocatedEntry): Promise<string> => (entry.identity.startsWith('md5:') ? entry.identity.slice(4) : md5(loader, entry.ref));
  return (await digest(a)) !== (await digest(b));
}
