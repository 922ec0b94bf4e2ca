/**
 * The DVC model the views and the CLI read: stages and data as DVC loads them from dvc.yaml,
 * dvc.lock and `.dvc` files, and their status with the reasons `dvc status` gives.
 *
 * Paths: `repoPath` is POSIX, relative to the DVC root (what `dvc status` prints when run from
 * the root); `defPath` is the path as written in the file (relative to the stage's wdir), which is
 * how DVC joins a dvc.yaml entry with its dvc.lock record. Positions are 1-based.
 */
import type { PyDict, PyValue } from './pyValue.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A problem in a user's file, for the Problems panel; reading never throws for bad user files. */
export interface DvcDiagnostic {
  /** Absolute path of the file. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** `md5` is DVC 3 (`hash: md5` in the file); `md5-dos2unix` is a DVC 2 record (no `hash` key). */
export type HashAlgorithm = 'md5' | 'md5-dos2unix';

/** What a lock entry or `.dvc` out records about a file or directory. */
export interface HashRecord {
  readonly algorithm: HashAlgorithm;
  /** `<md5>` or `<md5>.dir`; undefined when nothing is recorded. */
  readonly hash: string | undefined;
  readonly size?: number;
  readonly nfiles?: number;
  readonly isexec?: boolean;
}

export interface OutFlags {
  readonly cache: boolean;
  readonly persist: boolean;
  readonly push: boolean;
  readonly remote?: string;
}

export type OutKind = 'outs' | 'metrics' | 'plots';

export interface PathDep {
  readonly defPath: string;
  readonly repoPath: string;
  readonly absPath: string;
  readonly position: Position;
  /** A `.dvc` import's source in another repo (`repo:`) or a database (`db:`): no local path. */
  readonly external?: boolean;
}

export interface StageOut extends PathDep {
  readonly kind: OutKind;
  readonly flags: OutFlags;
  /** For `plots` outs: the plot's props as written (x, y, template, title, x_label, y_label, header). */
  readonly plot?: PyDict;
}

export interface ParamsDep {
  /** The params file as written (relative to wdir); `params.yaml` for bare keys. */
  readonly defPath: string;
  readonly repoPath: string;
  readonly absPath: string;
  /** Tracked keys in dvc.yaml order; empty when the whole file is tracked. */
  readonly keys: readonly string[];
  readonly position: Position;
}

export interface Stage {
  /** The key of this stage in `dvc status --json`: `name`, `sub/dvc.yaml:name` or `data.dvc`. */
  readonly address: string;
  readonly kind: 'pipeline' | 'data';
  /** Stage name (`train`, `train@small`); the `.dvc` file's path for data stages. */
  readonly name: string;
  /** The foreach/matrix group this stage was generated from. */
  readonly generatedFrom?: string;
  /** The defining file (dvc.yaml or `.dvc`), relative to the DVC root. */
  readonly file: string;
  readonly position: Position;
  readonly cmd: string | readonly string[] | undefined;
  /** Working directory, relative to the DVC root ('' for the root). */
  readonly wdir: string;
  readonly deps: readonly PathDep[];
  readonly params: readonly ParamsDep[];
  readonly outs: readonly StageOut[];
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  readonly desc?: string;
  /** Recorded state (dvc.lock entry, or the `.dvc` file itself); undefined if never run. */
  readonly lock: LockRecord | undefined;
}

export interface LockRecord {
  readonly cmd: string | readonly string[] | undefined;
  /** By `defPath`. */
  readonly deps: ReadonlyMap<string, HashRecord>;
  readonly outs: ReadonlyMap<string, HashRecord>;
  /** params file (as written) → key → value. */
  readonly params: ReadonlyMap<string, PyDict>;
}

/** Top-level dvc.yaml sections, resolved. */
export interface PipelineFile {
  readonly file: string;
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  readonly plots: readonly PyValue[];
  readonly artifacts: Readonly<Record<string, PyValue>>;
}

// ---- status ----

/** The per-path words of `dvc status`. */
export type PathState = 'modified' | 'deleted' | 'new' | 'not in cache';
export type ParamState = 'modified' | 'deleted' | 'new';

export interface PathChange {
  readonly repoPath: string;
  readonly state: PathState;
  readonly recorded?: string;
  /** The workspace's hash where it differs from the record ('modified', and 'not in cache' over a changed copy). */
  readonly actual?: string;
  /** An out that .dvcignore ignores: the pattern, as DVC names it (`.dvcignore:1:out.txt`). */
  readonly ignoredBy?: string;
}

export interface ParamChange {
  readonly file: string;
  /** undefined when the whole params dep is new/deleted (no recorded values / no file). */
  readonly key: string | undefined;
  readonly state: ParamState;
  readonly old?: unknown;
  readonly new?: unknown;
}

export type StageState = 'up-to-date' | 'changed' | 'never-run' | 'upstream-changed';

export interface StageStatus {
  readonly address: string;
  readonly state: StageState;
  /** Changed stages upstream of this one (repro would run it after them). */
  readonly upstreamChanged: readonly string[];
  readonly changedDeps: readonly PathChange[];
  readonly changedParams: readonly ParamChange[];
  readonly changedOuts: readonly PathChange[];
  readonly commandChanged: boolean;
  readonly alwaysChanged: boolean;
  readonly neverRun: boolean;
  readonly frozen: boolean;
  /** Human reasons for the UI, e.g. "dep data/raw.csv modified", "param train.lr 0.1→0.05". */
  readonly reasons: readonly string[];
  /** Exactly this stage's value in `dvc status --json` (absent when up to date). */
  readonly dvcJson: DvcStatusEntry[] | undefined;
}

export type DvcStatusEntry = string | { [kind: string]: Record<string, string | Record<string, string>> };

export interface RepoStatus {
  readonly stages: readonly StageStatus[];
  readonly diagnostics: readonly DvcDiagnostic[];
  /** What `dvc status --json` prints. */
  readonly json: Record<string, DvcStatusEntry[]>;
}

export type DataState = 'in sync' | 'modified' | 'deleted' | 'not in cache' | 'never committed';

export interface TrackedData {
  readonly repoPath: string;
  /** The stage (or `.dvc` file) that records it. */
  readonly stage: string;
  readonly source: 'dvc-file' | 'stage-out';
  readonly isDir: boolean;
  readonly hash: string | undefined;
  readonly size: number | undefined;
  readonly nfiles: number | undefined;
  readonly cache: boolean;
  readonly state: DataState;
  /** 'not in cache' while the workspace holds a copy that differs from the record (a pull would replace it). */
  readonly workspaceDiffers?: boolean;
}

export interface DataVersion {
  readonly commit: string;
  readonly date: string;
  readonly author: string;
  readonly email: string;
  readonly message: string;
  readonly hash: string | undefined;
  readonly size?: number;
  readonly nfiles?: number;
}

export interface HashProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesHashed: number;
}
