/**
 * DVC experiments as `dvc exp show --json` prints them (dvc/repo/experiments/serialize.py): a list
 * of ExpState — the workspace, then one per baseline commit — each baseline holding ExpRanges
 * (one per experiment: its commits, tip first, and the executor that ran or runs it). Field names
 * are DVC's, so that `JSON.stringify` of a result is what DVC prints (timestamps are ISO strings in
 * local time, as Python's naive `datetime.fromtimestamp(...).isoformat()`).
 */

/** `{type, msg}`: how DVC writes an exception in its JSON. */
export interface SerializableError {
  readonly msg: string;
  readonly type: string;
}

/** One params or metrics file: its values, or why they could not be read. */
export type FileResult = { readonly data: unknown } | { readonly error: SerializableError };

export interface ExpDep {
  readonly hash: string | null;
  readonly size: number | null;
  readonly nfiles: number | null;
}

export interface ExpOut extends ExpDep {
  readonly use_cache: boolean;
  readonly is_data_source: boolean;
}

export interface SerializableExp {
  readonly rev: string;
  readonly timestamp: string | null;
  /** Repo-relative params file → values (every params file, nested as in the file). */
  readonly params: Readonly<Record<string, FileResult>>;
  readonly metrics: Readonly<Record<string, FileResult>>;
  readonly deps: Readonly<Record<string, ExpDep>>;
  /** Outs that are neither metrics nor plots. */
  readonly outs: Readonly<Record<string, ExpOut>>;
  readonly meta: Readonly<Record<string, unknown>>;
}

export interface LocalExpExecutor {
  /** The executor's work tree (a temporary clone under .dvc/tmp/exps for queued runs). */
  readonly root: string | null;
  readonly log: string | null;
  readonly pid: number | null;
  readonly returncode: number | null;
  /** The queue entry's stash commit. */
  readonly task_id: string | null;
}

export type ExecutorState = 'success' | 'queued' | 'running' | 'failed';

export interface ExpExecutor {
  readonly state: ExecutorState;
  /** `workspace`, `dvc-task` (the celery queue), `tempdir`, or null. */
  readonly name: string | null;
  readonly local: LocalExpExecutor | null;
}

export interface ExpState {
  /** `workspace`, a commit id, or a queue entry's stash commit. */
  readonly rev: string;
  /** A baseline's branch or tag; an experiment's name. */
  readonly name: string | null;
  readonly data: SerializableExp | null;
  readonly error: SerializableError | null;
  /** A baseline's experiments: running, then finished (newest first), queued, failed. */
  readonly experiments: readonly ExpRange[] | null;
}

export interface ExpRange {
  /** The experiment's commits, tip first (one for every run since checkpoints left DVC). */
  readonly revs: readonly ExpState[];
  readonly executor: ExpExecutor | null;
  readonly name: string | null;
}

export interface ExpShowOptions {
  /** Baseline revisions (default HEAD); each with `num - 1` ancestors. */
  readonly revs?: readonly string[];
  /** `-n`: commits per rev, following first parents (default 1). */
  readonly num?: number;
  /** `-A`: every commit reachable from HEAD, branches, remotes and tags. */
  readonly allCommits?: boolean;
  /** `-a` / `-T`: the tip of every branch / every tag as a baseline. */
  readonly allBranches?: boolean;
  readonly allTags?: boolean;
  readonly hideQueued?: boolean;
  readonly hideFailed?: boolean;
  readonly hideWorkspace?: boolean;
  readonly signal?: AbortSignal;
}

/** A failure of the whole read (a bad `--rev`, no git), as opposed to one row's error. */
export class ExperimentsError extends Error {
  constructor(
    readonly reason: 'unknown-rev' | 'ambiguous-rev' | 'not-a-git-repo' | 'no-dvc-repo' | 'git-failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
