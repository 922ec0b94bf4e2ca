/**
 * A DVC experiment's history of one metric, as DVCLive keeps it: beside its summary
 * `<dir>/metrics.json`, one TSV per metric under `<dir>/plots/metrics/`, at the metric's path
 * (`train/loss` → `plots/metrics/train/loss.tsv`), with the columns `step` and the metric's last
 * name, and `timestamp` (ms) in DVCLive versions that wrote one (3.49 does not). The file is read at the experiment's commit
 * (from git, or DVC's cache when the plots are a cached output), in the workspace, or in a running
 * experiment's work tree, the same files `dvc plots diff <rev> --json` shows.
 *
 * A metric without such a file (a metrics file DVCLive did not write) has no history: no points.
 * A file that cannot be parsed, or lacks the step or value column, is an error about that file.
 */
import { join, posix } from 'node:path';
import { parseDelimited } from '../plots/parse.js';
import { RevisionLoader, type LoadedRevision } from '../revision/load.js';
import { MAX_PLOT_FILE_BYTES, normalizeRepoPath, RevisionFileError, WorkspaceFiles } from '../revision/files.js';

/** One point of a metric's history. */
export interface HistoryPoint {
  readonly step: number;
  readonly value: number;
  /** Milliseconds since the epoch (0 when the file has no timestamp column). */
  readonly timestamp: number;
}

/** Where a row's files are: a commit, the project's work tree, or a running experiment's work tree (its git root). */
export type HistoryPlace = { readonly commit: string } | { readonly workspace: true } | { readonly workTree: string };

/**
 * The files that may hold the history of `key` (dotted, as the table names it) of `metricsFile`:
 * the nested path first (`train.loss` → `train/loss.tsv`, what `log_metric("train/loss")` writes),
 * then the name kept whole (`log_metric("acc.top1")` writes `acc.top1.tsv`).
 */
export function historyFiles(metricsFile: string, key: string): string[] {
  const dir = posix.join(posix.dirname(metricsFile.replace(/\\/g, '/')), 'plots', 'metrics');
  const nested = posix.join(dir, `${key.split('.').join('/')}.tsv`);
  const whole = posix.join(dir, `${key}.tsv`);
  // A key cannot lead out of the history folder (`..` in a hostile metrics file).
  return [...new Set([nested, whole])].filter((path) => path.startsWith(`${dir}/`) && normalizeRepoPath(path) === path);
}

/**
 * Not in that revision at all: no history. Anything else about the file (a symlink out of the
 * repository, a cached output missing from the cache, over the size bound) is an error on the row.
 */
function isAbsent(error: unknown): boolean {
  return error instanceof RevisionFileError && error.reason === 'missing' && error.message.startsWith('No such file');
}

/** DVCLive's TSV of one metric → its points (values as numbers; `nan`, `inf` as Python writes them). */
export function parseHistory(path: string, text: string): HistoryPoint[] {
  const rows = parseDelimited(path, text, '\t', true);
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const leaf = posix.basename(path, '.tsv');
  const valueColumn = columns.includes(leaf) ? leaf : columns.find((c) => c !== 'timestamp' && c !== 'step');
  if (!columns.includes('step') || valueColumn === undefined) throw new Error(`${path} is not a DVCLive metric history: its columns are ${columns.join(', ') || 'none'} (expected timestamp, step and ${leaf})`);
  const points: HistoryPoint[] = [];
  for (const row of rows) {
    const step = Number(row.step);
    if (!Number.isInteger(step)) throw new Error(`${path}: step '${String(row.step).slice(0, 40)}' is not a whole number`);
    const timestamp = row.timestamp === undefined || row.timestamp === '' ? 0 : Number(row.timestamp);
    points.push({ value: pythonFloat(row[valueColumn] ?? ''), timestamp: Number.isFinite(timestamp) ? timestamp : 0, step });
  }
  return points;
}

function pythonFloat(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'nan' || trimmed === '') return NaN;
  if (trimmed === 'inf' || trimmed === 'infinity' || trimmed === '+inf') return Infinity;
  if (trimmed === '-inf' || trimmed === '-infinity') return -Infinity;
  const value = Number(trimmed);
  return Number.isNaN(value) ? NaN : value;
}

/**
 * Reads histories of one DVC root's experiments. Commits are loaded once (a few kept); one
 * `git cat-file --batch` serves them all; dispose() ends it.
 */
/** How long a workspace snapshot serves further reads. */
export const WORKSPACE_REUSE_MS = 2_000;

export class DvcliveHistory {
  private readonly loader: RevisionLoader;
  private readonly revisions = new Map<string, Promise<LoadedRevision>>();
  private workspaceLoadedAt = -Infinity;

  constructor(
    readonly root: string,
    private readonly maxBytes = MAX_PLOT_FILE_BYTES,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.loader = new RevisionLoader(root);
  }

  /** The points of `key` of `metricsFile` (relative to the DVC root) at `place`; [] when DVCLive kept no history of it. */
  async read(place: HistoryPlace, metricsFile: string, key: string, signal?: AbortSignal): Promise<HistoryPoint[]> {
    for (const path of historyFiles(metricsFile, key)) {
      signal?.throwIfAborted();
      const text = await this.text(place, path, signal);
      if (text !== undefined) return parseHistory(path, text);
    }
    return [];
  }

  dispose(): void {
    this.loader.dispose();
    this.revisions.clear();
  }

  private async text(place: HistoryPlace, path: string, signal?: AbortSignal): Promise<string | undefined> {
    if ('workTree' in place) return this.workTreeText(place.workTree, path, signal);
    const revision = await this.revision(place, signal);
    try {
      return await (await revision.files.read(path)).bytes.toString('utf8');
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  /** A running experiment's file: a plain file of its work tree (DVCLive writes it as the run goes). */
  private async workTreeText(gitRoot: string, path: string, signal?: AbortSignal): Promise<string | undefined> {
    const prefix = await this.loader.gitPrefix(signal ? { signal } : {});
    // Plain files only (no cache lookups): a symlink out of that work tree is refused as in the workspace.
    const files = new WorkspaceFiles(join(gitRoot, ...prefix.split('/').filter(Boolean)), '', this.maxBytes);
    try {
      return await (await files.read(path)).bytes.toString('utf8');
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  private revision(place: { commit: string } | { workspace: true }, signal?: AbortSignal): Promise<LoadedRevision> {
    const key = 'commit' in place ? place.commit : 'workspace';
    let loaded = this.revisions.get(key);
    // Commits never change: a few are kept. The workspace does: its snapshot serves the reads
    // that start within WORKSPACE_REUSE_MS of loading it (one table fill asks for each metric
    // column at once), then is loaded again.
    const stale = key === 'workspace' && this.clock() - this.workspaceLoadedAt > WORKSPACE_REUSE_MS;
    if (!loaded || stale) {
      if (key === 'workspace') this.workspaceLoadedAt = this.clock();
      loaded = this.loader.load('commit' in place ? { name: place.commit, kind: 'commit', commit: place.commit } : { name: 'workspace', kind: 'workspace' }, { maxFileBytes: this.maxBytes, ...(signal ? { signal } : {}) });
      loaded.catch(() => this.revisions.delete(key));
      if (this.revisions.size >= 32) this.revisions.delete(this.revisions.keys().next().value!);
      this.revisions.set(key, loaded);
    }
    return loaded;
  }
}
