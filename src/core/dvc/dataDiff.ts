/**
 * What changed between two versions of a tracked path, file by file, from the `.dir` listings in
 * the cache (or the workspace's hashes): the lists `dvc diff` prints for a directory, relative to
 * the tracked directory. A file's version is compared by its md5 only, as DVC does.
 */
import type { TrackedData } from './entities.js';
import { compareCodePoints, type DirEntry } from './hashing/dirListing.js';
import type { DvcRepo } from './repo.js';

export interface DataDiff {
  readonly added: readonly string[];
  readonly deleted: readonly string[];
  readonly modified: readonly string[];
  readonly unchanged: number;
}

export function diffListings(before: readonly DirEntry[], after: readonly DirEntry[]): DataDiff {
  const old = new Map(before.map((e) => [e.relpath, e.md5]));
  const now = new Map(after.map((e) => [e.relpath, e.md5]));
  const added: string[] = [];
  const deleted: string[] = [];
  const modified: string[] = [];
  let unchanged = 0;
  for (const [path, md5] of now) {
    const was = old.get(path);
    if (was === undefined) added.push(path);
    else if (was !== md5) modified.push(path);
    else unchanged++;
  }
  for (const path of old.keys()) if (!now.has(path)) deleted.push(path);
  const sort = (list: string[]): string[] => list.sort(compareCodePoints);
  return { added: sort(added), deleted: sort(deleted), modified: sort(modified), unchanged };
}

/** A single file's two versions: modified, or nothing when the hashes agree. */
export function diffFile(name: string, before: string | undefined, after: string | undefined): DataDiff {
  if (before === after) return { added: [], deleted: [], modified: [], unchanged: before === undefined ? 0 : 1 };
  if (before === undefined) return { added: [name], deleted: [], modified: [], unchanged: 0 };
  if (after === undefined) return { added: [], deleted: [name], modified: [], unchanged: 0 };
  return { added: [], deleted: [], modified: [name], unchanged: 0 };
}

export interface DiffSide {
  /** "workspace", or a short commit and its subject. */
  readonly label: string;
  readonly hash: string | undefined;
}

/**
 * The diff as a read-only `.diff` document (VS Code colours `+` added, `-` deleted, `!` changed):
 * a commented header naming both sides, then one line per file that differs.
 */
export function formatDataDiff(repoPath: string, before: DiffSide, after: DiffSide, diff: DataDiff): string {
  const total = diff.added.length + diff.deleted.length + diff.modified.length;
  const lines = [
    `# ${repoPath}`,
    `# before: ${before.label}  ${before.hash ?? '(nothing recorded)'}`,
    `# after:  ${after.label}  ${after.hash ?? '(nothing recorded)'}`,
    `# ${total === 0 ? 'no files differ' : `${diff.added.length} added, ${diff.deleted.length} deleted, ${diff.modified.length} modified`}, ${diff.unchanged} unchanged`,
    '',
  ];
  for (const path of diff.added) lines.push(`+ added     ${path}`);
  for (const path of diff.deleted) lines.push(`- deleted   ${path}`);
  for (const path of diff.modified) lines.push(`! modified  ${path}`);
  return `${lines.join('\n')}\n`;
}

/** One side of a diff: the hash, and a directory's files (undefined for a single file). */
export interface DataFiles {
  readonly hash: string | undefined;
  readonly entries: readonly DirEntry[] | undefined;
}

/** A version's files: a directory's listing from the cache (`.dir`), or a file's one hash. */
export async function versionFiles(repo: Pick<DvcRepo, 'dirListing'>, repoPath: string, hash: string | undefined): Promise<DataFiles> {
  if (!hash?.endsWith('.dir')) return { hash, entries: undefined };
  const entries = await repo.dirListing(hash);
  if (!entries) throw new Error(`The file list of ${repoPath} version ${hash} is not in the DVC cache: fetch it first (dvc fetch).`);
  return { hash, entries };
}

/** The tracked path as it is in the workspace now (nothing there: no hash, and an empty directory if it was one). */
export async function workspaceFiles(repo: Pick<DvcRepo, 'measureWorkspace'>, data: Pick<TrackedData, 'repoPath' | 'isDir'>): Promise<DataFiles> {
  const measured = await repo.measureWorkspace(data.repoPath);
  if (!measured?.exists) return { hash: undefined, entries: data.isDir ? [] : undefined };
  return { hash: measured.hash, entries: measured.isDir ? (measured.entries ?? []) : undefined };
}

/** Two sides compared file by file when either is a directory, else by the file's hash. */
export function diffDataFiles(name: string, before: DataFiles, after: DataFiles): DataDiff {
  if (before.entries || after.entries) return diffListings(before.entries ?? [], after.entries ?? []);
  return diffFile(name, before.hash, after.hash);
}
